/**
 * The client: the SDK's `Client` and the engine behind it (connection, token lifecycle,
 * presence, chat and calls), playing both the SDK and the Kaleyra server it talks to.
 */
import { CallSession } from './call.js';
import { Chat } from './chat.js';
import { CALL_TYPES } from './config.js';
import { control, record } from './control.js';
import { ExposeError, invalid, isNonEmptyString, notConnected, serverError } from './errors.js';
import { EventEmitter } from './event-emitter.js';
import { bindEngine, engineOf } from './facade.js';
import { randomId } from './ids.js';
import { isoFromExp, judgeToken } from './jwt.js';
import { loadMediaClient, mediaClientGate } from './media-client.js';
import { TabBus } from './bus.js';
import { cancelAll, schedule, scheduleAt } from './timers.js';
import { Widget } from './widget.js';

const ENVIRONMENTS = ['sandbox', 'production', 'development', 'local'];
const CONNECT_DELAY_MS = 20; // the real bundle took ~90 ms against a local server
const UPDATE_DELAY_MS = 20;
const EXPIRED_EVENT_DELAY_MS = 50; // observed: the refusal surfaces ~50 ms after connect

export class Client extends EventEmitter {
  constructor(engine, config) {
    super();
    bindEngine(this, engine);
    this.region = config.region;
    this.environment = config.environment;
    this.appId = config.appId;
    this.userId = null;
    this.channelsView = new Map();
    this.callView = null;
  }
  connect(userId, accessToken) {
    record('connect', arguments);
    return engineOf(this).connect(userId, accessToken);
  }
  disconnect() {
    record('disconnect', arguments);
    engineOf(this).teardown(null);
    return Promise.resolve();
  }
  updateAccessToken(accessToken) {
    record('updateAccessToken', arguments);
    return engineOf(this).updateAccessToken(accessToken);
  }
  addChannel(userId) {
    record('addChannel', arguments);
    return engineOf(this).chat.addChannel(userId);
  }
  removeChannel(userId) {
    record('removeChannel', arguments);
    return engineOf(this).chat.removeChannel(userId);
  }
  getChannelView(userId) {
    record('getChannelView', arguments);
    return engineOf(this).chat.getChannelView(userId);
  }
  selectChannelsView() {
    record('selectChannelsView', arguments);
    engineOf(this).ui('selectChannels');
  }
  createCall(userIds, options) {
    record('createCall', arguments);
    return engineOf(this).createCall(userIds, options);
  }
  joinCallURL(url) {
    record('joinCallURL', arguments);
    return engineOf(this).joinCallURL(url);
  }
  getOnlineUsers() {
    record('getOnlineUsers', arguments);
    const engine = engineOf(this);
    if (!engine.connected) throw notConnected();
    return [...engine.presence.keys()];
  }
  showWidget() {
    record('showWidget', arguments);
    return engineOf(this).ui('show');
  }
  hideWidget() {
    record('hideWidget', arguments);
    return engineOf(this).ui('hide');
  }
  openWidget() {
    record('openWidget', arguments);
    return engineOf(this).ui('open');
  }
  closeWidget() {
    record('closeWidget', arguments);
    return engineOf(this).ui('close');
  }
  toggleWidget() {
    record('toggleWidget', arguments);
    return engineOf(this).ui('toggle');
  }
}

export class ClientEngine {
  constructor(config) {
    this.config = config;
    this.client = new Client(this, config);
    this.widget = new Widget(this);
    this.chat = new Chat(this);
    this.connected = false;
    this.destroyed = false;
    this.attempt = 0; // bumped by teardown and by each connect: stale async work stops
    this.timers = new Set(); // connect/update round trips
    this.tokenTimers = new Set(); // about-to-expire and expiry
    this.claims = null;
    this.presence = new Map(); // other userId → Set of their tab ids
    this.bus = null;
    this.tabId = null;
    this.call = null; // CallSession
    this.lastCall = null;
    this.onPageHide = () => this.teardown(null);
  }

