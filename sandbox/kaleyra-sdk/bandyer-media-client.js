// The SDK emulator's stand-in for the WebRTC media client that the Kaleyra SDK loads at connect
// (sandbox/kaleyra-sdk/browser/media-client.js). It only says that it ran: the emulator's calls
// use the browser's WebRTC directly.
window[Symbol.for('kaleyra-call.bandyer-media-client')] = true;
