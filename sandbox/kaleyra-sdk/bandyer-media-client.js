// What the SDK stand-in loads at connect where the Kaleyra SDK loads its WebRTC media client
// (sandbox/kaleyra-sdk/browser/media-client.js). It only says that it ran: the stand-in's calls
// use the browser's WebRTC directly.
window[Symbol.for('kaleyra-call.bandyer-media-client')] = true;
