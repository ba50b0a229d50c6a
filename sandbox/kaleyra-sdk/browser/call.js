/**
 * A call: the SDK's `Call` and `CallView`, and the session behind them. `peer` says who is on the
 * other side: 'tab' (another tab, real WebRTC with its signalling over the bus, trickle ICE, no
 * ICE servers), 'simulated' (the control API plays the remote user), 'room' (joinCallURL or a
 * call to nobody: this tab alone in the room, local media only).
 */
import { control, record } from './control.js';
import { ExposeError, invalid } from './errors.js';
import { EventEmitter } from './event-emitter.js';
import { bindEngine, engineOf } from './facade.js';
import { mediaClientGate } from './media-client.js';
import { cancelAll, schedule } from './timers.js';

const RING_ACK_MS = 60; // how long createCall waits for the callee's tabs to answer "busy"
const MEDIA_TIMEOUT_MS = 20_000; // connecting → connected, else the call ends

/** Every local camera/microphone track the stand-in acquired, to prove they get released. */
export const acquiredTracks = new Set();

export class Call extends EventEmitter {
  constructor(session, init) {
    super();
    bindEngine(this, session);
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

export class CallView {
  constructor(session) {
    bindEngine(this, session);
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

export class CallSession {
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
        console.error(`[BandyerSDK stand-in] call failed: ${error && error.message}`);
        this.finish('hang_up', true);
      });
  }

  answer() {
    if (this.call.direction !== 'incoming' || this.call.status !== 'dialing') {
      return Promise.reject(invalid('Only a ringing incoming call can be answered'));
    }
    // Without the media client the call keeps ringing: it can still be declined (end()).
    const gate = mediaClientGate(() => this.answer());
    if (gate) return gate;
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
        const track = this.localStream && this.localStream.getTracks().find((t) => t.kind === kind);
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
        console.error('[BandyerSDK stand-in] the peer connection failed');
        this.finish('hang_up', true);
      }
    };
    return pc;
  }

  /** Camera and microphone for this call; without them the call goes on, receive-only. */
  async startMedia() {
    const wantsVideo = this.call.options.callType === 'audio_video';
    const devices = globalThis.navigator && globalThis.navigator.mediaDevices;
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
      console.warn(`[BandyerSDK stand-in] no camera/microphone (${this.mediaError})`);
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
