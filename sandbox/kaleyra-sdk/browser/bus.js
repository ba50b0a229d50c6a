/**
 * The bus between tabs: a BroadcastChannel named "bandyer-stand-in:<appId>" that stands in for
 * Kaleyra's server between the tabs of one browser. It carries presence, chat messages, ringing
 * and WebRTC signalling. Every message says who sent it (`from` user, `fromTab`) and may be
 * addressed to one user (`to`) or one tab (`toTab`); a tab sees only what is addressed to it,
 * never its own messages.
 */
import { randomId } from './ids.js';

const BUS_PREFIX = 'bandyer-stand-in:';

export class TabBus {
  /** No BroadcastChannel (an old browser): the client stays alone, without presence. */
  static get available() {
    return typeof BroadcastChannel === 'function';
  }

  /** Joins the bus of `appId` as `userId`; `onMessage` gets what is addressed to this tab. */
  constructor(appId, userId, onMessage) {
    this.tabId = randomId();
    this.userId = userId;
    this.channel = new BroadcastChannel(BUS_PREFIX + String(appId));
    this.channel.onmessage = (event) => {
      const message = event.data;
      if (this.addressedHere(message)) onMessage(message);
    };
  }

  addressedHere(message) {
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') return false;
    if (message.fromTab === this.tabId) return false;
    if (message.toTab !== undefined && message.toTab !== this.tabId) return false;
    return message.to === undefined || message.to === this.userId;
  }

  post(message) {
    this.channel.postMessage({ ...message, from: this.userId, fromTab: this.tabId });
  }

  close() {
    this.channel.close();
  }
}
