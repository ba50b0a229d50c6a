/**
 * Kaleyra Video Web SDK ("chat widget") emulator: a stand-in for `window.BandyerSDK`.
 *
 * A classic script, no imports, no build step. The element's browser tests load it through a
 * real <script src>, the local sandbox (`npm start`) through the element's `sdk-src`. Like the
 * UMD bundle it defines `window.BandyerSDK`; loaded twice, the first copy stays. It follows
 * /work/shared/kaleyra-sdk.md §2–§4 and the behaviour seen when the real 2.7.5 bundle runs (§9).
 * Tests drive the "server side" through a separate global, `window.__bandyerEmulator`, so the
 * SDK surface itself stays faithful. `bandyer-sdk.d.ts` next to this file types both.
 *
 * The emulator is its own server. `connect` decodes the HS256 access token (base64url payload)
 * and judges it like the Kaleyra server would, in this order: malformed → `access_token_invalid`,
 * bad signature (checked only after `setSigningSecret`) → `access_token_invalid_signature`,
 * `exp` past → `access_token_expired`, `user` claim ≠ userId → `access_token_invalid_user`;
 * `app_id_invalid` only after `setExpectedAppId`. As in 2.7.5, only an expired token reaches the
 * page (an event ~50 ms later); the others leave `connect()` pending forever with a console error.
 *
 * Choices where kaleyra-sdk.md says "unknown" (documented here, asserted by the tests):
 * - `version` is "2.8.0-emulator" (SPEC pins 2.8.0); `region` also accepts "me" (README 2.8.0).
 * - `client:access_token:is_about_to_expire` fires min(60 s, 20 % of exp − iat) before `exp`
 *   (`setPushLeadMs` overrides), once per token, with `{expiresAt}`. At `exp` the client
 *   disconnects itself, shows "Your session is expired", then emits `client:access_token:expired`
 *   with `{expiresAt}` (a plain object: the live payload is server data). A refused connect emits
 *   an `Error('access_token_expired')`, as observed.
 * - `client:force_disconnect` (only from the control API) also disconnects first.
 * - "Server" refusals of `updateAccessToken` are plain objects `{code, message}` (observed for
 *   `access_token_invalid_user`); the real 10 s ack timeout is not emulated: 'hang' never settles.
 *   Called while not connected it rejects `authentication_error`.
 * - A connect that is superseded (disconnect, or another connect before it finished) never
 *   settles, like a refused handshake. A destroyed client's `connect` rejects `connect_error`.
 * - `connect` also rejects `validation_error` for empty strings. The environment must be one the
 *   transport knows (sandbox, production, development, local); another one hangs like an
 *   unreachable host.
 * - `getOnlineUsers` lists the other online users (never the current one); the presence snapshot
 *   received after connecting is announced with `user:status:changed` events.
 * - `call:status:changed` fires on transitions after a call exists (connecting, connected,
 *   ended), not for its initial `dialing` (that is `createCall`'s result or `call:incoming`).
 * - `channel:added` also fires for channels created with `addChannel`. `Channel.sendMessage`
 *   returns a Promise of the Message. `selectChannelsView` throws `authentication_error` when not
 *   connected, like the UI methods; `openWidget` also shows a hidden widget.
 * - `destroyClient` disconnects internally: `calls` records only what the page called.
 * - `mode: "window"` renders embedded; of `layout` only launcher/header colours and fontFamily are
 *   applied; `userDetailsProvider`/`userDetailsFormatter` are validated but never called.
 * - Calls between tabs: a BroadcastChannel named "bandyer-emulator:<appId>" carries presence,
 *   chat messages, ringing and WebRTC signalling (trickle ICE, no ICE servers). A ringing call
 *   ends with `timeout` after 45 s (`setRingTimeoutMs`); a call whose peer connection fails ends
 *   with `hang_up`; leaving the page (pagehide) disconnects. A call to a user whose every tab is
 *   busy rejects `all_users_busy`; to an offline user it rings until the timeout.
 */