  connect(userId, accessToken) {
    if (this.destroyed) {
      return Promise.reject(new ExposeError('connect_error', 'This client was destroyed'));
    }
    if (!isNonEmptyString(userId) || !isNonEmptyString(accessToken)) {
      return Promise.reject(invalid('connect(userId, accessToken) needs two non-empty strings'));
    }
    if (this.connected) {
      return Promise.reject(new ExposeError('connect_error', 'Client already connected'));
    }
    // Like 2.7.5, every connect asks for the media client (loaded once per page); a failure
    // only takes calls away, never the connection.
    loadMediaClient();
    this.attempt++;
    cancelAll(this.timers);
    const attempt = this.attempt;
    this.client.userId = userId;
    this.widget.appendDiv();
    const behavior = control.connectBehavior;
    return new Promise((resolve, reject) => {
      if (behavior === 'hang') return;
      if (behavior.reject) {
        const error = new ExposeError(behavior.reject, behavior.reject);
        schedule(this.timers, CONNECT_DELAY_MS, () => reject(error));
        return;
      }
      const delay = behavior.delayMs === undefined ? CONNECT_DELAY_MS : behavior.delayMs;
      this.handshake(userId, accessToken).then((verdict) => {
        if (attempt !== this.attempt) return;
        if (verdict.code === 'access_token_expired') {
          schedule(this.timers, EXPIRED_EVENT_DELAY_MS, () => {
            this.widget.unmount({ kind: 'expired' });
            this.client.emit('client:access_token:expired', new Error('access_token_expired'));
          });
        } else if (verdict.code) {
          // What 2.7.5 does on a refused handshake: log, never settle, show nothing.
          console.error(`[BandyerSDK stand-in] connection refused: ${verdict.code}`);
        } else {
          schedule(this.timers, delay, () => {
            this.becomeConnected(verdict.claims);
            resolve();
          });
        }
      });
    });
  }

  async handshake(userId, accessToken) {
    if (!ENVIRONMENTS.includes(this.config.environment)) return { code: 'environment_unknown' };
    const expected = control.expectedAppId;
    if (expected !== null && this.config.appId !== expected) return { code: 'app_id_invalid' };
    return judgeToken(accessToken, userId, control.signingSecret);
  }

  becomeConnected(claims) {
    this.connected = true;
    this.claims = claims;
    this.lastCall = null;
    this.widget.mount();
    this.widget.log(`Connected as ${this.client.userId}`);
    this.scheduleTokenPushes();
    this.joinPresence();
  }

  /** The server's pushes for the current token: about-to-expire, then expiry. */
  scheduleTokenPushes() {
    cancelAll(this.tokenTimers);
    const expMs = this.claims.exp * 1000;
    const issuedMs = typeof this.claims.iat === 'number' ? this.claims.iat * 1000 : Date.now();
    const lead =
      control.pushLeadMs === null
        ? Math.min(60_000, Math.max(0, (expMs - issuedMs) * 0.2))
        : control.pushLeadMs;
    this.widget.setNotice('sessionUntil', expMs);
    scheduleAt(this.tokenTimers, expMs - lead, () => this.aboutToExpire());
    scheduleAt(this.tokenTimers, expMs, () => this.expire());
  }

  aboutToExpire() {
    const expiresAt = isoFromExp(this.claims.exp);
    this.widget.setNotice('aboutToExpire', this.claims.exp * 1000);
    this.widget.log('Token is about to expire');
    this.client.emit('client:access_token:is_about_to_expire', { expiresAt });
  }

  /** Disconnect first, then tell the page (docs/kaleyra-sdk-notes.md, Events). */
  expire() {
    const expiresAt = isoFromExp(this.claims.exp);
    this.teardown({ kind: 'expired' });
    this.client.emit('client:access_token:expired', { expiresAt });
  }

  forceDisconnect(reason) {
    this.teardown({ kind: 'forced', reason });
    this.client.emit('client:force_disconnect', { reason });
  }

