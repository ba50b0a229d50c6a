/**
 * The demo page's own script: what the clinic's site adds around the pasted
 * `<kaleyra-call>` (sign-in, choosing whom to call, whether the doctor is online), plus the
 * sandbox console (event log, token lifetime, buttons that play the video service's side).
 *
 * Sign-in is per tab: the site JWT is kept in sessionStorage, so two tabs can be
 * two people and call each other. In cookie style the HttpOnly cookie is per
 * browser: the last sign-in wins for every tab.
 */
const config = JSON.parse(document.getElementById('sandbox-config').textContent);
const element = document.querySelector('kaleyra-call');
const $ = (id) => document.getElementById(id);

const SESSION_KEY = 'kaleyra-call-demo:session';
const AUTH_STYLE_KEY = 'kaleyra-call-demo:auth-style';
const MAX_LOG_ENTRIES = 200;

/** @returns {{ user: { id: string, name: string, role: string, title: string }, token: string } | null} */
function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

const authStyle = () => sessionStorage.getItem(AUTH_STYLE_KEY) ?? 'bearer';

// ---------------------------------------------------------------------------------------------
// The site: sign in, sign out, and the element set up for whoever is signed in

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  return res.json();
}

async function signIn(userId) {
  const { user, token } = await post('/login', { userId });
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ user, token }));
  location.reload();
}

async function signOut() {
  await element.disconnect().catch(() => {});
  sessionStorage.removeItem(SESSION_KEY);
  await post('/logout').catch(() => {});
  location.reload();
}

function renderSignIn() {
  const list = $('people');
  for (const user of config.users) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'person';
    button.dataset.user = user.id;
    button.innerHTML = '<span class="avatar" aria-hidden="true"></span><span></span>';
    button.querySelector('.avatar').textContent = initials(user.name);
    button.lastElementChild.append(
      Object.assign(document.createElement('strong'), { textContent: `Sign in as ${user.name}` }),
      Object.assign(document.createElement('small'), { textContent: user.title }),
    );
    button.addEventListener('click', () => {
      button.disabled = true;
      signIn(user.id).catch((err) => {
        button.disabled = false;
        log('page', `sign-in failed: ${err.message}`, 'error');
      });
    });
    const item = document.createElement('li');
    item.append(button);
    list.append(item);
  }
  for (const radio of document.querySelectorAll('input[name="auth-style"]')) {
    radio.checked = radio.value === authStyle();
    radio.addEventListener('change', () => sessionStorage.setItem(AUTH_STYLE_KEY, radio.value));
  }
}

function renderSignedIn({ user }) {
  $('sign-in').hidden = true;
  $('consult').hidden = false;
  const account = $('account');
  account.replaceChildren(
    Object.assign(document.createElement('span'), {
      className: 'avatar small',
      textContent: initials(user.name),
      ariaHidden: 'true',
    }),
    Object.assign(document.createElement('span'), { textContent: user.name }),
    Object.assign(document.createElement('button'), {
      type: 'button',
      className: 'link',
      id: 'sign-out',
      textContent: 'Sign out',
      onclick: () => void signOut(),
    }),
  );

  const onCall = config.users.find((u) => u.id === config.onCall);
  if (user.role === 'clinician') {
    // Clinicians wait for patients: the launcher connects and opens the widget.
    element.removeAttribute('call-with');
    element.setAttribute('label', 'Go online for consultations');
    $('consult-title').textContent = 'Your consultation desk';
    $('consult-text').textContent =
      'Go online to receive video calls from patients. Incoming calls ring in the video panel.';
    $('controls-hint').textContent =
      'Two tabs, one call: go online here, then in a second tab of this page sign in as a ' +
      'patient and press Start video call. Answer in this tab.';
  } else {
    $('consult-hint').textContent =
      config.mode === 'sandbox'
        ? `${onCall.name} answers from another tab: sign in there as her and go online.`
        : '';
  }
  const style = authStyle();
  if (style === 'cookie') {
    // The worker reads the HttpOnly cookie; the page never sees the token.
    element.credentials = 'include';
  } else {
    element.credentials = 'omit';
    element.authToken = () => session()?.token ?? '';
  }
  log('page', `signed in as ${user.name} (${user.id}), ${style} auth`, 'page');
  if (user.role !== 'clinician') {
    // Whether the doctor is online is known only to a connected client, and a patient should
    // see it before pressing the button: the page connects at sign-in. (Signed out, the page
    // still loads nothing of the video service.) Failures arrive as error events.
    watchAvailability(onCall);
    element.connect().catch(() => {});
  }
}

