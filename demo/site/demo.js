/**
 * The demo page's own script: what the clinic's site adds around the pasted
 * `<kaleyra-call>` (sign-in, choosing whom to call), plus the sandbox console
 * (event log, token lifetime, buttons that play the video service's side).
 *
 * Sign-in is per tab: the site JWT is kept in sessionStorage, so two tabs can be
 * two people and call each other. In cookie style the HttpOnly cookie is per
 * browser: the last sign-in wins for every tab.
 */
const config = JSON.parse(document.getElementById('sandbox-config').textContent);
const call = document.querySelector('kaleyra-call');
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
  await call.disconnect().catch(() => {});
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
    call.removeAttribute('call-with');
    call.setAttribute('label', 'Go online for consultations');
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
    call.credentials = 'include';
  } else {
    call.credentials = 'omit';
    call.authToken = () => session()?.token ?? '';
  }
  log('page', `signed in as ${user.name} (${user.id}), ${style} auth`, 'page');
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

const clock = (iso) => new Date(iso).toLocaleTimeString('en-GB');

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
  if (type === 'call:status:changed') return `: ${payload.status}${endReason(call)}`;
  if (type === 'user:status:changed') return `: ${payload.userId} is ${payload.status}`;
  if (type.startsWith('client:access_token')) {
    return payload?.expiresAt ? ` (expires ${clock(payload.expiresAt)})` : '';
  }
  if (type === 'client:force_disconnect') return ` (${payload?.reason ?? 'no reason'})`;
  if (type.startsWith('channel:message')) return ` from ${payload?.message?.sender ?? '?'}`;
  return '';
}

const endReason = (call) =>
  call?.status === 'ended' && call.endReason ? ` (${call.endReason})` : '';

for (const name of Object.keys(describe)) {
  call.addEventListener(name, (event) => {
    const tone =
      name === 'kaleyra-call-error' ? (event.detail.fatal ? 'error' : 'warning') : 'event';
    log(name, describe[name](event.detail), tone);
  });
}

call.addEventListener('kaleyra-call-state', ({ detail }) => {
  const output = $('state');
  output.textContent = detail.state;
  output.dataset.state = detail.state;
  const live = detail.state === 'connected' && config.mode === 'sandbox';
  $('about-to-expire').disabled = !live;
  $('expire').disabled = !live;
});

call.addEventListener('kaleyra-call-error', ({ detail }) => {
  if (detail.code === 'unauthenticated') {
    $('consult-hint').textContent = 'Your sign-in has expired: sign out and in again.';
  }
});

/** The lifetime of the current token when it arrived: the meter's 100 %. */
let tokenLifetimeMs = 0;

function showLifetime() {
  const output = $('lifetime');
  const bar = $('lifetime-bar');
  const expiresAt = call.expiresAt;
  if (!expiresAt) {
    output.textContent = 'none yet';
    bar.style.width = '0';
    return;
  }
  const left = Math.max(0, Date.parse(expiresAt) - Date.now());
  const minutes = Math.floor(left / 60_000);
  const seconds = Math.floor((left % 60_000) / 1000);
  output.textContent =
    left > 0 ? `expires in ${minutes} min ${String(seconds).padStart(2, '0')} s` : 'expired';
  output.dataset.secondsLeft = String(Math.round(left / 1000));
  bar.style.width = `${Math.min(100, (left / (tokenLifetimeMs || left || 1)) * 100)}%`;
}

call.addEventListener('kaleyra-call-token', ({ detail }) => {
  tokenLifetimeMs = Math.max(1, Date.parse(detail.expiresAt) - Date.now());
  showLifetime();
});
setInterval(showLifetime, 1000);

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

async function setEndpointBroken(broken) {
  const state = await post('/sandbox/token-endpoint', { broken });
  showEndpoint(state);
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
