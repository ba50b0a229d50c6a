/**
 * The SDK stand-in: it plays the Kaleyra Video Web SDK ("chat widget"), `window.BandyerSDK`.
 *
 * These modules are bundled into one classic script, sandbox/kaleyra-sdk/bandyer-sdk.js
 * (sandbox/kaleyra-sdk/build.mjs; generated, not in git). The element's browser tests load it
 * through a real <script src>, the local sandbox (`npm start`) through the element's `sdk-src`.
 * Like the UMD bundle it defines `window.BandyerSDK`; loaded twice, the first copy stays. It
 * follows docs/kaleyra-sdk-notes.md and the behaviour seen when the real 2.7.5 bundle runs. Tests
 * drive the "server side" through a separate global, `window.__bandyerEmulator` (control-api.js),
 * so the SDK surface itself stays faithful. sandbox/kaleyra-sdk/bandyer-sdk.d.ts types both.
 *
 *   sdk.js            window.BandyerSDK: configure, destroyClient, isAuthenticated, version
 *   config.js         configure()'s validation and defaults
 *   client.js         Client and its engine: connect, token lifecycle, presence, calls
 *   jwt.js            how the server it plays judges an access token
 *   chat.js           Channel, ChannelView and the chat engine
 *   call.js           Call, CallView and the call session (WebRTC between tabs)
 *   bus.js            the bus between clients (presence, chat, ringing, signalling): a
 *                     BroadcastChannel, or the relay of ../relay.mjs (`?bus=server`)
 *   widget.js         the widget in div#Bandyer-bandyer-chat-widget (widget-strings.js: its text)
 *   control-api.js    window.__bandyerEmulator; control.js: the state it shares with the SDK
 *   media-client.js   the WebRTC "media client" loaded at connect (bandyer-media-client.js)
 *   own-script.js     the stand-in's own <script>: its folder, its nonce, its `?bus=`
 *   errors.js, event-emitter.js, timers.js, facade.js, ids.js: the parts they are built from
 *
 * How faithful it is, the choices it made where the vendor is silent, and its control API:
 * sandbox/kaleyra-sdk/README.md.
 */
import { api } from './control-api.js';
import { MARK, sdk } from './sdk.js';

if (!(window.BandyerSDK && window.BandyerSDK[MARK])) {
  // Like the UMD bundle: plain, configurable globals.
  window.BandyerSDK = sdk;
  window.__bandyerEmulator = api;
}
