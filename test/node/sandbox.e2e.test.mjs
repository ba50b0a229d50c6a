/**
 * End to end: `npm start` as a developer runs it, on free ports, driven by the
 * system Chromium with fake camera and microphone. Two tabs of one browser are a
 * clinician and a patient: sign in, the doctor's availability as the patient sees
 * it, a call to the doctor while she is offline, the launcher, a token refresh
 * pushed by the (stand-in) service, a broken and healed token endpoint, a token
 * expired by the service, a real WebRTC call between the tabs, hang-up; then the
 * public page, where a third tab signed in nowhere becomes a guest through the
 * Turnstile stand-in's challenge (passed unseen, passed with a checkbox, failed)
 * and calls the doctor; then the worker's call page, opened in a fresh browser
 * profile: a guest again, a call to the doctor, and not one CSP or Trusted Types
 * violation; and finally Ctrl-C, after which no process and no port may be left. Screenshots of each stage go to test-results/screenshots/ for review.
 *
 * Everything it starts is stopped in `after`, and a watchdog ends the file if it
 * ever hangs. Linux only for the process check (it reads /proc).
 */
/* global window, document -- in the functions that run inside the pages */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-results/screenshots');
/** A build may be due (dist/ older than the sources), then wrangler starts. */
const READY_MS = 100_000;
const STEP_MS = 30_000;
const WATCHDOG_MS = 300_000;
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}/;
const GUEST_ID = /^guest_[a-z2-7]{26}$/;

let sandbox; // { child, output, url, callPage, ports }
let npmStart; // the `npm start` process, from the moment it is spawned
let browser;
/** pid → its start time: a pid that has been reused by then is never killed. */
const seenPids = new Map();