(function (global) {
  'use strict';

  const MARK = Symbol.for('kaleyra-call.bandyer-sdk-emulator');
  if (global.BandyerSDK && global.BandyerSDK[MARK]) return;

  const VERSION = '2.8.0-emulator';
  const WIDGET_ID = 'Bandyer-bandyer-chat-widget';
  const BUS_PREFIX = 'bandyer-emulator:';
  const REGIONS = ['eu', 'in', 'us', 'me'];
  const ENVIRONMENTS = ['sandbox', 'production', 'development', 'local'];
  const TOOLS = [
    'chat',
    'screen_sharing',
    'file_upload',
    'whiteboard',
    'snapshot',
    'live_edit',
    'live_pointer',
  ];
  const WHITEBOARD_TOOLS = [
    'wb_add_file',
    'wb_cursor',
    'wb_text',
    'wb_shape',
    'wb_pen',
    'wb_eraser',
  ];
  const RECORDING_TYPES = ['none', 'manual', 'automatic'];
  const CALL_TYPES = ['audio_only', 'audio_upgradable', 'audio_video'];
  const MODES = ['embed', 'window'];
  const LANGUAGES = ['en', 'it', 'es'];
  const VIRTUAL_BACKGROUNDS = ['blur', 'image'];

  const CONNECT_DELAY_MS = 20; // the real bundle took ~90 ms against a local server
  const UPDATE_DELAY_MS = 20;
  const EXPIRED_EVENT_DELAY_MS = 50; // observed: the refusal surfaces ~50 ms after connect
  const RING_ACK_MS = 60; // how long createCall waits for the callee's tabs to answer "busy"
  const RING_TIMEOUT_MS = 45_000;
  const MEDIA_TIMEOUT_MS = 20_000; // connecting → connected, else the call ends
  const MAX_DELAY = 2 ** 31 - 1; // setTimeout's limit

  // ---------------------------------------------------------------------------------------------
  // Errors

  /** The SDK's error class: `name === code`. */
  class ExposeError extends Error {
    constructor(code, message) {
      super(message || code);
      this.name = code;
      this.code = code;
    }
  }

  /** 2.7.5 throws config errors before wrapping them: a plain Error with a name, no code. */
  function configError(message) {
    const error = new Error(message);
    error.name = 'invalid_config_error';
    return error;
  }

  /** What the "server" rejects with: raw objects, not Errors (kaleyra-sdk.md §9). */
  const serverError = (code) => ({ code, message: code });

  const notConnected = () => new ExposeError('authentication_error', 'Client not connected');
  const invalid = (message) => new ExposeError('validation_error', message);
  const isNonEmptyString = (value) => typeof value === 'string' && value.length > 0;

  // ---------------------------------------------------------------------------------------------
  // Node-style EventEmitter (the bundle ships the `events` polyfill)

  class EventEmitter {
    #events = new Map();

    addListener(event, listener) {
      if (typeof listener !== 'function') throw new TypeError('The "listener" must be a function');
      const list = this.#events.get(event) || [];
      list.push(listener);
      this.#events.set(event, list);
      return this;
    }
    on(event, listener) {
      return this.addListener(event, listener);
    }
    once(event, listener) {
      if (typeof listener !== 'function') throw new TypeError('The "listener" must be a function');
      const wrapper = (...args) => {
        this.removeListener(event, wrapper);
        listener.apply(this, args);
      };
      wrapper.listener = listener;
      return this.addListener(event, wrapper);
    }
    removeListener(event, listener) {
      const list = this.#events.get(event);
      if (!list) return this;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === listener || list[i].listener === listener) {
          list.splice(i, 1);
          break;
        }
      }
      if (list.length === 0) this.#events.delete(event);
      return this;
    }
    off(event, listener) {
      return this.removeListener(event, listener);
    }
    removeAllListeners(event) {
      if (event === undefined) this.#events.clear();
      else this.#events.delete(event);
      return this;
    }
    emit(event, ...args) {
      const list = this.#events.get(event);
      if (!list || list.length === 0) {
        if (event === 'error') {
          throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error. (${args[0]})`);
        }
        return false;
      }
      for (const listener of [...list]) listener.apply(this, args);
      return true;
    }
    listeners(event) {
      return (this.#events.get(event) || []).map((l) => l.listener || l);
    }
    rawListeners(event) {
      return [...(this.#events.get(event) || [])];
    }
    listenerCount(event) {
      return (this.#events.get(event) || []).length;
    }
    eventNames() {
      return [...this.#events.keys()];
    }
    setMaxListeners() {
      return this;
    }
    getMaxListeners() {
      return 10;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Timers: every emulator timer sits in a bag, so disconnect can clear them and tests count them

  const pendingTimers = new Set();

  function schedule(bag, ms, fn) {
    const entry = { handle: 0 };
    entry.handle = setTimeout(
      () => {
        pendingTimers.delete(entry);
        bag.delete(entry);
        fn();
      },
      Math.min(Math.max(0, ms), MAX_DELAY),
    );
    pendingTimers.add(entry);
    bag.add(entry);
  }

  /** Like schedule, at a wall-clock time; re-arms past setTimeout's 24.8-day limit. */
  function scheduleAt(bag, epochMs, fn) {
    const wait = epochMs - Date.now();
    if (wait > MAX_DELAY) schedule(bag, MAX_DELAY, () => scheduleAt(bag, epochMs, fn));
    else schedule(bag, wait, fn);
  }

  function cancelAll(bag) {
    for (const entry of bag) {
      clearTimeout(entry.handle);
      pendingTimers.delete(entry);
    }
    bag.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Access tokens (HS256 JWTs shaped like Kaleyra's, kaleyra-sdk.md §6)

  function base64UrlBytes(text) {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function decodeJwt(token) {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    try {
      const json = (part) => JSON.parse(new TextDecoder().decode(base64UrlBytes(part)));
      const header = json(parts[0]);
      const claims = json(parts[1]);
      if (!header || !claims || typeof claims !== 'object') return null;
      return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: parts[2] };
    } catch {
      return null;
    }
  }

  async function signatureValid(jwt, secret) {
    if (jwt.header.alg !== 'HS256') return false;
    const subtle = global.crypto && global.crypto.subtle;
    if (!subtle) {
      console.error('[BandyerSDK emulator] WebCrypto is unavailable here: cannot verify tokens');
      return false;
    }
    try {
      const encoder = new TextEncoder();
      const key = await subtle.importKey(
        'raw',
        encoder.encode(secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      );
      const signature = base64UrlBytes(jwt.signature);
      return await subtle.verify('HMAC', key, signature, encoder.encode(jwt.signingInput));
    } catch {
      return false;
    }
  }

  /** The server's verdict on a token: `{claims}` or `{code}`. */
  async function judgeToken(token, userId) {
    const jwt = decodeJwt(token);
    if (!jwt || typeof jwt.claims.user !== 'string' || typeof jwt.claims.exp !== 'number') {
      return { code: 'access_token_invalid' };
    }
    if (control.signingSecret !== null && !(await signatureValid(jwt, control.signingSecret))) {
      return { code: 'access_token_invalid_signature' };
    }
    if (jwt.claims.exp * 1000 <= Date.now()) return { code: 'access_token_expired' };
    if (jwt.claims.user !== userId) return { code: 'access_token_invalid_user' };
    return { claims: jwt.claims };
  }

  const isoFromExp = (exp) => new Date(exp * 1000).toISOString();

  // ---------------------------------------------------------------------------------------------
  // configure() validation (validateInitWidgetConfig & co. in 2.7.5)

  function expectType(config, key, type) {
    const value = config[key];
    if (value === undefined) return;
    const ok =
      type === 'object'
        ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : typeof value === type;
    if (!ok) throw configError(`"${key}" must be of type ${type}`);
  }

  function expectOneOf(config, key, allowed) {
    const value = config[key];
    if (value !== undefined && !allowed.includes(value)) {
      throw configError(`"${key}" must be one of: ${allowed.join(', ')}`);
    }
  }

  function validateTools(tools) {
    if (tools === undefined) return;
    if (typeof tools !== 'object' || tools === null || Array.isArray(tools)) {
      throw configError('"tools" must be an object');
    }
    for (const [name, value] of Object.entries(tools)) {
      if (!TOOLS.includes(name)) throw configError(`Unknown tool "${name}"`);
      if (typeof value === 'boolean') continue;
      const whiteboardObject =
        name === 'whiteboard' &&
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value);
      if (!whiteboardObject) throw configError(`Tool "${name}" must be a boolean`);
      for (const [option, flag] of Object.entries(value)) {
        if (!WHITEBOARD_TOOLS.includes(option) || typeof flag !== 'boolean') {
          throw configError(`Invalid whiteboard option "${option}"`);
        }
      }
    }
  }

  function pickLanguage(language) {
    if (LANGUAGES.includes(language)) return language;
    const browser = String((global.navigator && global.navigator.language) || '')
      .slice(0, 2)
      .toLowerCase();
    return LANGUAGES.includes(browser) ? browser : 'en';
  }

  /** Validates like 2.7.5 and returns the effective configuration. */
  function normaliseConfig(config) {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw configError('configure() needs a configuration object');
    }
    if (!config.appId) throw configError('"appId" is required');
    if (!REGIONS.includes(config.region)) {
      throw configError(`"region" must be one of: ${REGIONS.join(', ')}`);
    }
    if (!config.environment) throw configError('"environment" is required');
    for (const key of ['hidden', 'isAdmin', 'feedback']) expectType(config, key, 'boolean');
    expectType(config, 'layout', 'object');
    expectType(config, 'userDetailsProvider', 'function');
    expectType(config, 'userDetailsFormatter', 'function');
    expectOneOf(config, 'recordingType', RECORDING_TYPES);
    expectOneOf(config, 'virtualBackground', VIRTUAL_BACKGROUNDS);
    validateTools(config.tools);
    const tools = {};
    for (const name of TOOLS) tools[name] = Boolean(config.tools && config.tools[name]);
    return {
      appId: config.appId,
      region: config.region,
      environment: config.environment,
      hidden: config.hidden === true,
      layout: config.layout || {},
      recordingType: config.recordingType || 'none',
      isAdmin: config.isAdmin === true,
      callType: CALL_TYPES.includes(config.callType) ? config.callType : 'audio_video',
      mode: MODES.includes(config.mode) ? config.mode : 'embed',
      language: pickLanguage(config.language),
      tools,
      virtualBackground: config.virtualBackground || null,
      feedback: config.feedback === true,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Public objects. Each one is a thin facade; its engine holds the state and the logic, so the
  // SDK surface shows only what the real one has.

  const engines = new WeakMap();
  const engineOf = (facade) => engines.get(facade);

  /** Records a method call of the page for `__bandyerEmulator.calls`. */
  function record(method, args) {
    control.calls.push({ method, args: [...args] });
  }

  class Client extends EventEmitter {
    constructor(engine, config) {
      super();
      engines.set(this, engine);
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
      return engineOf(this).addChannel(userId);
    }
    removeChannel(userId) {
      record('removeChannel', arguments);
      return engineOf(this).removeChannel(userId);
    }
    getChannelView(userId) {
      record('getChannelView', arguments);
      return engineOf(this).getChannelView(userId);
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

  class Channel extends EventEmitter {
    constructor(engine, otherUserId) {
      super();
      this.channelId = `channel_${randomId()}`;
      this.participants = [engine.client.userId, otherUserId];
      this.unreadMessages = 0;
      this.messages = [];
      engines.set(this, { engine, otherUserId, removed: false });
    }
    sendMessage(text) {
      record('channel.sendMessage', arguments);
      const { engine, otherUserId, removed } = engineOf(this);
      if (!isNonEmptyString(text))
        return Promise.reject(invalid('text must be a non-empty string'));
      if (!engine.connected) return Promise.reject(notConnected());
      if (removed) return Promise.reject(new ExposeError('channel_not_exists', 'Channel removed'));
      const message = engine.storeMessage(this, engine.client.userId, text);
      engine.post({
        type: 'chat:message',
        to: otherUserId,
        text,
        creationDate: message.creationDate,
      });
      engine.client.emit('channel:message:sent', { message });
      return Promise.resolve(message);
    }
    fetchMessages(count = 20, anchorMessageId, direction = 'backwards') {
      record('channel.fetchMessages', arguments);
      if (engineOf(this).removed) {
        return Promise.reject(new ExposeError('channel_not_exists', 'Channel removed'));
      }
      const index = anchorMessageId
        ? this.messages.findIndex((m) => m.messageId === anchorMessageId)
        : this.messages.length;
      if (index < 0)
        return Promise.reject(new ExposeError('message_anchor_error', 'No such anchor'));
      const messages =
        direction === 'afterward'
          ? this.messages.slice(index + 1, index + 1 + count)
          : this.messages.slice(Math.max(0, index - count), index);
      return Promise.resolve({ messages, anchor: messages[0] ? messages[0].messageId : null });
    }
  }

  class ChannelView {
    constructor(engine, channel) {
      const draft = document.createElement('textarea');
      draft.className = 'Bandyer-draft';
      draft.rows = 2;
      draft.setAttribute('aria-label', 'Message');
      draft.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' || event.shiftKey || !draft.form) return;
        event.preventDefault();
        draft.form.requestSubmit();
      });
      engines.set(this, { engine, channel, draft });
    }
    get channel() {
      return engineOf(this).channel;
    }
    get textArea() {
      return engineOf(this).draft.value;
    }
    set textArea(text) {
      engineOf(this).draft.value = String(text);
    }
    select() {
      record('channelView.select', arguments);
      const { engine, channel } = engineOf(this);
      engine.widget.selectChannel(channel.participants[1]);
    }
  }

  class Call extends EventEmitter {
    constructor(session, init) {
      super();
      engines.set(this, session);
      this.roomId = init.roomId;
      this.options = { callType: init.callType, recordingType: init.recordingType, live: false };
      this.creationDate = new Date().toISOString();
      this.participants = init.participants;
      this.direction = init.direction;
      this.status = 'dialing';
      this.recordingState = 'stopped';
      this.endReason = null;
    }
    answer() {
      record('call.answer', arguments);
      return engineOf(this).answer();
    }
    end() {
      record('call.end', arguments);
      engineOf(this).hangUp();
      return Promise.resolve();
    }
  }

  class CallView {
    constructor(session) {
      engines.set(this, session);
      this.tone = { ring: { play() {}, stop() {} } };
    }
    get call() {
      return engineOf(this).call;
    }
    select() {
      record('callView.select', arguments);
      engineOf(this).engine.widget.reveal(true);
    }
  }

  function randomId() {
    return global.crypto && global.crypto.randomUUID
      ? global.crypto.randomUUID()
      : Math.random().toString(36).slice(2) + Date.now().toString(36);
  }

  // ---------------------------------------------------------------------------------------------
  // The client engine: connection, token lifecycle, presence, chat, calls

  /** Every local camera/microphone track the emulator acquired, to prove they get released. */
  const acquiredTracks = new Set();

  class ClientEngine {
    constructor(config) {
      this.config = config;
      this.client = new Client(this, config);
      this.widget = new Widget(this);
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
      this.attempt++;
      cancelAll(this.timers);
      const attempt = this.attempt;
      this.client.userId = userId;
      this.widget.ensureDiv();
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
            console.error(`[BandyerSDK emulator] connection refused: ${verdict.code}`);
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
      return judgeToken(accessToken, userId);
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

    /** Disconnect first, then tell the page (kaleyra-sdk.md §4). */
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
        judgeToken(accessToken, this.client.userId).then((verdict) => {
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

    // --- presence and the tab-to-tab bus --------------------------------------------------------

    joinPresence() {
      if (typeof BroadcastChannel !== 'function') return;
      this.tabId = randomId();
      this.bus = new BroadcastChannel(BUS_PREFIX + String(this.config.appId));
      this.bus.onmessage = (event) => this.onBusMessage(event.data);
      this.post({ type: 'presence:hello' });
      global.addEventListener('pagehide', this.onPageHide);
    }

    leavePresence() {
      global.removeEventListener('pagehide', this.onPageHide);
      if (this.bus) {
        this.post({ type: 'presence:bye' });
        this.bus.close();
        this.bus = null;
      }
      this.presence.clear();
    }

    post(message) {
      if (this.bus)
        this.bus.postMessage({ ...message, from: this.client.userId, fromTab: this.tabId });
    }

    onBusMessage(message) {
      if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
      if (message.fromTab === this.tabId) return;
      if (message.toTab !== undefined && message.toTab !== this.tabId) return;
      if (message.to !== undefined && message.to !== this.client.userId) return;
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
          this.receiveMessage(message.from, message.text);
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

    // --- chat -----------------------------------------------------------------------------------

    chatGuard(userId) {
      if (!isNonEmptyString(userId)) throw invalid('userId must be a non-empty string');
      if (!this.config.tools.chat) throw invalid('The chat tool is disabled (tools.chat)');
      if (!this.connected) throw notConnected();
      if (userId === this.client.userId) throw invalid('A channel needs another user');
    }

    addChannel(userId) {
      try {
        this.chatGuard(userId);
      } catch (error) {
        return Promise.reject(error);
      }
      const view = this.channelViewFor(userId);
      this.widget.selectChannel(userId);
      return Promise.resolve(view);
    }

    /** The channel with `userId`, created (and announced) on first use. */
    channelViewFor(userId) {
      let view = this.client.channelsView.get(userId);
      if (!view) {
        const channel = new Channel(this, userId);
        view = new ChannelView(this, channel);
        this.client.channelsView.set(userId, view);
        this.widget.log(`Chat with ${userId} added`);
        this.client.emit('channel:added', { channel });
      }
      return view;
    }

    removeChannel(userId) {
      this.chatGuard(userId);
      const view = this.client.channelsView.get(userId);
      if (!view) return Promise.reject(new ExposeError('delete_channel', `No chat with ${userId}`));
      const { channel } = engineOf(view);
      engineOf(channel).removed = true;
      this.client.channelsView.delete(userId);
      if (this.widget.selectedUser === userId) this.widget.selectedUser = null;
      this.widget.log(`Chat with ${userId} removed`);
      this.client.emit('channel:removed', {
        channelId: channel.channelId,
        participants: [...channel.participants],
      });
      return Promise.resolve();
    }

    getChannelView(userId) {
      if (!isNonEmptyString(userId)) throw invalid('userId must be a non-empty string');
      const view = this.client.channelsView.get(userId);
      if (!view) throw new ExposeError('channel_not_found', `No chat with ${userId}`);
      return view;
    }

    storeMessage(channel, sender, text) {
      const message = {
        messageId: `message_${randomId()}`,
        channel,
        sender,
        text,
        creationDate: new Date().toISOString(),
      };
      channel.messages.push(message);
      channel.emit('channel:message:added', message);
      this.widget.render();
      return message;
    }

    receiveMessage(from, text) {
      if (!this.connected || !this.config.tools.chat) return null;
      if (!isNonEmptyString(from) || typeof text !== 'string') return null;
      const view = this.channelViewFor(from);
      const channel = view.channel;
      const seen = this.widget.open && this.widget.selectedUser === from;
      if (!seen) channel.unreadMessages++;
      const message = this.storeMessage(channel, from, text);
      this.widget.reveal(false);
      this.client.emit('channel:message:received', { message });
      return message;
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

  // ---------------------------------------------------------------------------------------------
  // A call. `peer` says who is on the other side: 'tab' (another tab, real WebRTC through the
  // bus), 'simulated' (the control API plays the remote user), 'room' (joinCallURL or a call to
  // nobody: this tab alone in the room).

  class CallSession {
    constructor(engine, init) {
      this.engine = engine;
      this.peer = init.peer;
      this.remoteUserId = init.remoteUserId;
      this.remoteTab = init.remoteTab;
      this.timers = new Set(); // ring and media timeouts
      this.ackTimers = new Set(); // createCall's wait for "busy" replies
      this.settleRing = null;
      this.pc = null;
      this.localStream = null;
      this.remoteStream = null;
      this.pendingIce = [];
      this.remoteDescriptionSet = false;
      this.mediaError = null;
      this.replies = { ringing: 0, busy: 0 };
      this.localVideo = mediaElement('Bandyer-local-video', true);
      this.remoteVideo = mediaElement('Bandyer-remote-video', false);
      this.call = new Call(this, init);
      this.view = new CallView(this);
    }

    get ended() {
      return this.call.status === 'ended';
    }

    setStatus(status) {
      if (this.call.status === status) return;
      this.call.status = status;
      if (status === 'ended') this.engine.callEnded(this);
      this.engine.widget.log(
        `Call ${status}${status === 'ended' ? ` (${this.call.endReason})` : ''}`,
      );
      this.call.emit('status:changed', { status });
      this.engine.client.emit('call:status:changed', { call: this.call, status });
    }

    /** Signalling to the other side; only 'tab' calls have one. */
    send(message) {
      if (this.peer !== 'tab') return;
      const target = this.remoteTab ? { toTab: this.remoteTab } : { to: this.remoteUserId };
      this.engine.post({ ...message, roomId: this.call.roomId, ...target });
    }

    /** Outgoing: ring every tab of the callee; busy everywhere → `all_users_busy`. */
    ring() {
      const engine = this.engine;
      const call = this.call;
      engine.post({
        type: 'call:ring',
        to: this.remoteUserId,
        roomId: call.roomId,
        callType: call.options.callType,
        recordingType: call.options.recordingType,
        participants: call.participants,
      });
      engine.widget.log(`Calling ${this.remoteUserId}`);
      return new Promise((resolve, reject) => {
        this.settleRing = () => resolve(this.view); // the call ended before the wait was over
        schedule(this.ackTimers, RING_ACK_MS, () => {
          this.settleRing = null;
          if (this.replies.busy > 0 && this.replies.ringing === 0) {
            // Refused before a call exists: no status events.
            engine.callEnded(this);
            if (engine.lastCall === this) engine.lastCall = null;
            engine.widget.render();
            reject(new ExposeError('all_users_busy', `${this.remoteUserId} is busy`));
            return;
          }
          if (this.call.status === 'dialing') {
            schedule(this.timers, control.ringTimeoutMs, () => this.finish('timeout', true));
          }
          resolve(this.view);
        });
      });
    }

    onMessage(message) {
      switch (message.type) {
        case 'call:ringing':
          this.replies.ringing++;
          return;
        case 'call:busy':
          this.replies.busy++;
          return;
        case 'call:accept':
          this.onAccept(message.fromTab);
          return;
        case 'call:taken':
          if (message.answeredTab !== this.engine.tabId) {
            this.finish('answered_of_another_device', false);
          }
          return;
        case 'call:end':
          // A decline from one of the callee's tabs ends the call for all of them.
          this.finish(
            message.reason || 'hang_up',
            this.call.direction === 'outgoing' && !this.remoteTab,
          );
          return;
        case 'rtc:offer':
          this.guard(() => this.onOffer(message.sdp));
          return;
        case 'rtc:answer':
          this.guard(() => this.onRemoteDescription(message.sdp));
          return;
        case 'rtc:ice':
          this.guard(() => this.onIce(message.candidate));
      }
    }

    /** Runs an async step of the call; a failure ends the call instead of escaping. */
    guard(step) {
      Promise.resolve()
        .then(step)
        .catch((error) => {
          if (this.ended) return;
          console.error(`[BandyerSDK emulator] call failed: ${error && error.message}`);
          this.finish('hang_up', true);
        });
    }

    answer() {
      if (this.call.direction !== 'incoming' || this.call.status !== 'dialing') {
        return Promise.reject(invalid('Only a ringing incoming call can be answered'));
      }
      this.setStatus('connecting');
      return this.startMedia().then((live) => {
        if (!live) return;
        if (this.peer === 'simulated') {
          this.setStatus('connected');
          return;
        }
        this.createPeerConnection();
        schedule(this.timers, MEDIA_TIMEOUT_MS, () => this.finish('timeout', true));
        this.send({ type: 'call:accept' });
      });
    }

    /** The caller's side when one of the callee's tabs answered. */
    onAccept(tab) {
      const call = this.call;
      if (call.direction !== 'outgoing' || call.status !== 'dialing') {
        const reason = this.ended ? 'canceled' : 'answered_of_another_device';
        this.engine.post({ type: 'call:end', reason, roomId: call.roomId, toTab: tab });
        return;
      }
      this.remoteTab = tab;
      cancelAll(this.timers);
      this.engine.post({
        type: 'call:taken',
        to: this.remoteUserId,
        roomId: call.roomId,
        answeredTab: tab,
      });
      this.setStatus('connecting');
      schedule(this.timers, MEDIA_TIMEOUT_MS, () => this.finish('timeout', true));
      this.guard(async () => {
        if (!(await this.startMedia())) return;
        const pc = this.createPeerConnection();
        const wanted = call.options.callType === 'audio_video' ? ['audio', 'video'] : ['audio'];
        for (const kind of wanted) {
          const track =
            this.localStream && this.localStream.getTracks().find((t) => t.kind === kind);
          if (track) pc.addTrack(track, this.localStream);
          else pc.addTransceiver(kind, { direction: 'recvonly' });
        }
        await pc.setLocalDescription(await pc.createOffer());
        if (!this.ended) this.send({ type: 'rtc:offer', sdp: pc.localDescription.toJSON() });
      });
    }

    async onOffer(sdp) {
      const pc = this.pc;
      if (!pc || this.ended) return;
      await this.onRemoteDescription(sdp);
      if (this.localStream) {
        for (const track of this.localStream.getTracks()) pc.addTrack(track, this.localStream);
      }
      await pc.setLocalDescription(await pc.createAnswer());
      if (!this.ended) this.send({ type: 'rtc:answer', sdp: pc.localDescription.toJSON() });
    }

    async onRemoteDescription(sdp) {
      const pc = this.pc;
      if (!pc || this.ended) return;
      await pc.setRemoteDescription(sdp);
      this.remoteDescriptionSet = true;
      const queued = this.pendingIce.splice(0);
      for (const candidate of queued) await pc.addIceCandidate(candidate);
    }

    async onIce(candidate) {
      if (!this.pc || this.ended) return;
      if (this.remoteDescriptionSet) await this.pc.addIceCandidate(candidate);
      else this.pendingIce.push(candidate);
    }

    createPeerConnection() {
      const pc = new RTCPeerConnection({ iceServers: [] });
      this.pc = pc;
      this.remoteStream = new MediaStream();
      pc.onicecandidate = (event) => {
        if (event.candidate && !this.ended) {
          this.send({ type: 'rtc:ice', candidate: event.candidate.toJSON() });
        }
      };
      pc.ontrack = (event) => {
        this.remoteStream.addTrack(event.track);
        this.remoteVideo.srcObject = this.remoteStream;
        playMedia(this.remoteVideo);
        this.engine.widget.render();
      };
      pc.onconnectionstatechange = () => {
        if (this.ended) return;
        if (pc.connectionState === 'connected' && this.call.status === 'connecting') {
          cancelAll(this.timers);
          this.setStatus('connected');
        } else if (pc.connectionState === 'failed') {
          console.error('[BandyerSDK emulator] the peer connection failed');
          this.finish('hang_up', true);
        }
      };
      return pc;
    }

    /** Camera and microphone for this call; without them the call goes on, receive-only. */
    async startMedia() {
      const wantsVideo = this.call.options.callType === 'audio_video';
      const devices = global.navigator && global.navigator.mediaDevices;
      try {
        if (!devices || !devices.getUserMedia)
          throw new DOMException('No media devices', 'NotFoundError');
        const stream = await devices.getUserMedia({ audio: true, video: wantsVideo });
        for (const track of stream.getTracks()) acquiredTracks.add(track);
        if (this.ended) {
          for (const track of stream.getTracks()) track.stop();
          return false;
        }
        this.localStream = stream;
        this.localVideo.srcObject = stream;
        playMedia(this.localVideo);
      } catch (error) {
        this.mediaError = (error && error.name) || 'Error';
        console.warn(`[BandyerSDK emulator] no camera/microphone (${this.mediaError})`);
      }
      this.engine.widget.render();
      return !this.ended;
    }

    /** joinCallURL / a call to nobody: alone in the room, local media only. */
    joinRoom() {
      this.setStatus('connecting');
      this.startMedia().then((live) => {
        if (live) this.setStatus('connected');
      });
    }

    /** The control API plays the remote user: they answered. */
    simulateAnswer() {
      cancelAll(this.timers);
      this.peer = 'simulated';
      this.setStatus('connecting');
      this.startMedia().then((live) => {
        if (live) this.setStatus('connected');
      });
    }

    /** end(): decline, cancel or hang up, whichever fits. */
    hangUp() {
      if (this.ended) return;
      const dialing = this.call.status === 'dialing';
      const incoming = this.call.direction === 'incoming';
      this.finish(dialing ? (incoming ? 'declined' : 'canceled') : 'hang_up', true);
    }

    finish(reason, notify) {
      if (this.ended) return;
      cancelAll(this.timers);
      cancelAll(this.ackTimers);
      if (notify) this.send({ type: 'call:end', reason });
      this.call.endReason = reason;
      this.stopMedia();
      this.setStatus('ended');
      this.engine.widget.render();
      if (this.settleRing) {
        const settle = this.settleRing;
        this.settleRing = null;
        settle();
      }
    }

    stopMedia() {
      if (this.localStream) for (const track of this.localStream.getTracks()) track.stop();
      if (this.remoteStream) for (const track of this.remoteStream.getTracks()) track.stop();
      if (this.pc) this.pc.close();
      this.localVideo.srcObject = null;
      this.remoteVideo.srcObject = null;
    }
  }

  function mediaElement(className, local) {
    const video = document.createElement('video');
    video.className = className;
    video.autoplay = true;
    video.playsInline = true;
    video.muted = local; // never hear yourself
    video.setAttribute('aria-label', local ? 'Your camera' : 'Remote video');
    return video;
  }

  /** Autoplay with sound may be refused without a user gesture: then play muted. */
  function playMedia(video) {
    video.play().catch(() => {
      if (video.muted || !video.srcObject) return;
      video.muted = true;
      video.play().catch(() => {});
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The widget: what a demo visitor sees in div#Bandyer-bandyer-chat-widget

  const STRINGS = {
    en: {
      launcher: 'Kaleyra Video',
      signedInAs: 'Signed in as {0}',
      expired: 'Your session is expired',
      forced: 'You have been disconnected',
      sessionUntil: 'Session valid until {0}',
      aboutToExpire: 'Session expires at {0}',
      calling: 'Calling {0}…',
      incoming: '{0} is calling you',
      connecting: 'Connecting…',
      connected: 'In call with {0}',
      room: 'In the call room',
      ended: 'Call ended ({0})',
      answer: 'Answer',
      decline: 'Decline',
      hangUp: 'Hang up',
      cancel: 'Cancel',
      dismiss: 'Dismiss',
      noMedia: 'Camera/microphone unavailable ({0})',
      online: 'Online',
      nobodyOnline: 'Nobody else is online',
      call: 'Call',
      chat: 'Chat',
      chats: 'Chats',
      noChats: 'No chats yet',
      send: 'Send',
      close: 'Close',
      activity: 'Activity',
    },
    it: {
      launcher: 'Kaleyra Video',
      signedInAs: 'Accesso come {0}',
      expired: 'La tua sessione è scaduta',
      forced: 'Sei stato disconnesso',
      sessionUntil: 'Sessione valida fino alle {0}',
      aboutToExpire: 'La sessione scade alle {0}',
      calling: 'Chiamata a {0}…',
      incoming: '{0} ti sta chiamando',
      connecting: 'Connessione…',
      connected: 'In chiamata con {0}',
      room: 'Nella stanza della chiamata',
      ended: 'Chiamata terminata ({0})',
      answer: 'Rispondi',
      decline: 'Rifiuta',
      hangUp: 'Riaggancia',
      cancel: 'Annulla',
      dismiss: 'Chiudi',
      noMedia: 'Fotocamera/microfono non disponibili ({0})',
      online: 'Online',
      nobodyOnline: 'Nessun altro è online',
      call: 'Chiama',
      chat: 'Chat',
      chats: 'Chat',
      noChats: 'Nessuna chat',
      send: 'Invia',
      close: 'Chiudi',
      activity: 'Attività',
    },
    es: {
      launcher: 'Kaleyra Video',
      signedInAs: 'Conectado como {0}',
      expired: 'Tu sesión ha caducado',
      forced: 'Has sido desconectado',
      sessionUntil: 'Sesión válida hasta las {0}',
      aboutToExpire: 'La sesión caduca a las {0}',
      calling: 'Llamando a {0}…',
      incoming: '{0} te está llamando',
      connecting: 'Conectando…',
      connected: 'En llamada con {0}',
      room: 'En la sala de la llamada',
      ended: 'Llamada finalizada ({0})',
      answer: 'Responder',
      decline: 'Rechazar',
      hangUp: 'Colgar',
      cancel: 'Cancelar',
      dismiss: 'Cerrar',
      noMedia: 'Cámara/micrófono no disponibles ({0})',
      online: 'En línea',
      nobodyOnline: 'Nadie más está en línea',
      call: 'Llamar',
      chat: 'Chat',
      chats: 'Chats',
      noChats: 'Aún no hay chats',
      send: 'Enviar',
      close: 'Cerrar',
      activity: 'Actividad',
    },
  };

  const STYLE = `
#${WIDGET_ID} .Bandyer-widget{position:fixed;right:16px;bottom:16px;z-index:2147483000;
  display:flex;flex-direction:column;align-items:flex-end;gap:8px;font:14px/1.4 system-ui,sans-serif;color:#1b1f24}
#${WIDGET_ID} [hidden]{display:none!important}
#${WIDGET_ID} .Bandyer-launcher{border:0;border-radius:24px;padding:10px 18px;background:#0b63ce;color:#fff;
  font:inherit;font-weight:600;cursor:pointer;box-shadow:0 2px 8px #0004}
#${WIDGET_ID} .Bandyer-unread{margin-left:8px;background:#d93025;border-radius:10px;padding:0 7px}
#${WIDGET_ID} .Bandyer-panel{width:320px;max-height:70vh;overflow:auto;background:#fff;border-radius:12px;
  box-shadow:0 4px 16px #0005}
#${WIDGET_ID} .Bandyer-header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#0b63ce;color:#fff}
#${WIDGET_ID} .Bandyer-header strong{flex:1}
#${WIDGET_ID} .Bandyer-tag{font-size:11px;background:#fff3;border-radius:4px;padding:0 5px}
#${WIDGET_ID} .Bandyer-panel section,#${WIDGET_ID} .Bandyer-panel>p{margin:0;padding:8px 12px;border-bottom:1px solid #e3e6ea}
#${WIDGET_ID} .Bandyer-panel h3{margin:0 0 4px;font-size:12px;text-transform:uppercase;color:#5f6b7a}
#${WIDGET_ID} .Bandyer-panel ul,#${WIDGET_ID} .Bandyer-panel ol{margin:0;padding:0;list-style:none}
#${WIDGET_ID} .Bandyer-panel li{display:flex;align-items:center;gap:6px;padding:2px 0}
#${WIDGET_ID} .Bandyer-panel li>span{flex:1;overflow:hidden;text-overflow:ellipsis}
#${WIDGET_ID} .Bandyer-panel button{font:inherit;border:1px solid #c4cad1;background:#f6f8fa;border-radius:6px;
  padding:2px 10px;cursor:pointer}
#${WIDGET_ID} .Bandyer-header button{border:0;background:none;color:inherit;font-size:18px}
#${WIDGET_ID} .Bandyer-call[data-status=dialing],#${WIDGET_ID} .Bandyer-call[data-status=connecting]{background:#fff8e1}
#${WIDGET_ID} .Bandyer-call[data-status=connected]{background:#e6f4ea}
#${WIDGET_ID} .Bandyer-videos{position:relative;margin-top:6px;background:#000;border-radius:8px;min-height:60px}
#${WIDGET_ID} .Bandyer-remote-video{display:block;width:100%;border-radius:8px}
#${WIDGET_ID} .Bandyer-local-video{position:absolute;right:6px;bottom:6px;width:30%;border:2px solid #fff;border-radius:6px}
#${WIDGET_ID} .Bandyer-messages{max-height:140px;overflow:auto;margin:4px 0}
#${WIDGET_ID} .Bandyer-draft{box-sizing:border-box;width:100%;font:inherit}
#${WIDGET_ID} .Bandyer-activity{font-size:12px;color:#5f6b7a}
#${WIDGET_ID} .Bandyer-inactive{padding:12px 16px;background:#fff;border-left:4px solid #d93025;border-radius:8px;
  box-shadow:0 4px 16px #0005}`;

  /** Creates an element; strings become text nodes (never HTML). */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else if (key === 'className') el.className = value;
      else if (key === 'style') Object.assign(el.style, value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return el;
  }

  const clockTime = (ms) => new Date(ms).toLocaleTimeString();

  class Widget {
    constructor(engine) {
      this.engine = engine;
      this.div = null;
      this.mounted = false;
      this.inactive = null;
      this.visible = false;
      this.open = false;
      this.selectedUser = null;
      this.notice = null;
      this.activity = [];
      this.style = h('style', {}, STYLE);
    }

    t(key, ...args) {
      const table = STRINGS[this.engine.config.language] || STRINGS.en;
      return (table[key] || STRINGS.en[key]).replace(/\{(\d)\}/g, (_, i) => String(args[i]));
    }

    /** Like 2.7.5 the container goes to <body> at connect; unlike it, an existing one is reused. */
    ensureDiv() {
      let div = document.getElementById(WIDGET_ID);
      if (!div) {
        div = document.createElement('div');
        div.id = WIDGET_ID;
        (document.body || document.documentElement).append(div);
      }
      this.div = div;
      return div;
    }

    mount() {
      this.ensureDiv();
      this.mounted = true;
      this.inactive = null;
      this.visible = !this.engine.config.hidden;
      this.open = false;
      this.selectedUser = null;
      this.notice = null;
      this.activity = [];
      this.render();
    }

    /** Empties the widget (the div stays) or leaves an inactive view. */
    unmount(view) {
      this.mounted = false;
      this.inactive = view;
      this.render();
    }

    log(text) {
      this.activity.unshift(`${new Date().toLocaleTimeString()} ${text}`);
      this.activity.length = Math.min(this.activity.length, 6);
      this.render();
    }

    setNotice(key, atMs) {
      this.notice = { key, atMs };
      this.render();
    }

    /** Calls and chats reveal a hidden widget (kaleyra-sdk.md §2.2 `hidden`). */
    reveal(open) {
      this.visible = true;
      if (open) this.open = true;
      this.render();
    }

    selectChannel(userId) {
      this.selectedUser = userId;
      const view = userId && this.engine.client.channelsView.get(userId);
      if (view) view.channel.unreadMessages = 0;
      this.reveal(true);
    }

    render() {
      if (!this.div) return;
      // Re-rendering moves the persistent draft and videos: keep focus, caret and scroll.
      const focused = this.div.contains(document.activeElement) ? document.activeElement : null;
      const caret =
        focused && 'selectionStart' in focused
          ? [focused.selectionStart, focused.selectionEnd]
          : null;
      const panel = this.div.querySelector('.Bandyer-panel');
      const scrollTop = panel ? panel.scrollTop : 0;
      if (this.mounted) this.div.replaceChildren(this.style, this.renderActive());
      else if (this.inactive) this.div.replaceChildren(this.style, this.renderInactive());
      else this.div.replaceChildren();
      const newPanel = this.div.querySelector('.Bandyer-panel');
      if (newPanel) newPanel.scrollTop = scrollTop;
      const messages = this.div.querySelector('.Bandyer-messages');
      if (messages) messages.scrollTop = messages.scrollHeight;
      if (focused && focused.isConnected && document.activeElement !== focused) {
        focused.focus();
        if (caret) focused.setSelectionRange(caret[0], caret[1]);
      }
    }

    renderInactive() {
      const { kind, reason } = this.inactive;
      return h(
        'div',
        { className: 'Bandyer-widget', 'data-view': 'inactive' },
        h(
          'div',
          { className: 'Bandyer-inactive', role: 'alert' },
          h('strong', {}, this.t(kind === 'expired' ? 'expired' : 'forced')),
          reason ? h('p', {}, String(reason)) : null,
        ),
      );
    }

    renderActive() {
      const layout = this.engine.config.layout;
      const unread = [...this.engine.client.channelsView.values()].reduce(
        (sum, view) => sum + view.channel.unreadMessages,
        0,
      );
      return h(
        'div',
        {
          className: 'Bandyer-widget',
          'data-view': this.open ? 'open' : 'collapsed',
          hidden: !this.visible,
          lang: this.engine.config.language,
          style: typeof layout.fontFamily === 'string' ? { fontFamily: layout.fontFamily } : null,
        },
        this.open ? this.renderPanel() : null,
        h(
          'button',
          {
            type: 'button',
            className: 'Bandyer-launcher',
            'aria-expanded': String(this.open),
            style: colours(layout.launcher),
            onclick: () => {
              this.open = !this.open;
              this.render();
            },
          },
          this.t('launcher'),
          unread > 0 ? h('span', { className: 'Bandyer-unread' }, String(unread)) : null,
        ),
      );
    }

    renderPanel() {
      const engine = this.engine;
      const notice = this.notice;
      return h(
        'section',
        { className: 'Bandyer-panel', role: 'dialog', 'aria-label': 'Kaleyra Video' },
        h(
          'div',
          { className: 'Bandyer-header', style: colours(engine.config.layout.header) },
          h('strong', {}, 'Kaleyra Video'),
          h('span', { className: 'Bandyer-tag' }, 'emulator'),
          h(
            'button',
            {
              type: 'button',
              'aria-label': this.t('close'),
              onclick: () => {
                this.open = false;
                this.render();
              },
            },
            '×',
          ),
        ),
        h(
          'p',
          { className: 'Bandyer-user' },
          this.t('signedInAs', engine.client.userId || 'guest'),
        ),
        notice
          ? h(
              'p',
              { className: 'Bandyer-notice', role: 'status' },
              this.t(notice.key, clockTime(notice.atMs)),
            )
          : null,
        this.renderCall(),
        this.renderOnline(),
        engine.config.tools.chat ? this.renderChats() : null,
        h(
          'section',
          {},
          h('h3', {}, this.t('activity')),
          h(
            'ol',
            { className: 'Bandyer-activity' },
            this.activity.map((line) => h('li', {}, line)),
          ),
        ),
      );
    }

    renderCall() {
      const session = this.engine.call || this.engine.lastCall;
      if (!session) return null;
      const { call } = session;
      const other = session.remoteUserId;
      const action = (label, fn) =>
        h('button', { type: 'button', className: `Bandyer-${label}`, onclick: fn }, this.t(label));
      const fail = (error) => console.error(`[BandyerSDK emulator] ${error && error.message}`);
      let text;
      let buttons;
      if (call.status === 'ended') {
        text = this.t('ended', call.endReason);
        buttons = [
          action('dismiss', () => {
            this.engine.lastCall = null;
            this.render();
          }),
        ];
      } else if (call.status === 'dialing' && call.direction === 'incoming') {
        text = this.t('incoming', other);
        buttons = [
          action('answer', () => session.answer().catch(fail)),
          action('decline', () => session.hangUp()),
        ];
      } else {
        if (call.status === 'dialing') text = this.t('calling', other);
        else if (call.status === 'connecting') text = this.t('connecting');
        else text = other ? this.t('connected', other) : this.t('room');
        buttons = [action(call.status === 'dialing' ? 'cancel' : 'hangUp', () => session.hangUp())];
      }
      const showVideos = call.status !== 'ended' && (session.localStream || session.remoteStream);
      return h(
        'section',
        { className: 'Bandyer-call', 'data-status': call.status, 'aria-live': 'polite' },
        h('p', { className: 'Bandyer-call-status' }, text),
        session.mediaError ? h('p', {}, this.t('noMedia', session.mediaError)) : null,
        h('div', {}, buttons),
        showVideos
          ? h('div', { className: 'Bandyer-videos' }, session.remoteVideo, session.localVideo)
          : null,
      );
    }

    renderOnline() {
      const engine = this.engine;
      const users = [...engine.presence.keys()];
      const fail = (error) => this.log(`${error.name}: ${error.message}`);
      return h(
        'section',
        { className: 'Bandyer-online' },
        h('h3', {}, this.t('online')),
        users.length === 0
          ? h('p', {}, this.t('nobodyOnline'))
          : h(
              'ul',
              {},
              users.map((userId) =>
                h(
                  'li',
                  {},
                  h('span', {}, userId),
                  h(
                    'button',
                    { type: 'button', onclick: () => engine.createCall([userId]).catch(fail) },
                    this.t('call'),
                  ),
                  engine.config.tools.chat
                    ? h(
                        'button',
                        { type: 'button', onclick: () => engine.addChannel(userId).catch(fail) },
                        this.t('chat'),
                      )
                    : null,
                ),
              ),
            ),
      );
    }

    renderChats() {
      const views = this.engine.client.channelsView;
      const selected = this.selectedUser && views.get(this.selectedUser);
      return h(
        'section',
        { className: 'Bandyer-channels' },
        h('h3', {}, this.t('chats')),
        views.size === 0
          ? h('p', {}, this.t('noChats'))
          : h(
              'ul',
              {},
              [...views].map(([userId, view]) =>
                h(
                  'li',
                  { 'aria-current': userId === this.selectedUser ? 'true' : null },
                  h('span', {}, userId),
                  view.channel.unreadMessages > 0
                    ? h(
                        'span',
                        { className: 'Bandyer-unread' },
                        String(view.channel.unreadMessages),
                      )
                    : null,
                  h(
                    'button',
                    { type: 'button', onclick: () => this.selectChannel(userId) },
                    this.t('chat'),
                  ),
                ),
              ),
            ),
        selected ? this.renderConversation(selected) : null,
      );
    }

    renderConversation(view) {
      const { channel, draft } = engineOf(view);
      const send = (event) => {
        event.preventDefault();
        const text = draft.value.trim();
        if (!text) return;
        channel.sendMessage(text).then(
          () => (draft.value = ''),
          (error) => this.log(`${error.name}: ${error.message}`),
        );
      };
      return h(
        'form',
        { className: 'Bandyer-conversation', onsubmit: send },
        h(
          'ol',
          { className: 'Bandyer-messages' },
          channel.messages.map((m) => h('li', {}, h('b', {}, `${m.sender}: `), m.text)),
        ),
        draft,
        h('button', { type: 'submit' }, this.t('send')),
      );
    }
  }

  function colours(entry) {
    if (!entry || typeof entry !== 'object') return null;
    const style = {};
    if (typeof entry.background === 'string') style.background = entry.background;
    if (typeof entry.color === 'string') style.color = entry.color;
    return style;
  }

  // ---------------------------------------------------------------------------------------------
  // window.BandyerSDK

  const sdk = {
    configure(config) {
      record('configure', arguments);
      control.lastConfig = config;
      if (control.current) {
        throw new ExposeError(
          'client_already_exists',
          'A client already exists: destroyClient() first',
        );
      }
      const engine = new ClientEngine(normaliseConfig(config));
      control.current = engine;
      control.last = engine;
      return engine.client;
    },
    async destroyClient() {
      record('destroyClient', arguments);
      const engine = control.current;
      if (!engine) return;
      try {
        engine.teardown(null);
      } catch (error) {
        console.warn(`[BandyerSDK emulator] disconnect failed: ${error && error.message}`);
      }
      engine.destroyed = true;
      if (control.current === engine) control.current = null;
    },
    isAuthenticated() {
      record('isAuthenticated', arguments);
      return Boolean(control.current && control.current.connected);
    },
    get version() {
      return VERSION;
    },
  };
  Object.defineProperty(sdk, MARK, { value: true });

  // ---------------------------------------------------------------------------------------------
  // window.__bandyerEmulator: the test control API (the "server side")

  function connectedEngine() {
    const engine = control.current;
    if (!engine || !engine.connected) throw new Error('[BandyerSDK emulator] no connected client');
    return engine;
  }

  function checkBehavior(behavior, allowDelay) {
    const ok =
      behavior === 'auto' ||
      behavior === 'hang' ||
      (behavior && typeof behavior === 'object' && isNonEmptyString(behavior.reject)) ||
      (allowDelay && behavior && typeof behavior === 'object' && Number.isFinite(behavior.delayMs));
    if (!ok)
      throw new TypeError(`[BandyerSDK emulator] unknown behaviour ${JSON.stringify(behavior)}`);
    return behavior;
  }

  const control = {
    calls: [],
    lastConfig: undefined,
    current: null, // the ClientEngine behind the current client
    last: null, // the latest engine, kept after destroyClient for listenerCount()
    lastCallSession: null,
    connectBehavior: 'auto',
    updateBehavior: 'auto',
    signingSecret: null,
    pushLeadMs: null,
    expectedAppId: null,
    ringTimeoutMs: RING_TIMEOUT_MS,
  };

  const api = {
    version: VERSION,
    ExposeError,
    get calls() {
      return control.calls;
    },
    count(method) {
      return control.calls.filter((c) => c.method === method).length;
    },
    get lastConfig() {
      return control.lastConfig;
    },
    /** The effective configuration of the current client (after defaults and fallbacks). */
    get config() {
      return control.current ? { ...control.current.config } : null;
    },
    get client() {
      return control.current ? control.current.client : null;
    },
    setConnectBehavior(behavior) {
      control.connectBehavior = checkBehavior(behavior, true);
    },
    setUpdateBehavior(behavior) {
      control.updateBehavior = checkBehavior(behavior, false);
    },
    setSigningSecret(secret) {
      if (secret !== null && !isNonEmptyString(secret))
        throw new TypeError('secret: string or null');
      control.signingSecret = secret;
    },
    setPushLeadMs(ms) {
      if (ms !== null && !(Number.isFinite(ms) && ms >= 0))
        throw new TypeError('ms: number ≥ 0 or null');
      control.pushLeadMs = ms;
      const engine = control.current;
      if (engine && engine.connected) engine.scheduleTokenPushes();
    },
    setExpectedAppId(appId) {
      control.expectedAppId = appId === null ? null : String(appId);
    },
    setRingTimeoutMs(ms) {
      if (!(Number.isFinite(ms) && ms >= 0)) throw new TypeError('ms: number ≥ 0');
      control.ringTimeoutMs = ms;
    },
    emit(event, payload) {
      if (!control.current) throw new Error('[BandyerSDK emulator] no client');
      return control.current.client.emit(event, payload);
    },
    aboutToExpire() {
      connectedEngine().aboutToExpire();
    },
    expire() {
      connectedEngine().expire();
    },
    forceDisconnect(reason = 'user_disabled') {
      connectedEngine().forceDisconnect(reason);
    },
    incomingCall(fromUserId, options = {}) {
      const engine = connectedEngine();
      if (engine.call) throw new Error('[BandyerSDK emulator] a call is already in progress');
      const session = engine.incoming(String(fromUserId), {
        roomId: `room_${randomId()}`,
        callType: CALL_TYPES.includes(options.callType) ? options.callType : engine.config.callType,
        recordingType: engine.config.recordingType,
        remoteTab: null,
        peer: 'simulated',
      });
      return session.call;
    },
    /** The remote user of the current outgoing call answers (no other tab needed). */
    remoteAnswer() {
      const session = connectedEngine().call;
      if (!session || session.call.direction !== 'outgoing' || session.call.status !== 'dialing') {
        throw new Error('[BandyerSDK emulator] no outgoing call is ringing');
      }
      session.simulateAnswer();
    },
    /** The remote user of the current call ends it (declined while ringing, else hang_up). */
    remoteEnd(reason) {
      const session = connectedEngine().call;
      if (!session) throw new Error('[BandyerSDK emulator] no call');
      session.peer = session.peer === 'tab' ? 'simulated' : session.peer;
      session.finish(reason || (session.call.status === 'dialing' ? 'declined' : 'hang_up'), false);
    },
    messageFrom(userId, text) {
      const engine = connectedEngine();
      if (!engine.config.tools.chat) throw new Error('[BandyerSDK emulator] the chat tool is off');
      return engine.receiveMessage(String(userId), String(text));
    },
    setPresence(userId, status) {
      connectedEngine().setPresence(String(userId), 'control', status === 'online');
    },
    listenerCount() {
      const engine = control.current || control.last;
      if (!engine) return 0;
      const client = engine.client;
      return client.eventNames().reduce((sum, name) => sum + client.listenerCount(name), 0);
    },
    activeTimers() {
      return pendingTimers.size;
    },
    /** Local camera/microphone tracks acquired by the emulator that are still live. */
    localTracksLive() {
      let live = 0;
      for (const track of acquiredTracks) {
        if (track.readyState === 'live') live++;
        else acquiredTracks.delete(track);
      }
      return live;
    },
    /** The current (or last) call as the network sees it. */
    async callStats() {
      const session = control.lastCallSession;
      if (!session) return null;
      const pc = session.pc;
      const stats = {
        status: session.call.status,
        pcState: pc ? pc.connectionState : null,
        framesDecoded: 0,
        bytesReceived: 0,
        remoteTracks: session.remoteStream ? session.remoteStream.getTracks().length : 0,
      };
      if (pc && pc.signalingState !== 'closed') {
        (await pc.getStats()).forEach((report) => {
          if (report.type !== 'inbound-rtp') return;
          stats.bytesReceived += report.bytesReceived || 0;
          if (report.kind === 'video') stats.framesDecoded += report.framesDecoded || 0;
        });
      }
      return stats;
    },
    widget() {
      return document.getElementById(WIDGET_ID);
    },
    /** Back to a fresh page: no client, no timers, no logs, default behaviours, no widget. */
    reset() {
      if (control.current) control.current.destroy();
      for (const entry of pendingTimers) clearTimeout(entry.handle);
      pendingTimers.clear();
      for (const track of acquiredTracks) track.stop();
      acquiredTracks.clear();
      Object.assign(control, {
        calls: [],
        lastConfig: undefined,
        current: null,
        last: null,
        lastCallSession: null,
        connectBehavior: 'auto',
        updateBehavior: 'auto',
        signingSecret: null,
        pushLeadMs: null,
        expectedAppId: null,
        ringTimeoutMs: RING_TIMEOUT_MS,
      });
      for (const div of document.querySelectorAll(`div#${WIDGET_ID}`)) div.remove();
    },
  };

  // Like the UMD bundle: a plain, configurable global.
  global.BandyerSDK = sdk;
  global.__bandyerEmulator = api;
})(window);