function initials(name) {
  return name
    .replace(/^Dr\.\s*/, '')
    .split(/\s+/)
    .map((part) => part[0])
    .join('')
    .slice(0, 2);
}

// ---------------------------------------------------------------------------------------------
// The sandbox console: event log, state, token lifetime

function log(name, text, tone = 'event') {
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
const clock = (when) => new Date(when).toLocaleTimeString('en-GB');

/** "5 min 07 s", "42 s". */
function duration(ms) {
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

for (const name of Object.keys(describe)) {
  element.addEventListener(name, (event) => {
    const tone =
      name === 'kaleyra-call-error' ? (event.detail.fatal ? 'error' : 'warning') : 'event';
    log(name, describe[name](event.detail), tone);
  });
}

element.addEventListener('kaleyra-call-state', ({ detail }) => {
  const output = $('state');
  output.textContent = detail.state;
  output.dataset.state = detail.state;
  const live = detail.state === 'connected' && config.mode === 'sandbox';
  $('about-to-expire').disabled = !live;
  $('expire').disabled = !live;
});

element.addEventListener('kaleyra-call-error', ({ detail }) => {
  if (detail.code === 'unauthenticated') {
    $('consult-hint').textContent = 'Your sign-in has expired: sign out and in again.';
  }
});

element.addEventListener('kaleyra-call-ready', ({ detail }) => {
  // In cookie style the browser's last sign-in wins for every tab: say so when this tab's
  // video identity is not the person it shows as signed in.
  const user = session()?.user;
  if (user && detail.userId !== user.id) {
    log(
      'page',
      `this tab shows ${user.name} signed in, but the video service knows it as ` +
        `${detail.userId} (the cookie of a later sign-in in another tab)`,
      'warning',
    );
  }
});

// ---------------------------------------------------------------------------------------------
// The token meter: only what the element's events say about the current access token

/**
 * `phase`: `none` (no token yet), `valid`, `warned` (the service said it is about to expire;
 * the element is refreshing it), `expired` (the service ended it and the SDK disconnected),
 * `unused` (the element has no live session any more: error or disconnected).
 */
const token = { phase: 'none', expiresAt: '', lifetimeMs: 0 };

function showToken() {
  const output = $('lifetime');
  const bar = $('lifetime-bar');
  const left = token.expiresAt ? Math.max(0, Date.parse(token.expiresAt) - Date.now()) : 0;
  const text = {
    none: ['loading', 'connecting'].includes(element.state) ? 'requesting one…' : 'none yet',
    valid: left > 0 ? `expires in ${duration(left)}` : 'at its expiry time, awaiting the service',
    warned: `expires in ${duration(left)}: the service warned, refreshing…`,
    expired:
      element.state === 'reconnecting' ? 'expired: reconnecting with a new token…' : 'expired',
    unused: `none in use (the element is ${element.state})`,
  }[token.phase];
  const live = token.phase === 'valid' || token.phase === 'warned';
  output.textContent = text;
  output.dataset.phase = token.phase;
  output.dataset.expiresAt = live ? token.expiresAt : '';
  output.dataset.secondsLeft = String(live ? Math.round(left / 1000) : 0);
  bar.parentElement.dataset.phase = token.phase;
  bar.style.width = live ? `${Math.min(100, (left / token.lifetimeMs) * 100)}%` : '0';
}

element.addEventListener('kaleyra-call-token', ({ detail }) => {
  Object.assign(token, {
    phase: 'valid',
    expiresAt: detail.expiresAt,
    // The lifetime as of its arrival: the meter's 100 %.
    lifetimeMs: Math.max(1, Date.parse(detail.expiresAt) - Date.now()),
  });
  showToken();
});

element.addEventListener('kaleyra-call-sdk', ({ detail: { type } }) => {
  if (type === 'client:access_token:is_about_to_expire' && token.phase === 'valid') {
    token.phase = 'warned';
  } else if (type === 'client:access_token:expired') {
    token.phase = 'expired';
  } else {
    return;
  }
  showToken();
});

element.addEventListener('kaleyra-call-state', ({ detail: { state } }) => {
  // A session that failed or ended holds no token, whatever time the last one had left.
  if ((state === 'error' || state === 'disconnected') && token.phase !== 'none') {
    token.phase = 'unused';
  }
  showToken();
});

setInterval(showToken, 1000);

// ---------------------------------------------------------------------------------------------
// The doctor's availability, for a patient: the SDK's presence, live

/** Whether the doctor is online: null while no connected client can tell. */
const availability = { doctor: undefined, online: null };

/** @param {{ id: string, name: string }} doctor */
function watchAvailability(doctor) {
  availability.doctor = doctor;
  const set = (online) => {
    availability.online = online;
    showAvailability();
  };
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
  showAvailability();
}

function showAvailability() {
  const { doctor, online } = availability;
  const checking = ['loading', 'connecting', 'reconnecting'].includes(element.state);
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
// Calls in the log, from start to end, in either direction

const nameOf = (userId) => {
  const user = config.users.find((u) => u.id === userId);
  return user ? `${user.name} (${userId})` : userId;
};

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
  const callee = others(sdkCall);
  const offline =
    availability.online === false && sdkCall.participants?.includes(availability.doctor?.id);
  log(
    'call',
    `outgoing call to ${callee}, ringing` +
      (offline ? ` (${availability.doctor.name} is offline: it will ring until it times out)` : ''),
    offline ? 'warning' : 'call',
  );
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
 * first `dialing` (docs/kaleyra-sdk-notes.md, SDK emulator choices). So the console learns of
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

// ---------------------------------------------------------------------------------------------
// The sandbox's "server side": the SDK emulator's control API and the REST emulator's faults

/**
 * When the SDK emulator has loaded (lazily, on the first click), it learns what
 * the real service knows: the key the REST emulator signs tokens with, and the
 * app id. Tokens are then checked as strictly as Kaleyra would.
 */
function onSdkLoaded(event) {
  const script = event.target;
  if (!(script instanceof HTMLScriptElement) || !script.src.endsWith('/sandbox/bandyer-sdk.js')) {
    return;
  }
  const emulator = window.__bandyerEmulator;
  if (!emulator || !config.emulator) return;
  if (config.emulator.signingSecret) emulator.setSigningSecret(config.emulator.signingSecret);
  emulator.setExpectedAppId(config.emulator.appId);
}

function sandboxAction(button, what, action) {
  $(button).addEventListener('click', () => {
    // Logged first: the action's own events follow at once.
    log('sandbox', what, 'sandbox');
    try {
      action(window.__bandyerEmulator);
    } catch (err) {
      log('sandbox', `${what} failed: ${err.message}`, 'error');
    }
  });
}

/**
 * The token endpoint is one for every tab: a tab that breaks or heals it tells the others of
 * this browser, whose consoles would otherwise show (and toggle from) a stale state.
 */
const endpointNews = new BroadcastChannel('kaleyra-call-demo:token-endpoint');

async function setEndpointBroken(broken) {
  const state = await post('/sandbox/token-endpoint', { broken });
  showEndpoint(state);
  endpointNews.postMessage(state);
  log(
    'sandbox',
    broken ? 'token endpoint broken: Kaleyra answers 503, the worker 502' : 'token endpoint healed',
    'sandbox',
  );
}

function showEndpoint({ broken }) {
  $('endpoint-state').textContent = broken ? 'broken (Kaleyra answers 503)' : 'healthy';
  $('endpoint-state').dataset.broken = String(broken);
  const button = $('break-endpoint');
  button.setAttribute('aria-pressed', String(broken));
  button.textContent = broken ? 'Heal the token endpoint' : 'Break the token endpoint';
}

function setUpConsole() {
  $('clear-log').addEventListener('click', () => $('log').replaceChildren());
  if (config.mode !== 'sandbox') {
    $('controls').hidden = true;
    $('controls-hint').hidden = true;
    $('endpoint-state').textContent = 'Kaleyra (real API)';
    $('console-mode').textContent =
      "Real mode: the worker calls Kaleyra's API and the page loads Kaleyra's SDK.";
    return;
  }
  document.addEventListener('load', onSdkLoaded, true);
  sandboxAction('about-to-expire', 'the service says: token is about to expire', (emulator) =>
    emulator.aboutToExpire(),
  );
  sandboxAction('expire', 'the service expired the token', (emulator) => emulator.expire());
  $('break-endpoint').addEventListener('click', () => {
    const broken = $('break-endpoint').getAttribute('aria-pressed') !== 'true';
    setEndpointBroken(broken).catch((err) =>
      log('sandbox', `could not change the endpoint: ${err.message}`, 'error'),
    );
  });
  endpointNews.onmessage = ({ data }) => {
    showEndpoint(data);
    log('sandbox', `another tab ${data.broken ? 'broke' : 'healed'} the token endpoint`, 'sandbox');
  };
  fetch('/sandbox/token-endpoint')
    .then((res) => res.json())
    .then(showEndpoint)
    .catch(() => {});
}

// ---------------------------------------------------------------------------------------------

setUpConsole();
const current = session();
if (current) renderSignedIn(current);
else renderSignIn();