  /** Closes everything; `view` is the inactive view left in the widget (null: empty). */
  teardown(view) {
    this.attempt++;
    cancelAll(this.timers);
    cancelAll(this.tokenTimers);
    if (this.call) this.call.hangUp();
    this.leavePresence();
    this.connected = false;
    this.claims = null;
    this.client.channelsView.clear();
    this.client.callView = null;
    this.widget.unmount(view);
  }

  updateAccessToken(accessToken) {
    if (typeof accessToken !== 'string') {
      throw invalid('updateAccessToken(accessToken) needs a string');
    }
    if (!this.connected) return Promise.reject(notConnected());
    const behavior = control.updateBehavior;
    const attempt = this.attempt;
    return new Promise((resolve, reject) => {
      if (behavior === 'hang') return;
      if (behavior.reject) {
        schedule(this.timers, UPDATE_DELAY_MS, () => reject(serverError(behavior.reject)));
        return;
      }
      judgeToken(accessToken, this.client.userId, control.signingSecret).then((verdict) => {
        if (attempt !== this.attempt) return;
        schedule(this.timers, UPDATE_DELAY_MS, () => {
          if (verdict.code) {
            this.widget.log(`Token update refused: ${verdict.code}`);
            reject(serverError(verdict.code));
            return;
          }
          this.claims = verdict.claims;
          this.scheduleTokenPushes();
          this.widget.log('Token refreshed');
          resolve({ expiresAt: isoFromExp(verdict.claims.exp) });
        });
      });
    });
  }

  /** show/hide/open/close/toggle/selectChannels: sync, `authentication_error` when offline. */
  ui(action) {
    if (!this.connected) throw notConnected();
    const widget = this.widget;
    if (action === 'show') widget.visible = true;
    else if (action === 'hide') widget.visible = false;
    else if (action === 'open') widget.reveal(true);
    else if (action === 'close') widget.open = false;
    else if (action === 'toggle') widget.open = !widget.open;
    else if (action === 'selectChannels') widget.selectChannel(null);
    widget.render();
    return action === 'selectChannels' ? undefined : true;
  }

  // --- presence, over the bus between tabs ---------------------------------------------------

  joinPresence() {
    if (!TabBus.available) return;
    this.bus = new TabBus(this.config.appId, this.client.userId, (message) =>
      this.onBusMessage(message),
    );
    this.tabId = this.bus.tabId;
    this.post({ type: 'presence:hello' });
    window.addEventListener('pagehide', this.onPageHide);
  }

  leavePresence() {
    window.removeEventListener('pagehide', this.onPageHide);
    if (this.bus) {
      this.post({ type: 'presence:bye' });
      this.bus.close();
      this.bus = null;
    }
    this.presence.clear();
  }

  post(message) {
    if (this.bus) this.bus.post(message);
  }

  onBusMessage(message) {
    switch (message.type) {
      case 'presence:hello':
        this.setPresence(message.from, message.fromTab, true);
        this.post({ type: 'presence:here', toTab: message.fromTab });
        return;
      case 'presence:here':
        this.setPresence(message.from, message.fromTab, true);
        return;
      case 'presence:bye':
        this.setPresence(message.from, message.fromTab, false);
        return;
      case 'chat:message':
        this.chat.receiveMessage(message.from, message.text);
        return;
      case 'call:ring':
        this.onRing(message);
        return;
      default:
        if (this.call && this.call.call.roomId === message.roomId) this.call.onMessage(message);
    }
  }

  /** Presence is per user: online while any of their tabs is. */
  setPresence(userId, tab, online) {
    if (typeof userId !== 'string' || userId === this.client.userId) return;
    const tabs = this.presence.get(userId) || new Set();
    const wasOnline = tabs.size > 0;
    if (online) tabs.add(tab);
    else tabs.delete(tab);
    if (tabs.size > 0) this.presence.set(userId, tabs);
    else this.presence.delete(userId);
    if (wasOnline === tabs.size > 0) return;
    const status = online ? 'online' : 'offline';
    this.widget.log(`${userId} is ${status}`);
    this.client.emit('user:status:changed', { userId, status });
  }

