/**
 * The bus between tabs, which stands in for Kaleyra's server between the clients: it carries
 * presence, chat messages, ringing and WebRTC signalling. Every message says who sent it
 * (`from` user, `fromTab`) and may be addressed to one user (`to`) or one tab (`toTab`); a tab
 * sees only what is addressed to it, never its own messages.
 *
 * By default a BroadcastChannel named "bandyer-stand-in:<appId>": the tabs of one origin in
 * one browser. Loaded as `bandyer-sdk.js?bus=server`, the stand-in uses the relay that its
 * server serves beside it, `bus` (relay.mjs; the sandbox's site mounts it), which reaches
 * every origin and every browser as Kaleyra's own server does: a page on the token worker's
 * origin (its call page), in another browser profile, reaches the staff page.
 */
import { randomId } from './ids.js';
import { ownScript } from './own-script.js';

const BUS_PREFIX = 'bandyer-stand-in:';

/** The relay's URL when the stand-in's own script asked for it, else null. */
const RELAY = (() => {
  if (!ownScript || !ownScript.src) return null;
  const src = new URL(ownScript.src);
  return src.searchParams.get('bus') === 'server' ? new URL('bus', src).href : null;
})();

export class TabBus {
  /** No bus at all (an old browser, no relay): the client stays alone, without presence. */
  static get available() {
    return RELAY !== null || typeof BroadcastChannel === 'function';
  }

  /** Joins the bus of `appId` as `userId`; `onMessage` gets what is addressed to this tab. */
  constructor(appId, userId, onMessage) {
    this.tabId = randomId();
    this.userId = userId;
    const name = BUS_PREFIX + String(appId);
    const deliver = (message) => {
      if (this.addressedHere(message)) onMessage(message);
    };
    this.channel = RELAY ? new RelayChannel(RELAY, name, deliver) : broadcast(name, deliver);
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

function broadcast(name, deliver) {
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event) => deliver(event.data);
  return channel;
}

/**
 * The relay: an event stream of the channel's messages (every listener gets every message, its
 * own included: TabBus drops those), and a POST per message. Messages go out one at a time, in
 * order, and only once this tab listens, so the answers to its `presence:hello` reach it. A
 * message that cannot be sent is lost, as on a dropped socket.
 */
class RelayChannel {
  constructor(relay, name, deliver) {
    const url = new URL(relay);
    url.searchParams.set('channel', name);
    this.url = url.href;
    this.source = new EventSource(this.url);
    this.source.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      deliver(message);
    };
    this.sending = new Promise((resolve) => {
      this.source.addEventListener('open', () => resolve(), { once: true });
    });
  }

  postMessage(message) {
    const body = JSON.stringify(message);
    this.sending = this.sending.then(() =>
      // keepalive: a `presence:bye` sent as the page goes away still arrives.
      fetch(this.url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).then(
        (response) => response.body && response.body.cancel(),
        () => {},
      ),
    );
  }

  close() {
    this.source.close();
  }
}
