/**
 * `window.__bandyerEmulator`: the test control API, i.e. the "server side". Tests and the demo
 * page use it to set how the server it plays behaves, to play remote users (incoming calls,
 * answers, messages, presence) and to look inside (SDK calls made, timers, live tracks).
 * Types: bandyer-sdk.d.ts, `SdkStandInControl`.
 */
import { acquiredTracks } from './call.js';
import { CALL_TYPES } from './config.js';
import { control, resetControl } from './control.js';
import { ExposeError, isNonEmptyString } from './errors.js';
import { randomId } from './ids.js';
import { mediaClientInfo, resetMediaClient } from './media-client.js';
import { VERSION } from './sdk.js';
import { pendingTimers } from './timers.js';
import { WIDGET_ID } from './widget.js';

function connectedEngine() {
  const engine = control.current;
  if (!engine || !engine.connected) throw new Error('[BandyerSDK stand-in] no connected client');
  return engine;
}

function checkBehavior(behavior, allowDelay) {
  const ok =
    behavior === 'auto' ||
    behavior === 'hang' ||
    (behavior && typeof behavior === 'object' && isNonEmptyString(behavior.reject)) ||
    (allowDelay && behavior && typeof behavior === 'object' && Number.isFinite(behavior.delayMs));
  if (!ok)
    throw new TypeError(`[BandyerSDK stand-in] unknown behaviour ${JSON.stringify(behavior)}`);
  return behavior;
}

export const api = {
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
    if (secret !== null && !isNonEmptyString(secret)) throw new TypeError('secret: string or null');
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
  /** The media client the next connect loads (null: the file beside the stand-in), not yet loaded. */
  setMediaClientUrl(url) {
    if (url !== null && !isNonEmptyString(url)) throw new TypeError('url: string or null');
    resetMediaClient(url === null ? null : new URL(url, document.baseURI).href);
  },
  /** `{url, status: 'idle' | 'loading' | 'loaded' | 'failed', reason}`. */
  get mediaClient() {
    return mediaClientInfo();
  },
  setRingTimeoutMs(ms) {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new TypeError('ms: number ≥ 0');
    control.ringTimeoutMs = ms;
  },
  emit(event, payload) {
    if (!control.current) throw new Error('[BandyerSDK stand-in] no client');
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
    if (engine.call) throw new Error('[BandyerSDK stand-in] a call is already in progress');
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
      throw new Error('[BandyerSDK stand-in] no outgoing call is ringing');
    }
    session.simulateAnswer();
  },
  /** The remote user of the current call ends it (declined while ringing, else hang_up). */
  remoteEnd(reason) {
    const session = connectedEngine().call;
    if (!session) throw new Error('[BandyerSDK stand-in] no call');
    session.peer = session.peer === 'tab' ? 'simulated' : session.peer;
    session.finish(reason || (session.call.status === 'dialing' ? 'declined' : 'hang_up'), false);
  },
  messageFrom(userId, text) {
    const engine = connectedEngine();
    if (!engine.config.tools.chat) throw new Error('[BandyerSDK stand-in] the chat tool is off');
    return engine.chat.receiveMessage(String(userId), String(text));
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
  /** Local camera/microphone tracks acquired by the stand-in that are still live. */
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
  /**
   * Back to a fresh page: no client, no timers, no logs, default behaviours, no widget, and a
   * media client not yet loaded, from its default URL.
   */
  reset() {
    if (control.current) control.current.destroy();
    for (const entry of pendingTimers) clearTimeout(entry.handle);
    pendingTimers.clear();
    for (const track of acquiredTracks) track.stop();
    acquiredTracks.clear();
    resetControl();
    resetMediaClient();
    for (const div of document.querySelectorAll(`div#${WIDGET_ID}`)) div.remove();
  },
};