  // --- calls ----------------------------------------------------------------------------------

  createCall(userIds, options) {
    if (!this.connected) return Promise.reject(notConnected());
    const valid =
      Array.isArray(userIds) &&
      userIds.length <= 1 &&
      userIds.every(isNonEmptyString) &&
      !userIds.includes(this.client.userId) &&
      (options === undefined || (typeof options === 'object' && options !== null));
    if (!valid) {
      return Promise.reject(
        invalid('createCall(userIds) needs an array of at most one other user'),
      );
    }
    if (this.call) {
      return Promise.reject(new ExposeError('another_call_in_progress', 'A call is in progress'));
    }
    const gate = mediaClientGate(() => this.createCall(userIds, options));
    if (gate) return gate;
    const opts = options || {};
    const callee = userIds[0] || null;
    const session = this.startCall({
      roomId: `room_${randomId()}`,
      direction: 'outgoing',
      participants: [this.client.userId, ...userIds],
      callType: CALL_TYPES.includes(opts.callType) ? opts.callType : this.config.callType,
      recordingType: opts.recordingType || this.config.recordingType,
      remoteUserId: callee,
      remoteTab: null,
      peer: callee ? 'tab' : 'room',
    });
    if (!callee) {
      session.joinRoom();
      return Promise.resolve(session.view);
    }
    return session.ring();
  }

  joinCallURL(url) {
    let parsed;
    try {
      parsed = typeof url === 'string' ? new URL(url) : null;
    } catch {
      parsed = null;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) {
      return Promise.reject(
        new ExposeError('invalid_url', 'joinCallURL(url) needs an http(s) URL'),
      );
    }
    if (this.call) {
      return Promise.reject(new ExposeError('another_call_in_progress', 'A call is in progress'));
    }
    // An access link may come without connect: the call loads the media client then.
    const gate = mediaClientGate(() => this.joinCallURL(url));
    if (gate) return gate;
    this.widget.ensureDiv();
    if (!this.widget.mounted) this.widget.mount();
    const room = parsed.pathname.split('/').filter(Boolean).pop() || parsed.host;
    const session = this.startCall({
      roomId: room,
      direction: 'outgoing',
      participants: [this.client.userId || 'guest'],
      callType: this.config.callType,
      recordingType: this.config.recordingType,
      remoteUserId: null,
      remoteTab: null,
      peer: 'room',
    });
    session.joinRoom();
    return Promise.resolve(session.view);
  }

  startCall(init) {
    const session = new CallSession(this, init);
    this.call = session;
    this.lastCall = session;
    control.lastCallSession = session;
    this.client.callView = session.view;
    this.widget.reveal(true);
    return session;
  }

  /** Another tab rings this user. */
  onRing(message) {
    if (!this.connected) return;
    if (this.call) {
      this.post({ type: 'call:busy', roomId: message.roomId, toTab: message.fromTab });
      return;
    }
    this.post({ type: 'call:ringing', roomId: message.roomId, toTab: message.fromTab });
    this.incoming(message.from, {
      roomId: message.roomId,
      callType: CALL_TYPES.includes(message.callType) ? message.callType : 'audio_video',
      recordingType: message.recordingType || 'none',
      participants: message.participants,
      remoteTab: message.fromTab,
      peer: 'tab',
    });
  }

  incoming(from, init) {
    const session = this.startCall({
      direction: 'incoming',
      remoteUserId: from,
      participants: [from, this.client.userId],
      ...init,
    });
    this.widget.log(`Incoming call from ${from}`);
    this.client.emit('call:incoming', { call: session.call });
    return session;
  }

  callEnded(session) {
    if (this.call === session) this.call = null;
    if (this.client.callView === session.view) this.client.callView = null;
    // A joinCallURL session without connect ("access link") ends with its call.
    if (!this.connected && this.widget.mounted) this.widget.unmount(null);
  }

  destroy() {
    this.teardown(null);
    this.destroyed = true;
  }
}
