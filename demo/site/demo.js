/**
 * The demo page's own script: what the clinic's site adds around the pasted
 * `<kaleyra-call>` (sign-in, choosing whom to call, whether the doctor is online), plus the
 * sandbox console (event log, token lifetime, buttons that play the video service's side).
 *
 * Sign-in is per tab: the site JWT is kept in sessionStorage, so two tabs can be
 * two people and call each other. In cookie style the HttpOnly cookie is per
 * browser: the last sign-in wins for every tab. What the public page shares with this one is
 * in common.js.
 */
import {
  duration,
  log,
  logCalls,
  logElementEvents,
  teachSdkStandIn,
  watchAvailability,
} from './common.js';

const config = JSON.parse(document.getElementById('sandbox-config').textContent);
const element = document.querySelector('kaleyra-call');
const $ = (id) => document.getElementById(id);

const SESSION_KEY = 'kaleyra-call-demo:session';
const AUTH_STYLE_KEY = 'kaleyra-call-demo:auth-style';

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
      'patient and press Start video call, or open Ask the clinic (the public page) and call ' +
      'as a guest. Answer in this tab.';
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
    availability = watchAvailability(element, onCall);
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

logElementEvents(element);

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
// Calls in the log, from start to end, in either direction

/**
 * Whether the doctor is online, for a patient (common.js keeps it current); undefined for the
 * doctor's own page.
 * @type {ReturnType<typeof watchAvailability> | undefined}
 */
let availability;

const nameOf = (userId) => {
  const user = config.users.find((u) => u.id === userId);
  return user ? `${user.name} (${userId})` : userId;
};

logCalls(element, {
  nameOf,
  ringingNote: (sdkCall) =>
    availability?.online === false && sdkCall.participants?.includes(availability.doctor.id)
      ? `${availability.doctor.name} is offline: it will ring until it times out`
      : undefined,
});

// ---------------------------------------------------------------------------------------------
// The sandbox's "server side": the SDK stand-in's control API and the REST stand-in's faults

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
  teachSdkStandIn(config.sdkStandIn);
  sandboxAction('about-to-expire', 'the service says: token is about to expire', (control) =>
    control.aboutToExpire(),
  );
  sandboxAction('expire', 'the service expired the token', (control) => control.expire());
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
