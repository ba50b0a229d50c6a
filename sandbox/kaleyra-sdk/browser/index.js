/**
 * Kaleyra Video Web SDK ("chat widget") emulator: a stand-in for `window.BandyerSDK`.
 *
 * These modules are bundled into one classic script, sandbox/kaleyra-sdk/bandyer-sdk.js (build.mjs
 * here; generated, not in git). The element's browser tests load it through a real <script src>,
 * the local sandbox (`npm start`) through the element's `sdk-src`. Like the UMD bundle it
 * defines `window.BandyerSDK`; loaded twice, the first copy stays. It follows
 * docs/kaleyra-sdk-notes.md and the behaviour seen when the real 2.7.5 bundle runs. Tests drive
 * the "server side" through a separate global, `window.__bandyerEmulator` (control-api.js), so
 * the SDK surface itself stays faithful. sandbox/kaleyra-sdk/bandyer-sdk.d.ts types both.
 *
 *   sdk.js            window.BandyerSDK: configure, destroyClient, isAuthenticated, version
 *   config.js         configure()'s validation and defaults
 *   client.js         Client and its engine: connect, token lifecycle, presence, calls
 *   jwt.js            how the emulated server judges an access token
 *   chat.js           Channel, ChannelView and the chat engine
 *   call.js           Call, CallView and the call session (WebRTC between tabs)
 *   bus.js            the BroadcastChannel between tabs (presence, chat, ringing, signalling)
 *   widget.js         the widget in div#Bandyer-bandyer-chat-widget (widget-strings.js: its text)
 *   control-api.js    window.__bandyerEmulator; control.js: the state it shares with the SDK
 *   media-client.js   the WebRTC "media client" loaded at connect (bandyer-media-client.js)
 *   errors.js, event-emitter.js, timers.js, facade.js, ids.js: the parts they are built from
 *
 * The emulator is its own server. `connect` decodes the HS256 access token and judges it like the
 * Kaleyra server would (jwt.js); `app_id_invalid` only after `setExpectedAppId`. As in 2.7.5, only
 * an expired token reaches the page (an event ~50 ms later); the others leave `connect()` pending
 * forever with a console error.
 *
 * Choices where the vendor's behaviour is unknown (asserted by test/sandbox/browser/kaleyra-sdk*.test.ts):
 * - `version` is "2.8.0-emulator" (the pinned SDK is 2.8.0); `region` also accepts "me".
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
 * - Calls between tabs (bus.js, call.js): a ringing call ends with `timeout` after 45 s
 *   (`setRingTimeoutMs`); a call whose peer connection fails ends with `hang_up`; leaving the
 *   page (pagehide) disconnects. A call to a user whose every tab is busy rejects
 *   `all_users_busy`; to an offline user it rings until the timeout.
 * - The media client (media-client.js): like 2.7.5, connect loads a script by assigning a plain
 *   string to `script.src`, once per page, success or failure kept; by default the file beside
 *   the emulator's own script, bandyer-media-client.js (`setMediaClientUrl` overrides). Where
 *   Trusted Types refuse that assignment, or the file does not load, connect and chat go on and
 *   calls are refused with a code of our own, `media_client_unavailable` (an Error whose name
 *   and code are that string; its message says why): `createCall`, `joinCallURL` and
 *   `Call.answer` reject with it (a refused incoming call keeps ringing: `end()` declines it).
 *   A call asked for while the media client is still loading waits for it.
 */
import { api } from './control-api.js';
import { MARK, sdk } from './sdk.js';

if (!(window.BandyerSDK && window.BandyerSDK[MARK])) {
  // Like the UMD bundle: plain, configurable globals.
  window.BandyerSDK = sdk;
  window.__bandyerEmulator = api;
}
