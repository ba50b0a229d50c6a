/**
 * The public page's own script: nothing of the clinic's site is needed around the pasted
 * `<kaleyra-call>` (nobody signs in; the element makes a guest of the visitor), so this is
 * mostly the sandbox console: the element's state and events, who the visitor is to the video
 * service, whether this tab keeps a guest token, what the token endpoint offers a visitor with
 * no credentials, how the Turnstile stand-in treats the next challenge, and "Forget me".
 */
import { log, logCalls, logElementEvents, teachSdkStandIn, watchAvailability } from './common.js';

const config = JSON.parse(document.getElementById('sandbox-config').textContent);
const element = document.querySelector('kaleyra-call');
const $ = (id) => document.getElementById(id);

/** Where the element keeps a guest token for the tab: this prefix, then the guest endpoint. */
const GUEST_KEY_PREFIX = 'kaleyra-call.guest:';

// ---------------------------------------------------------------------------------------------
// The site: whether the doctor is online, once a connected client can tell

watchAvailability(element, config.doctor);

// ---------------------------------------------------------------------------------------------
// The sandbox console: state, visitor, guest token, event log

logElementEvents(element);
logCalls(element, {
  nameOf: (userId) => (userId === config.doctor.id ? `${config.doctor.name} (${userId})` : userId),
});

element.addEventListener('kaleyra-call-state', ({ detail }) => {
  const output = $('state');
  output.textContent = detail.state;
  output.dataset.state = detail.state;
  showGuestToken();
});

element.addEventListener('kaleyra-call-ready', ({ detail }) => {
  const guest = detail.userId.includes('guest_');
  $('visitor').textContent = guest ? `${detail.userId} (a guest)` : detail.userId;
  $('visitor').dataset.userId = detail.userId;
  showGuestToken();
});

/** The element's guest-token keys in this tab's sessionStorage (the values stay unread). */
function guestKeys() {
  const keys = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    if (key?.startsWith(GUEST_KEY_PREFIX)) keys.push(key);
  }
  return keys;
}

function showGuestToken() {
  const kept = guestKeys().length > 0;
  $('guest-token').textContent = kept
    ? 'kept for this tab: a reload comes back as the same guest'
    : 'none in this tab';
  $('guest-token').dataset.kept = String(kept);
}

/**
 * A new visitor, as far as this tab goes: the session ends and the guest token is dropped, so
 * the next press of the launcher meets the challenge again and becomes another guest. (The old
 * guest stays a Kaleyra user: README "Public pages (guests)", Cleaning up guest users.)
 */
async function forgetMe() {
  await element.disconnect().catch(() => {});
  const keys = guestKeys();
  for (const key of keys) sessionStorage.removeItem(key);
  $('visitor').textContent = 'nobody yet';
  delete $('visitor').dataset.userId;
  showGuestToken();
  log(
    'sandbox',
    keys.length
      ? 'forgot the guest: the next call meets the challenge and makes a new guest'
      : 'nothing to forget: this tab kept no guest token',
    'sandbox',
  );
}

// ---------------------------------------------------------------------------------------------
// What the token endpoint says to a visitor with no credentials

/**
 * The element asks only when the visitor presses the launcher; the console asks at once, the
 * same way (POST, no credentials), to show the guest offer that the element will act on.
 */
async function askTokenEndpoint() {
  const output = $('offer');
  try {
    const res = await fetch(element.getAttribute('token-endpoint'), {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{}',
    });
    const body = await res.json().catch(() => undefined);
    const guest = body?.error?.guest;
    if (res.status === 401 && guest) {
      output.textContent = `offers guests a ${guest.challenge} challenge`;
      output.dataset.offer = guest.challenge;
      log(
        'sandbox',
        `the token endpoint, asked with no credentials: 401 ${body.error.code}, guest offer ` +
          `(${guest.challenge} challenge, then POST ${guest.endpoint})`,
        'sandbox',
      );
    } else {
      output.textContent =
        res.status === 401 ? 'no guests: visitors must sign in' : `answered ${res.status}`;
      output.dataset.offer = 'none';
      log(
        'sandbox',
        `the token endpoint, asked with no credentials: ${res.status} ` +
          `${body?.error?.code ?? ''}, no guest offer`,
        'warning',
      );
    }
  } catch (err) {
    output.textContent = 'unreachable';
    output.dataset.offer = 'unreachable';
    log('sandbox', `the token endpoint is unreachable: ${err.message}`, 'error');
  }
}

// ---------------------------------------------------------------------------------------------
// The Turnstile stand-in: how it answers the next challenge

/**
 * Through the stand-in's control route, not `window.__turnstileStandIn`: the challenge script
 * loads only when the element needs it, after the visitor's press.
 * @param {{ challenge?: string }} [change] none: only read the current behaviour
 */
async function challengeControl(change) {
  const res = await fetch(config.guests.controlUrl, {
    credentials: 'omit',
    ...(change && {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(change),
    }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  showChallenge(body.challenge.default);
  return body.challenge.default;
}

function showChallenge(behaviour) {
  for (const button of document.querySelectorAll('[data-challenge]')) {
    button.setAttribute('aria-pressed', String(button.dataset.challenge === behaviour));
  }
  $('challenge-choices').dataset.current = behaviour;
}

const CHALLENGE_WORDS = {
  pass: 'pass, unseen',
  interactive: 'ask for interaction (a checkbox to tick)',
  fail: 'fail',
};

// ---------------------------------------------------------------------------------------------

function setUpConsole() {
  $('clear-log').addEventListener('click', () => $('log').replaceChildren());
  $('forget-me').addEventListener('click', () => void forgetMe());
  showGuestToken();
  void askTokenEndpoint();
  if (config.mode === 'sandbox') {
    teachSdkStandIn(config.sdkStandIn);
  } else {
    $('console-mode').textContent = config.guests.on
      ? "Real mode: Kaleyra's API and SDK, and Cloudflare's own Turnstile challenge."
      : "Real mode: Kaleyra's API and SDK; guests are off.";
  }
  if (!config.guests.controlUrl) {
    // No stand-in to tell: Cloudflare decides, or there are no guests at all.
    $('challenge-choices').hidden = true;
    if (!config.guests.on) {
      $('controls-hint').textContent =
        'Guests are off: in real mode they need a real Turnstile widget (TURNSTILE_SITE_KEY and ' +
        'TURNSTILE_SECRET_KEY when starting). Pressing the button shows what a visitor then sees.';
    }
    return;
  }
  for (const button of document.querySelectorAll('[data-challenge]')) {
    button.addEventListener('click', () => {
      const { challenge } = button.dataset;
      challengeControl({ challenge }).then(
        () => log('sandbox', `the next challenge will ${CHALLENGE_WORDS[challenge]}`, 'sandbox'),
        (err) => log('sandbox', `could not change the challenge: ${err.message}`, 'error'),
      );
    });
  }
  challengeControl().catch((err) =>
    log('sandbox', `the Turnstile stand-in is unreachable: ${err.message}`, 'error'),
  );
}

setUpConsole();
