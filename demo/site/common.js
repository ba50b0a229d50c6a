/**
 * What both pages of the demo site share: the staff and patient page (demo.js) and the public
 * "Ask the clinic" page (ask.js). The site's part is the doctor's availability; the sandbox
 * console's part is the event log (the element's events, calls from start to end) and telling
 * the SDK stand-in what the Kaleyra server it plays knows.
 */
const MAX_LOG_ENTRIES = 200;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// The event log

/** A line in the console's log (#log), newest first. No token is ever written to it. */
export function log(name, text, tone = 'event') {
  const item = document.createElement('li');
  item.dataset.event = name;
  item.dataset.tone = tone;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString('en-GB');
  const label = document.createElement('code');
  label.textContent = name.replace(/^kaleyra-call-/, '');
  const detail = document.createElement('span');
  detail.textContent = text;
  item.append(time, label, detail);
  const list = $('log');
  list.prepend(item);
  while (list.children.length > MAX_LOG_ENTRIES) list.lastElementChild.remove();
}

/** @param {string | number} when an ISO date or a time value */
export const clock = (when) => new Date(when).toLocaleTimeString('en-GB');

/** "5 min 07 s", "42 s". */
export function duration(ms) {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes} min ${String(seconds % 60).padStart(2, '0')} s` : `${seconds} s`;
}

/** One line per event. No token is ever written: the details carry none. */
const describe = {
  'kaleyra-call-state': ({ state, previous }) => `${previous} → ${state}`,
  'kaleyra-call-ready': ({ userId }) => `connected as ${userId}`,
  'kaleyra-call-token': ({ expiresAt }) => `new access token, valid until ${clock(expiresAt)}`,
  'kaleyra-call-error': ({ phase, code, message, status, fatal, retryInMs }) =>
    `${phase}: ${code}${status ? ` (HTTP ${status})` : ''}, ${message} ` +
    (fatal ? '[fatal]' : `[retry in ${(retryInMs / 1000).toFixed(1)} s]`),
  'kaleyra-call-sdk': ({ type, payload }) => `${type}${sdkSummary(type, payload)}`,
  'kaleyra-call-disconnected': ({ reason }) => `torn down (${reason})`,
};

function sdkSummary(type, payload) {
  const call = payload?.call;
  if (type === 'call:incoming') return ` from ${call?.participants?.[0] ?? '?'}`;
  if (type === 'call:status:changed') {
    const reason = call?.status === 'ended' && call.endReason ? ` (${call.endReason})` : '';
    return `: ${payload.status}${reason}`;
  }
  if (type === 'user:status:changed') return `: ${payload.userId} is ${payload.status}`;
  // The expiry event carries the token's own expiry time, which is later than now when the
  // service ended the token early: "expires …" there would read as if it still lived.
  if (type === 'client:access_token:expired') {
    return payload?.expiresAt ? ` (it was to expire at ${clock(payload.expiresAt)})` : '';
  }
  if (type.startsWith('client:access_token')) {
    return payload?.expiresAt ? ` (expires ${clock(payload.expiresAt)})` : '';
  }
  if (type === 'client:force_disconnect') return ` (${payload?.reason ?? 'no reason'})`;
  if (type.startsWith('channel:message')) return ` from ${payload?.message?.sender ?? '?'}`;
  return '';
}

/** Every event of the element, one line each; errors in the error or warning tone. */
export function logElementEvents(element) {
  for (const name of Object.keys(describe)) {
    element.addEventListener(name, (event) => {
      const tone =
        name === 'kaleyra-call-error' ? (event.detail.fatal ? 'error' : 'warning') : 'event';
      log(name, describe[name](event.detail), tone);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Calls in the log, from start to end, in either direction

/**
 * @param {HTMLElement & Record<string, any>} element
 * @param {{ nameOf: (userId: string) => string,
 *   ringingNote?: (sdkCall: any) => string | undefined }} options `ringingNote`: said after
 *   "ringing" on an outgoing call, as a warning (the doctor is offline)
 */
export function logCalls(element, { nameOf, ringingNote = () => undefined }) {
  /** Each call seen → when it started and its last status, for the lines that follow. */
  const calls = new WeakMap();

  /** The other participants of `sdkCall`, by name. */
  function others(sdkCall) {
    const me = element.userId;
    const ids = (sdkCall.participants ?? []).filter((id) => id !== me);
    return ids.length ? ids.map(nameOf).join(', ') : 'nobody';
  }

  function callSeen(sdkCall) {
    let seen = calls.get(sdkCall);
    if (!seen) {
      const created = Date.parse(sdkCall.creationDate);
      seen = { startedAt: Number.isNaN(created) ? Date.now() : created, status: 'dialing' };
      calls.set(sdkCall, seen);
    }
    return seen;
  }

  function outgoingCall(sdkCall) {
    if (!sdkCall || calls.has(sdkCall)) return;
    callSeen(sdkCall);
    const note = ringingNote(sdkCall);
    log(
      'call',
      `outgoing call to ${others(sdkCall)}, ringing${note ? ` (${note})` : ''}`,
      note ? 'warning' : 'call',
    );
  }

  element.addEventListener('kaleyra-call-sdk', ({ detail: { type, payload } }) => {
    const sdkCall = payload?.call;
    if (!sdkCall) return;
    if (type === 'call:incoming') {
      callSeen(sdkCall);
      log('call', `incoming call from ${others(sdkCall)}, ringing`, 'call');
      return;
    }
    if (type !== 'call:status:changed') return;
    const seen = callSeen(sdkCall);
    const what = `${sdkCall.direction ?? ''} call ${sdkCall.direction === 'incoming' ? 'from' : 'to'}`;
    if (payload.status === 'connected') {
      log('call', `${what} ${others(sdkCall)} connected`, 'call');
    } else if (payload.status === 'ended') {
      log(
        'call',
        `${what} ${others(sdkCall)} ended: ${endReason(sdkCall, seen.status)}, ` +
          `${duration(Date.now() - seen.startedAt)} after it started at ${clock(seen.startedAt)}`,
        sdkCall.endReason === 'timeout' ? 'warning' : 'call',
      );
    }
    seen.status = payload.status;
  });

  /**
   * No SDK event announces a call this page starts: `call:status:changed` begins after the
   * first `dialing` (docs/kaleyra-sdk-notes.md, SDK stand-in choices). So the console learns of
   * it from the call view that `startCall()` resolves with; the launcher uses that same method.
   */
  const startCall = element.startCall;
  element.startCall = function (...args) {
    const started = startCall.apply(this, args);
    started.then(
      (view) => outgoingCall(view?.call),
      () => {}, // reported by the element as an error event
    );
    return started;
  };
}

/** Why a call ended, in words; `timeout` means no answer while it was still ringing. */
function endReason({ endReason: reason, direction }, lastStatus) {
  if (reason === 'timeout') {
    return lastStatus === 'dialing' ? 'timeout (nobody answered)' : 'timeout (media never flowed)';
  }
  const words = {
    declined: 'declined',
    canceled: `cancelled by the ${direction === 'outgoing' ? 'caller (you)' : 'caller'}`,
    answered_of_another_device: 'answered on another device',
    hang_up: 'hung up',
  }[reason];
  return words ? `${reason} (${words})` : (reason ?? 'no reason given');
}

// ---------------------------------------------------------------------------------------------
// The doctor's availability: the SDK's presence, live

/**
 * Shows in #availability whether `doctor` is online. Only a connected client knows, so until
 * then (and while reconnecting) it says so.
 * @param {HTMLElement & Record<string, any>} element
 * @param {{ id: string, name: string }} doctor
 * @returns {{ doctor: { id: string, name: string }, online: boolean | null }} kept current
 */
export function watchAvailability(element, doctor) {
  /** Whether the doctor is online: null while no connected client can tell. */
  const availability = { doctor, online: null };
  const set = (online) => {
    availability.online = online;
    show();
  };
  const show = () => showAvailability(element, availability);
  element.addEventListener('kaleyra-call-ready', () => {
    // The snapshot; changes from now on arrive as `user:status:changed`.
    set(element.client?.getOnlineUsers().includes(doctor.id) ?? null);
  });
  element.addEventListener('kaleyra-call-sdk', ({ detail: { type, payload } }) => {
    if (type === 'user:status:changed' && payload?.userId === doctor.id) {
      set(payload.status === 'online');
    }
  });
  element.addEventListener('kaleyra-call-state', ({ detail: { state } }) => {
    // Presence comes with the connection and leaves with it.
    if (state !== 'connected') set(null);
  });
  $('availability').hidden = false;
  show();
  return availability;
}

function showAvailability(element, { doctor, online }) {
  const checking = ['loading', 'verifying', 'connecting', 'reconnecting'].includes(element.state);
  const status =
    online === null ? (checking ? 'checking' : 'unknown') : online ? 'online' : 'offline';
  $('availability').dataset.status = status;
  $('availability-text').textContent = {
    checking: `Checking whether ${doctor.name} is online…`,
    unknown: `${doctor.name}'s availability shows once the video service is connected.`,
    online: `${doctor.name} is online now.`,
    offline:
      `${doctor.name} is offline right now. You can still call, ` +
      'but the call will ring until it times out.',
  }[status];
}

// ---------------------------------------------------------------------------------------------
// The SDK stand-in

/**
 * When the SDK stand-in has loaded (lazily, on the first click), it learns what the real
 * service knows: the key the REST stand-in signs tokens with, and the app id. Tokens are then
 * checked as strictly as Kaleyra would.
 * @param {{ signingSecret?: string, appId: string } | undefined} sdkStandInConfig
 */
export function teachSdkStandIn(sdkStandInConfig) {
  document.addEventListener(
    'load',
    (event) => {
      const script = event.target;
      if (
        !(script instanceof HTMLScriptElement) ||
        !script.src.endsWith('/sandbox/bandyer-sdk.js')
      ) {
        return;
      }
      const control = window.__bandyerEmulator;
      if (!control || !sdkStandInConfig) return;
      if (sdkStandInConfig.signingSecret) control.setSigningSecret(sdkStandInConfig.signingSecret);
      control.setExpectedAppId(sdkStandInConfig.appId);
    },
    true,
  );
}