const watchdog = setTimeout(() => {
  console.error('sandbox e2e: watchdog fired, killing everything it started');
  killEverything();
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
process.once('exit', killEverything);

describe('npm start: the local sandbox, end to end', { timeout: WATCHDOG_MS - 10_000 }, () => {
  let context;
  let clinician;
  let patient;
  let guest; // the public page's visitor
  const guestIds = [];
  const pageErrors = [];

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    sandbox = await startSandbox();
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
      headless: true,
    });
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    clinician = await context.newPage();
    patient = await context.newPage();
    for (const page of [clinician, patient]) {
      page.setDefaultTimeout(STEP_MS);
      page.on('pageerror', (err) => pageErrors.push(err.message));
    }
  });

  after(async () => {
    await browser?.close().catch(() => {});
    // After a failure: first as a developer would (Ctrl-C), then by force.
    if (npmStart && npmStart.exitCode === null && npmStart.signalCode === null) {
      remember(descendants(npmStart.pid));
      const exited = new Promise((resolve) => npmStart.once('exit', resolve));
      process.kill(-npmStart.pid, 'SIGINT');
      await withTimeout(exited, 10_000, 'no exit').catch(() => {});
    }
    killEverything();
  });

  test('prints the URL to open and the doctor’s call page; the first serves <kaleyra-call> lazily', async () => {
    const urls = sandbox.output.split('\n').filter((line) => /https?:\/\//.test(line));
    assert.deepEqual(urls, [
      `Open ${sandbox.url}   (Ctrl-C stops everything)`,
      `Call page for Dr. Ada Rossi: ${sandbox.callPage}`,
    ]);
    await clinician.goto(sandbox.url);
    assert.equal(await clinician.locator('kaleyra-call').count(), 1);
    await clinician.screenshot({ path: join(SCREENSHOTS, 'sandbox-01-signed-out.png') });
    // connect="click": nothing of the SDK and no token before the launcher is used.
    assert.equal(await clinician.evaluate(() => typeof window.BandyerSDK), 'undefined');
    assert.equal((await credentialCalls()).length, 0);
  });

  test('a patient connects on signing in and sees that the doctor is offline', async () => {
    await patient.goto(sandbox.url);
    await patient.click('button[data-user="marco_bianchi"]');
    await patient.waitForSelector('#consult:not([hidden])');
    await waitForState(patient, 'connected');
    await patient.waitForSelector('#availability[data-status="offline"]');
    assert.match(
      await patient.locator('#availability').innerText(),
      /Dr\. Ada Rossi is offline right now\. You can still call, but the call will ring until it times out\./,
    );
    assert.deepEqual(
      (await credentialCalls()).map((c) => [c.user_id, c.status]),
      [['marco_bianchi', 200]],
    );
    await patient.screenshot({ path: join(SCREENSHOTS, 'sandbox-02-patient-doctor-offline.png') });
  });

  test('a call to the offline doctor is logged when it starts and when it ends', async () => {
    // Nobody answers: the stand-in service gives up after a second instead of 45.
    await patient.evaluate(() => window.__bandyerEmulator.setRingTimeoutMs(1_000));
    try {
      await patient.click('kaleyra-call [part="launcher"]'); // "Start video call"
      const started = logEntry(
        patient,
        'call',
        'outgoing call to Dr. Ada Rossi (dr_rossi), ringing',
      );
      await started.waitFor();
      assert.match(
        await started.innerText(),
        /^\d\d:\d\d:\d\d\s+call\s+outgoing call to Dr\. Ada Rossi \(dr_rossi\), ringing \(Dr\. Ada Rossi is offline: it will ring until it times out\)$/,
      );
      await patient.screenshot({
        path: join(SCREENSHOTS, 'sandbox-03-patient-calls-offline-doctor.png'),
      });
      const ended = logEntry(patient, 'call', 'outgoing call to Dr. Ada Rossi (dr_rossi) ended');
      await ended.waitFor();
      assert.match(
        await ended.innerText(),
        /ended: timeout \(nobody answered\), \d+ s after it started at \d\d:\d\d:\d\d$/,
      );
      // Newest first: the end is listed above the start.
      const calls = await patient.locator('#log [data-event="call"]').allInnerTexts();
      assert.equal(calls.length, 2);
      assert.match(calls[0], /ended: timeout/);
      assert.match(calls[1], /ringing/);
      assert.equal(await state(patient), 'connected', 'the session outlives the call');
      await patient.screenshot({
        path: join(SCREENSHOTS, 'sandbox-04-patient-call-timed-out.png'),
      });
    } finally {
      await patient.evaluate(() => window.__bandyerEmulator.setRingTimeoutMs(45_000));
    }
  });

  test('signing in and activating the launcher connects', async () => {
    await clinician.click('button[data-user="dr_rossi"]');
    await clinician.waitForSelector('#consult:not([hidden])');
    await clinician.click('kaleyra-call [part="launcher"]');
    await waitForState(clinician, 'connected');
    assert.equal(await clinician.locator('#state').textContent(), 'connected');
    await clinician.waitForSelector('#log [data-event="kaleyra-call-ready"]');
    const calls = await credentialCalls('dr_rossi');
    assert.deepEqual(
      calls.map((c) => [c.user_id, c.status]),
      [['dr_rossi', 200]],
    );
    assert.match(await clinician.locator('#lifetime').textContent(), /expires in \d+ min/);
    // The availability line is the patient's: the doctor's own page has none.
    assert.equal(await clinician.locator('#availability').isHidden(), true);
    await clinician.screenshot({ path: join(SCREENSHOTS, 'sandbox-05-clinician-online.png') });
  });

  test('the patient sees the doctor come online, without reloading', async () => {
    await patient.waitForSelector('#availability[data-status="online"]');
    assert.equal(
      await patient.locator('#availability').innerText(),
      'Dr. Ada Rossi is online now.',
    );
    await logEntry(
      patient,
      'kaleyra-call-sdk',
      'user:status:changed: dr_rossi is online',
    ).waitFor();
    await patient.screenshot({ path: join(SCREENSHOTS, 'sandbox-06-patient-doctor-online.png') });
  });

  test('the service saying "about to expire" leads to a token refresh', async () => {
    await clinician.click('#about-to-expire');
    await clinician.waitForFunction(
      () => window.__bandyerEmulator.count('updateAccessToken') === 1,
    );
    assert.equal(await tokenEvents(clinician), 2);
    const calls = await credentialCalls('dr_rossi');
    assert.deepEqual(
      calls.map((c) => [c.user_id, c.status]),
      [
        ['dr_rossi', 200],
        ['dr_rossi', 200],
      ],
    );
    assert.equal(await state(clinician), 'connected');
  });

  test('a broken token endpoint is retried while the session lives on, then heals', async () => {
    await clinician.click('#break-endpoint');
    await clinician.waitForSelector('#endpoint-state[data-broken="true"]');
    // The endpoint is one for all tabs: the patient's console says so too.
    await patient.waitForSelector('#endpoint-state[data-broken="true"]');
    await clinician.click('#about-to-expire');
    const retry = clinician.locator('#log [data-event="kaleyra-call-error"][data-tone="warning"]');
    await retry.first().waitFor();
    assert.match(
      await retry.first().textContent(),
      /refresh: upstream_error \(HTTP 502\).*retry in/,
    );
    assert.equal(await state(clinician), 'connected');
    // Warned, and the refresh is failing: the meter says so, still counting down.
    assert.equal(await clinician.locator('#lifetime').getAttribute('data-phase'), 'warned');
    assert.match(
      await clinician.locator('#lifetime').textContent(),
      /^expires in \d+ (min \d\d )?s: the service warned, refreshing…$/,
    );
    await clinician.click('#break-endpoint');
    await clinician.waitForSelector('#endpoint-state[data-broken="false"]');
    await patient.waitForSelector('#endpoint-state[data-broken="false"]');
    // Backoff: the next attempt comes within a few seconds and succeeds.
    await clinician.waitForFunction(
      () => document.querySelectorAll('#log [data-event="kaleyra-call-token"]').length === 3,
      null,
      { timeout: 40_000 },
    );
    assert.equal(await state(clinician), 'connected');
    const statuses = (await credentialCalls()).map((c) => c.status);
    assert.ok(statuses.includes(503), 'the Kaleyra REST stand-in failed meanwhile');
    assert.equal(statuses.at(-1), 200);
    assert.equal(await clinician.locator('#lifetime').getAttribute('data-phase'), 'valid');
  });

  test('after "Expire the token now" the meter shows the expiry at once, then the new token', async () => {
    const lifetime = patient.locator('#lifetime');
    const before = await lifetime.getAttribute('data-expires-at');
    assert.ok(Date.parse(before) > Date.now(), 'a live token to begin with');
    assert.equal(await tokenEvents(patient), 1);
    // With the token endpoint broken the reconnection cannot end at once, so what the meter
    // shows between the expiry and a new token stays in view.
    await patient.click('#break-endpoint');
    await patient.waitForSelector('#endpoint-state[data-broken="true"]');
    await patient.click('#expire');
    await patient.waitForSelector('#lifetime[data-phase="expired"]');
    assert.equal(await meterWidth(patient), 0, 'the meter is empty');
    assert.equal(await lifetime.getAttribute('data-expires-at'), '');
    await waitForState(patient, 'reconnecting');
    assert.equal(await lifetime.textContent(), 'expired: reconnecting with a new token…');
    assert.equal(await patient.locator('#availability').getAttribute('data-status'), 'checking');
    await patient
      .locator('#log [data-event="kaleyra-call-error"][data-tone="warning"]')
      .first()
      .waitFor();
    assert.equal(await lifetime.getAttribute('data-phase'), 'expired', 'no token came meanwhile');
    assert.equal(await tokenEvents(patient), 1);
    await patient.screenshot({ path: join(SCREENSHOTS, 'sandbox-07-patient-token-expired.png') });

    await patient.click('#break-endpoint'); // heal: the next retry gets a token
    await patient.waitForSelector('#lifetime[data-phase="valid"]', { timeout: 40_000 });
    await waitForState(patient, 'connected');
    assert.equal(await tokenEvents(patient), 2);
    const after = await lifetime.getAttribute('data-expires-at');
    const latest = patient.locator('#log [data-event="kaleyra-call-token"]').first();
    assert.match(await latest.textContent(), new RegExp(`valid until ${clockOf(after)}`));
    assert.ok(Date.parse(after) > Date.parse(before), 'the new token lives longer');
    assert.match(await lifetime.textContent(), /^expires in [56] min \d\d s$/);
    assert.ok((await meterWidth(patient)) > 95, 'a fresh token fills the meter');
    // Presence comes back with the connection.
    await patient.waitForSelector('#availability[data-status="online"]');
    await patient.screenshot({ path: join(SCREENSHOTS, 'sandbox-08-patient-token-renewed.png') });
  });

  test('a call between two tabs connects both peer connections, with video flowing', async () => {
    await patient.screenshot({ path: join(SCREENSHOTS, 'sandbox-09-patient-before-call.png') });
    await patient.click('kaleyra-call [part="launcher"]'); // "Start video call"
    assert.equal(await state(patient), 'connected');
    const ringing = 'outgoing call to Dr. Ada Rossi (dr_rossi), ringing';
    await patient.waitForFunction(
      (text) =>
        [...document.querySelectorAll('#log [data-event="call"]')].filter(
          (entry) => entry.textContent.includes(text) && !entry.textContent.includes('offline'),
        ).length === 1,
      ringing,
    );

    await clinician.waitForSelector(
      '#log [data-event="kaleyra-call-sdk"]:has-text("call:incoming")',
    );
    await clinician.click('.Bandyer-answer');
    const flowing = (page) =>
      until(page, async () => {
        const s = await window.__bandyerEmulator.callStats();
        return s?.status === 'connected' && s.pcState === 'connected' && s.framesDecoded > 0 && s;
      });
    const [first] = await Promise.all([flowing(patient), flowing(clinician)]);
    // Frames keep coming.
    await until(
      patient,
      async (before) => (await window.__bandyerEmulator.callStats()).framesDecoded > before,
      first.framesDecoded,
    );
    for (const page of [patient, clinician]) {
      const remote = await page.evaluate(() => {
        const video = document.querySelector('.Bandyer-remote-video');
        return { width: video?.videoWidth ?? 0, tracks: video?.srcObject?.getTracks().length };
      });
      assert.ok(remote.width > 0, 'the remote video shows a picture');
      assert.ok(remote.tracks >= 1);
    }
    await logEntry(
      clinician,
      'call',
      'incoming call from Marco Bianchi (marco_bianchi), ringing',
    ).waitFor();
    await logEntry(
      clinician,
      'call',
      'incoming call from Marco Bianchi (marco_bianchi) connected',
    ).waitFor();
    await logEntry(
      patient,
      'call',
      'outgoing call to Dr. Ada Rossi (dr_rossi) connected',
    ).waitFor();
    await patient.screenshot({ path: join(SCREENSHOTS, 'sandbox-10-patient-in-call.png') });
    await clinician.screenshot({ path: join(SCREENSHOTS, 'sandbox-11-clinician-in-call.png') });
  });

  test('hanging up ends the call on both sides and releases the camera', async () => {
    for (const page of [patient, clinician]) {
      assert.ok((await page.evaluate(() => window.__bandyerEmulator.localTracksLive())) > 0);
    }
    await patient.click('.Bandyer-hangUp');
    for (const page of [patient, clinician]) {
      await until(
        page,
        async () => (await window.__bandyerEmulator.callStats()).status === 'ended',
      );
      await until(page, () => window.__bandyerEmulator.localTracksLive() === 0);
      assert.equal(await state(page), 'connected', 'the session outlives the call');
    }
    assert.match(
      await clinician.locator('#log').innerText(),
      /call:status:changed: ended \(hang_up\)/,
    );
    await logEntry(
      clinician,
      'call',
      'incoming call from Marco Bianchi (marco_bianchi) ended: hang_up (hung up)',
    ).waitFor();
    await logEntry(
      patient,
      'call',
      'outgoing call to Dr. Ada Rossi (dr_rossi) ended: hang_up (hung up)',
    ).waitFor();
    for (const page of [patient, clinician]) {
      assert.doesNotMatch(await page.locator('#log').innerText(), JWT, 'no token in the log');
    }
    assert.deepEqual(pageErrors, []);
  });

  test('the public page has the tag as pasted, loads nothing, and the endpoint offers guests a challenge', async () => {
    assert.equal(await clinician.locator('nav a[href="/ask"]').innerText(), 'Ask the clinic');
    guest = await context.newPage();
    guest.setDefaultTimeout(STEP_MS);
    guest.on('pageerror', (err) => pageErrors.push(err.message));
    await guest.goto(`${sandbox.url}ask`);
    assert.equal(await guest.locator('h1').innerText(), 'Ask the clinic');
    assert.equal(await guest.locator('nav a[href="/"]').first().isVisible(), true);
    const tag = await guest.evaluate(() => {
      const element = document.querySelector('kaleyra-call');
      return Object.fromEntries([...element.attributes].map((a) => [a.name, a.value]));
    });
    const pasted = {
      'token-endpoint': `http://localhost:${sandbox.ports.worker}/v1/token`,
      'call-with': 'dr_rossi',
      'challenge-src': `http://127.0.0.1:${sandbox.ports.turnstile}/turnstile/v0/api.js?render=explicit`,
      'sdk-src': '/sandbox/bandyer-sdk.js?bus=server',
      connect: 'click',
      label: 'Call the clinic',
    };
    for (const [name, value] of Object.entries(pasted)) assert.equal(tag[name], value, name);
    // The worker names the app, and no credentials are set: the element's defaults.
    for (const name of ['app-id', 'region', 'environment', 'credentials']) {
      assert.equal(tag[name], undefined, name);
    }
    // The console asked the worker as a visitor with no credentials would be asked.
    await guest.waitForSelector('#offer[data-offer="turnstile"]');
    await logEntry(
      guest,
      'sandbox',
      'the token endpoint, asked with no credentials: 401 unauthenticated, guest offer (turnstile challenge, then POST /v1/guest)',
    ).waitFor();
    await guest.waitForSelector('#challenge-choices[data-current="pass"]');
    assert.equal(await guest.locator('#guest-token').getAttribute('data-kept'), 'false');
    // connect="click": neither the SDK nor the challenge's script before the visitor asks.
    assert.deepEqual(
      await guest.evaluate(() => [typeof window.BandyerSDK, typeof window.turnstile]),
      ['undefined', 'undefined'],
    );
    assert.equal((await standIn()).challengeCalls, 0);
    await guest.screenshot({ path: join(SCREENSHOTS, 'sandbox-12-guest-public-page.png') });
  });

  test('a guest passes the challenge unseen, connects as guest_… and calls the doctor, who answers', async () => {
    const usersBefore = (await userCreations()).length;
    await guest.click('kaleyra-call [part="launcher"]'); // "Call the clinic"
    await waitForState(guest, 'connected');
    const guestId = await guest.evaluate(() => document.querySelector('kaleyra-call').userId);
    assert.match(guestId, GUEST_ID);
    guestIds.push(guestId);
    await logEntry(guest, 'kaleyra-call-state', '→ verifying').waitFor();
    await logEntry(guest, 'kaleyra-call-ready', `connected as ${guestId}`).waitFor();
    assert.equal(await guest.locator('#visitor').getAttribute('data-user-id'), guestId);
    // Passed unseen, verified once by the worker, and the challenge's container is gone.
    const verdicts = (await standIn()).requests.map((r) => [r.secret, r.success]);
    assert.deepEqual(verdicts, [['sandbox', true]]);
    assert.equal(await guest.locator('kaleyra-call [slot="challenge"]').count(), 0);
    // One Kaleyra user made for the guest, and a token for it; the tab keeps the guest token.
    assert.deepEqual(
      (await userCreations()).slice(usersBefore).map((c) => c.status),
      [201],
    );
    assert.deepEqual(
      (await credentialCalls(guestId)).map((c) => c.status),
      [200],
    );
    await guest.waitForSelector('#guest-token[data-kept="true"]');
    await guest.waitForSelector('#availability[data-status="online"]');

    // The launcher's one press also called the doctor.
    await logEntry(guest, 'call', 'outgoing call to Dr. Ada Rossi (dr_rossi), ringing').waitFor();
    await logEntry(clinician, 'call', `incoming call from ${guestId}, ringing`).waitFor();
    await guest.screenshot({ path: join(SCREENSHOTS, 'sandbox-13-guest-calling.png') });
    await clinician.click('.Bandyer-answer');
    const flowing = (page) =>
      until(page, async () => {
        const s = await window.__bandyerEmulator.callStats();
        return s?.status === 'connected' && s.pcState === 'connected' && s.framesDecoded > 0;
      });
    await Promise.all([flowing(guest), flowing(clinician)]);
    await logEntry(guest, 'call', 'outgoing call to Dr. Ada Rossi (dr_rossi) connected').waitFor();
    await logEntry(clinician, 'call', `incoming call from ${guestId} connected`).waitFor();
    assert.equal(await guest.evaluate(() => document.querySelector('kaleyra-call').call), 'active');
    await guest.screenshot({ path: join(SCREENSHOTS, 'sandbox-14-guest-in-call.png') });
    await clinician.screenshot({
      path: join(SCREENSHOTS, 'sandbox-15-clinician-in-call-with-guest.png'),
    });

    await guest.click('.Bandyer-hangUp');
    for (const page of [guest, clinician]) {
      await until(
        page,
        async () => (await window.__bandyerEmulator.callStats()).status === 'ended',
      );
    }
    await logEntry(clinician, 'call', `incoming call from ${guestId} ended: hang_up`).waitFor();

    // A reload comes back as the same guest: no challenge, no new Kaleyra user.
    const challenges = (await standIn()).challengeCalls;
    const users = (await userCreations()).length;
    await guest.reload();
    await guest.waitForSelector('#guest-token[data-kept="true"]');
    await guest.evaluate(() => document.querySelector('kaleyra-call').connect());
    await waitForState(guest, 'connected');
    assert.equal(
      await guest.evaluate(() => document.querySelector('kaleyra-call').userId),
      guestId,
    );
    assert.equal((await standIn()).challengeCalls, challenges);
    assert.equal((await userCreations()).length, users);
  });

  test('a guest who must tick the checkbox does so inside the element, and is a new guest', async () => {
    await guest.click('#forget-me');
    await guest.waitForSelector('#guest-token[data-kept="false"]');
    await guest.click('[data-challenge="interactive"]');
    await guest.waitForSelector('#challenge-choices[data-current="interactive"]');
    await guest.click('kaleyra-call [part="launcher"]');
    await waitForState(guest, 'verifying');
    // The widget, in the element's light-DOM container, asks for the visitor.
    const frame = guest.frameLocator('kaleyra-call > [slot="challenge"] iframe');
    const box = frame.locator('input[type="checkbox"]');
    await box.waitFor();
    await guest.screenshot({ path: join(SCREENSHOTS, 'sandbox-16-guest-checkbox.png') });
    await box.click();
    await waitForState(guest, 'connected');
    const guestId = await guest.evaluate(() => document.querySelector('kaleyra-call').userId);
    assert.match(guestId, GUEST_ID);
    assert.ok(!guestIds.includes(guestId), 'a forgotten guest comes back as another one');
    guestIds.push(guestId);
    assert.equal(await guest.locator('kaleyra-call [slot="challenge"]').count(), 0);
    // The call rings at the doctor's; the guest thinks better of it.
    await logEntry(clinician, 'call', `incoming call from ${guestId}, ringing`).waitFor();
    await guest.click('.Bandyer-cancel');
    await logEntry(clinician, 'call', `incoming call from ${guestId} ended: canceled`).waitFor();
  });

  test('a failed challenge shows the plain failure and Try again, which can then pass', async () => {
    await guest.click('#forget-me');
    await guest.click('[data-challenge="fail"]');
    await guest.waitForSelector('#challenge-choices[data-current="fail"]');
    const usersBefore = (await userCreations()).length;
    await guest.click('kaleyra-call [part="launcher"]');
    await waitForState(guest, 'error');
    const failure = guest.locator('kaleyra-call [part="error"]');
    await failure.waitFor();
    const retry = guest.locator('kaleyra-call [part="retry"]');
    assert.equal(await retry.innerText(), 'Try again');
    assert.match(await failure.innerText(), /^We could not confirm you are a person\./);
    const logged = logEntry(guest, 'kaleyra-call-error', 'token: challenge_failed');
    await logged.waitFor();
    assert.equal(await logged.getAttribute('data-tone'), 'error');
    assert.match(await logged.innerText(), /\[fatal\]$/);
    assert.equal(await guest.locator('kaleyra-call [slot="challenge"]').count(), 0);
    assert.equal((await userCreations()).length, usersBefore, 'no Kaleyra user for a failure');
    await guest.screenshot({ path: join(SCREENSHOTS, 'sandbox-17-guest-challenge-failed.png') });

    await guest.click('[data-challenge="pass"]');
    await guest.waitForSelector('#challenge-choices[data-current="pass"]');
    await retry.click();
    await waitForState(guest, 'connected');
    const guestId = await guest.evaluate(() => document.querySelector('kaleyra-call').userId);
    assert.match(guestId, GUEST_ID);
    assert.ok(!guestIds.includes(guestId));
    for (const page of [guest, clinician]) {
      assert.doesNotMatch(await page.locator('#log').innerText(), JWT, 'no token in the log');
    }
    assert.deepEqual(pageErrors, []);
  });

  test('a page with only a marker and the script tag: a guest calls the doctor', async () => {
    const visitor = await context.newPage();
    visitor.setDefaultTimeout(STEP_MS);
    visitor.on('pageerror', (err) => pageErrors.push(err.message));
    await visitor.goto(`${sandbox.url}marker`);
    // The bundle placed one element inside the marker, with the marker's attributes and the
    // script tag's endpoint.
    const placed = await visitor.evaluate(() => {
      const els = document.querySelectorAll('[data-kaleyra-call] > kaleyra-call');
      const el = els[0];
      return { count: els.length, callWith: el?.callWith, endpoint: el?.tokenEndpoint };
    });
    assert.deepEqual(placed, {
      count: 1,
      callWith: 'dr_rossi',
      endpoint: `http://localhost:${sandbox.ports.worker}/v1/token`,
    });
    await visitor.click('kaleyra-call [part="launcher"]');
    await waitForState(visitor, 'connected');
    assert.match(
      await visitor.evaluate(() => document.querySelector('kaleyra-call').userId),
      GUEST_ID,
    );
    await until(visitor, () => document.querySelector('kaleyra-call').call === 'dialing');
    await visitor.screenshot({ path: join(SCREENSHOTS, 'sandbox-19-marker-page-calling.png') });
    await visitor.close();
    assert.deepEqual(pageErrors, []);
  });

  test('the call page: a visitor in a fresh browser profile becomes a guest and calls the doctor, with no CSP or Trusted Types violation', async () => {
    // The public page offers the call page; its link is the one printed at the start.
    const offered = guest.locator('a#call-page');
    assert.equal(await offered.innerText(), 'Open the call page');
    assert.equal(await offered.getAttribute('href'), sandbox.callPage);
    await challengeFor('pass');

    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Before anything of the page runs: every violation it reports.
    await fresh.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__violations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`),
      );
    });
    const visitor = await fresh.newPage();
    visitor.setDefaultTimeout(STEP_MS);
    const consoleErrors = [];
    visitor.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message);
    });
    visitor.on('pageerror', (err) => pageErrors.push(err.message));

    const answer = await visitor.goto(sandbox.callPage);
    assert.equal(answer.status(), 200);
    const headers = answer.headers();
    assert.match(headers['content-security-policy'], /script-src 'nonce-[^']+' /);
    assert.match(headers['content-security-policy'], /require-trusted-types-for 'script'/);
    assert.equal(
      headers['permissions-policy'],
      'camera=(self), microphone=(self), display-capture=(self)',
    );
    assert.equal(await visitor.title(), 'Riverside Family Clinic');
    const element = await visitor.evaluate(() => {
      const el = document.querySelector('kaleyra-call');
      return {
        callWith: el.getAttribute('call-with'),
        endpoint: el.getAttribute('token-endpoint'),
      };
    });
    assert.deepEqual(element, { callWith: 'dr_rossi', endpoint: '/v1/token' });
    await visitor.screenshot({ path: join(SCREENSHOTS, 'sandbox-20-call-page.png') });

    await visitor.click('kaleyra-call [part="launcher"]');
    await waitForState(visitor, 'connected');
    const guestId = await visitor.evaluate(() => document.querySelector('kaleyra-call').userId);
    assert.match(guestId, GUEST_ID);
    assert.ok(!guestIds.includes(guestId));
    // Trusted Types enforced, and the SDK's media client still loaded: calls can start.
    assert.deepEqual(
      await visitor.evaluate(() => window.__bandyerEmulator.mediaClient.status),
      'loaded',
    );
    await logEntry(clinician, 'call', `incoming call from ${guestId}, ringing`).waitFor();
    await clinician.click('.Bandyer-answer');
    const flowing = (page) =>
      until(page, async () => {
        const s = await window.__bandyerEmulator.callStats();
        return s?.status === 'connected' && s.pcState === 'connected' && s.framesDecoded > 0;
      });
    await Promise.all([flowing(visitor), flowing(clinician)]);
    assert.equal(
      await visitor.evaluate(() => document.querySelector('kaleyra-call').call),
      'active',
    );
    await visitor.screenshot({ path: join(SCREENSHOTS, 'sandbox-21-call-page-in-call.png') });
    await visitor.click('.Bandyer-hangUp');
    await logEntry(clinician, 'call', `incoming call from ${guestId} ended: hang_up`).waitFor();

    assert.deepEqual(await visitor.evaluate(() => window.__violations), []);
    // The one console error is the browser's note of the guest offer, a 401 of the token endpoint.
    assert.deepEqual(
      consoleErrors.map((m) => [m.text(), new URL(m.location().url).pathname]),
      [
        [
          'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
          '/v1/token',
        ],
      ],
    );
    // The listener is live and Trusted Types are enforced: an HTML string is refused, and reported.
    const refused = await visitor.evaluate(() => {
      try {
        document.createElement('div').innerHTML = '<b>x</b>';
        return false;
      } catch (error) {
        return error instanceof TypeError;
      }
    });
    assert.equal(refused, true);
    await visitor.waitForFunction(() => window.__violations.length === 1);
    assert.match(
      await visitor.evaluate(() => window.__violations[0]),
      /^require-trusted-types-for /,
    );
    await fresh.close();
    assert.deepEqual(pageErrors, []);
  });

  test('Ctrl-C stops every process it started and frees every port', async () => {
    await browser.close();
    browser = undefined;
    const tree = descendants(sandbox.child.pid);
    remember(tree);
    assert.ok(tree.length >= 3, `npm, node and wrangler at least (saw ${tree.length})`);

    const exited = new Promise((resolve) => sandbox.child.once('exit', resolve));
    process.kill(-sandbox.child.pid, 'SIGINT'); // what a terminal's Ctrl-C does
    await withTimeout(exited, 15_000, 'npm start did not exit after SIGINT');
    const deadline = Date.now() + 5_000;
    while (tree.some(alive) && Date.now() < deadline) await sleep(100);
    assert.deepEqual(tree.filter(alive), [], 'no process left behind');
    seenPids.clear();
    for (const port of Object.values(sandbox.ports)) {
      assert.equal(await portIsFree(port), true, `port ${port} is free again`);
    }
    assert.match(sandbox.output, /^Stopped\.$/m);
    assert.doesNotMatch(sandbox.output, JWT, 'no token in the terminal');
  });
});

// -------------------------------------------------------------------------------------------
// Helpers

async function startSandbox() {
  const [site, worker, kaleyra, turnstile] = await freePorts(4);
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DEMO_PORT: String(site),
      WORKER_PORT: String(worker),
      KALEYRA_STANDIN_PORT: String(kaleyra),
      TURNSTILE_STANDIN_PORT: String(turnstile),
      // The sandbox, even on a machine with real credentials in the environment.
      KALEYRA_API_KEY: '',
      KALEYRA_APP_ID: '',
    },
  });
  npmStart = child;
  remember([child.pid]);
  const started = {
    child,
    output: '',
    url: '',
    callPage: '',
    ports: { site, worker, kaleyra, turnstile },
  };
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      started.output += chunk;
      if (/^Ready\./m.test(started.output)) resolve(undefined);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`npm start exited (${code}):\n${started.output}`)),
    );
  });
  await withTimeout(ready, READY_MS, () => `npm start was not ready:\n${started.output}`);
  remember(descendants(child.pid));
  started.url = started.output.match(/Open (http:\/\/localhost:\d+\/)/)?.[1] ?? '';
  assert.equal(started.url, `http://localhost:${site}/`);
  started.callPage = started.output.match(/Call page for Dr\. Ada Rossi: (\S+)/)?.[1] ?? '';
  assert.equal(started.callPage, `http://127.0.0.1:${worker}/call?with=dr_rossi`);
  return started;
}

/** Every /v2/sdk/credentials call the REST stand-in received (for `userId`), oldest first. */
async function credentialCalls(userId) {
  const res = await fetch(`http://127.0.0.1:${sandbox.ports.kaleyra}/__control/calls`);
  const { calls } = await res.json();
  return calls.filter(
    (c) => c.path === '/v2/sdk/credentials' && (userId === undefined || c.user_id === userId),
  );
}

/** Every user creation (POST /v2/users) the Kaleyra REST stand-in received, oldest first. */
async function userCreations() {
  const res = await fetch(`http://127.0.0.1:${sandbox.ports.kaleyra}/__control/calls`);
  const { calls } = await res.json();
  return calls.filter((c) => c.method === 'POST' && c.path === '/v2/users');
}

/** How the Turnstile stand-in treats the next challenges: pass, interactive or fail. */
async function challengeFor(challenge) {
  const res = await fetch(`http://127.0.0.1:${sandbox.ports.turnstile}/__control/turnstile`, {
    method: 'POST',
    body: JSON.stringify({ challenge }),
  });
  assert.equal(res.status, 200);
}

/** The Turnstile stand-in's control state: behaviour, counters, the last siteverify requests. */
async function standIn() {
  const res = await fetch(`http://127.0.0.1:${sandbox.ports.turnstile}/__control/turnstile`);
  return res.json();
}

const state = (page) => page.evaluate(() => document.querySelector('kaleyra-call').state);

const tokenEvents = (page) => page.locator('#log [data-event="kaleyra-call-token"]').count();

/** The log entries of `event` whose text contains `text`. */
const logEntry = (page, event, text) =>
  page.locator(`#log [data-event="${event}"]`).filter({ hasText: text });

/** How full the token meter is, in % of its track. */
const meterWidth = (page) =>
  page.evaluate(() => {
    const bar = document.getElementById('lifetime-bar');
    return (
      (bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width) * 100
    );
  });

/** An ISO date as the console writes times. */
const clockOf = (iso) => new Date(iso).toLocaleTimeString('en-GB');

/**
 * Polls `fn` in the page until it returns something truthy (page.waitForFunction
 * does not wait for a Promise, and the stand-in's callStats() is async).
 */
async function until(page, fn, arg, timeout = 45_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${fn}`);
    await sleep(250);
  }
}

function waitForState(page, wanted) {
  return page.waitForFunction((s) => document.querySelector('kaleyra-call').state === s, wanted, {
    timeout: STEP_MS,
  });
}

/** Ports that were free a moment ago, distinct from each other. */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * /proc/<pid>/stat after the command name: [state, ppid, …]; index 19 is the start
 * time. Undefined once the process is gone.
 */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process ids below `root` (itself included), from /proc. */
function descendants(root) {
  if (!existsSync('/proc')) return [root];
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(stat(entry)?.[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]) ?? []));
  return found;
}

function remember(pids) {
  for (const pid of pids) {
    const started = stat(pid)?.[19];
    if (started) seenPids.set(pid, started);
  }
}

/** Running (a zombie has exited; only its parent has not collected it yet). */
function alive(pid) {
  const fields = stat(pid);
  return fields !== undefined && fields[0] !== 'Z';
}

/** Synchronous, for `after`, the watchdog and process exit: SIGKILL all that is left. */
function killEverything() {
  if (npmStart?.exitCode === null) remember(descendants(npmStart.pid));
  for (const [pid, started] of seenPids) {
    if (stat(pid)?.[19] !== started) continue; // gone, or the pid now belongs to another
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Not a group leader, or already gone.
      }
    }
  }
  seenPids.clear();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function withTimeout(promise, ms, message) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(typeof message === 'function' ? message() : message)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
