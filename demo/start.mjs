#!/usr/bin/env node
/**
 * `npm start`: the whole product on this machine (docs/architecture.md, Folders), stopped by one Ctrl-C.
 *
 * Sandbox mode (no Kaleyra credentials), all on 127.0.0.1:
 *   - the Kaleyra REST stand-in (sandbox/kaleyra-rest/api.mjs), in this process;
 *   - the Turnstile stand-in (sandbox/turnstile/server.mjs), in this process: the
 *     challenge that makes a visitor of the public page a guest, and its siteverify;
 *   - the token worker under `wrangler dev`, a child process group, pointed at both, with
 *     guests on (GUEST_ACCESS=turnstile);
 *   - the demo site (demo/server/site.mjs), in this process: the staff and patient page, the
 *     public "Ask the clinic" page, the element's CDN build, the SDK stand-in script (and the
 *     relay its clients meet on) and the "sign in as …" stand-in;
 *   - the worker's call page for the doctor (/call?with=dr_rossi), its link printed under the
 *     site's URL: CALL_PAGE_TARGETS is the doctor, and the page loads the same stand-ins.
 * Real mode (KALEYRA_API_KEY and KALEYRA_APP_ID set): no stand-ins; the worker calls
 * the real Kaleyra API and the page loads the real SDK from Kaleyra's CDN. Guests are off
 * there unless a real Turnstile widget's keys are given (demo/server/config.mjs).
 *
 * Secrets (the site-JWT secret, the REST stand-in's API key, the guest-token secret) are made
 * fresh at each start and handed to the worker through a private temporary file, never written
 * into the repository. The URL to open is printed as soon as the site answers; the element's
 * build (when dist/ is missing or stale; the worker waits for it, as it serves the built files)
 * and the worker start meanwhile, the call page's link follows once the worker answers, then
 * "Ready.". Ports: see demo/server/config.mjs.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { BuildFailed, isBuildStale, runBuild } from './server/build.mjs';
import { ConfigProblem, readConfig } from './server/config.mjs';
import { PortBusy, assertPortsFree, busy } from './server/ports.mjs';
import { ensureRealUsers } from './server/real-users.mjs';
import {
  SITE_JWT_AUDIENCE,
  SITE_JWT_COOKIE,
  SITE_JWT_ISSUER,
  createSiteLogin,
} from './server/site-login.mjs';
import { SDK_STAND_IN_SRC, startSite } from './server/site.mjs';
import { DEMO_USERS, ON_CALL_CLINICIAN, demoUser } from './server/users.mjs';
import { WorkerFailed, launchWorker } from './server/worker.mjs';
import { startKaleyraStandIn } from '../sandbox/kaleyra-rest/server.mjs';
import { SANDBOX_SITE } from '../sandbox/turnstile/api.mjs';
import { startTurnstileStandIn } from '../sandbox/turnstile/server.mjs';
import { stopList } from './server/stop-list.mjs';

const root = resolve(import.meta.dirname, '..');

const running = stopList();
let exiting;

function shutdown(code) {
  exiting ??= running.stopAll().then(() => {
    if (code === 0) console.log('Stopped.');
    process.exit(code);
  });
  return exiting;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // A second Ctrl-C while stopping: stop now (the worker's exit hook kills its group).
    if (running.stopping) process.exit(130);
    console.log('\nStopping…');
    void shutdown(0);
  });
}

/** A listen that fails on a busy port says which setting to change. */
async function listening(start, port, what, env) {
  try {
    return await start();
  } catch (err) {
    throw err.code === 'EADDRINUSE' ? busy(port, what, env) : err;
  }
}

async function main() {
  const config = readConfig(process.env);
  const { ports, kaleyra } = config;
  const sandbox = config.mode === 'sandbox';
  await assertPortsFree([
    { port: ports.site, what: 'demo site', env: 'DEMO_PORT' },
    { port: ports.worker, what: 'token worker', env: 'WORKER_PORT' },
    ...(sandbox
      ? [
          { port: ports.kaleyra, what: 'Kaleyra REST stand-in', env: 'KALEYRA_STANDIN_PORT' },
          { port: ports.turnstile, what: 'Turnstile stand-in', env: 'TURNSTILE_STANDIN_PORT' },
        ]
      : []),
  ]);

  console.log(
    sandbox
      ? 'kaleyra-call sandbox: local stand-ins for Kaleyra, no credentials needed.'
      : `kaleyra-call demo in REAL mode: Kaleyra's API (${kaleyra.region}, ${kaleyra.environment}) and its CDN SDK.`,
  );

  let build = Promise.resolve();
  if (isBuildStale(root)) {
    console.log('Building the element (dist/ is missing or older than its sources)…');
    const job = runBuild(root);
    running.add(job.stop);
    build = job.done;
  }
  build.catch(() => {}); // awaited below; meanwhile the site holds requests for dist/

  const siteJwtSecret = randomBytes(32).toString('base64url');
  let kaleyraStandIn;
  let apiKey = kaleyra.apiKey;
  let apiBase = kaleyra.apiBase;
  if (sandbox) {
    apiKey = `ak_sandbox_${randomBytes(12).toString('hex')}`;
    const started = await listening(
      () =>
        startKaleyraStandIn({
          port: ports.kaleyra,
          apiKey,
          users: DEMO_USERS.map((user) => ({ id: user.id, role: user.kaleyraRole })),
        }),
      ports.kaleyra,
      'Kaleyra REST stand-in',
      'KALEYRA_STANDIN_PORT',
    );
    running.add(started.close);
    kaleyraStandIn = started.standIn;
    apiBase = started.apiBase;
  }

  /**
   * Guests of the public page: the stand-in's own site in the sandbox, a real widget's keys in
   * real mode (or none: guests off). `challengeSrc` unset means the element's default, Cloudflare.
   * @type {{ sitekey: string, secret: string, verifyUrl?: string, challengeSrc?: string,
   *   controlUrl?: string } | undefined}
   */
  let guests = config.turnstile;
  if (sandbox) {
    const standIn = await listening(
      () => startTurnstileStandIn({ port: ports.turnstile }),
      ports.turnstile,
      'Turnstile stand-in',
      'TURNSTILE_STANDIN_PORT',
    );
    running.add(standIn.close);
    guests = {
      ...SANDBOX_SITE,
      verifyUrl: standIn.siteverifyUrl,
      challengeSrc: `${standIn.scriptUrl}?render=explicit`,
      controlUrl: `${standIn.url}/__control/turnstile`,
    };
  }

  // The worker's call page for the doctor, on 127.0.0.1 while the site is on localhost: the
  // sign-in cookie belongs to the host name, so a doctor signed in on the site in this browser
  // is not who opens the call page here (docs/sandbox.md, The call page).
  const callPage = `http://127.0.0.1:${ports.worker}/call?with=${ON_CALL_CLINICIAN}`;

  const site = await listening(
    () =>
      startSite({
        root,
        port: ports.site,
        mode: config.mode,
        workerPort: ports.worker,
        kaleyra,
        login: createSiteLogin({ secret: siteJwtSecret }),
        build,
        kaleyraStandIn,
        guests: guests && {
          challengeSrc: guests.challengeSrc,
          controlUrl: guests.controlUrl,
        },
        callPage,
      }),
    ports.site,
    'demo site',
    'DEMO_PORT',
  );
  running.add(site.close);
  console.log(`Open http://localhost:${ports.site}/   (Ctrl-C stops everything)`);

  // wrangler dev serves the built files (dist/worker-assets): a build under way comes first.
  await build;
  const worker = launchWorker({
    root,
    port: ports.worker,
    log: (line) => console.log(`[worker] ${line}`),
    vars: {
      KALEYRA_API_KEY: apiKey,
      KALEYRA_API_BASE: apiBase,
      KALEYRA_REGION: kaleyra.region,
      KALEYRA_ENVIRONMENT: kaleyra.environment,
      ALLOWED_ORIGINS: `http://localhost:${ports.site},http://127.0.0.1:${ports.site}`,
      AUTH_MODE: 'jwt',
      SITE_JWT_SECRET: siteJwtSecret,
      SITE_JWT_ISSUER,
      SITE_JWT_AUDIENCE,
      SITE_JWT_COOKIE,
      USER_ID_PREFIX: '',
      TOKEN_TTL_SECONDS: config.tokenTtlSeconds,
      // Every refresh reaches Kaleyra (the stand-in), so "break" shows at once.
      TOKEN_CACHE: sandbox ? 'off' : 'on',
      // Token answers name the app: the public page's tag needs only `token-endpoint`.
      KALEYRA_APP_ID: kaleyra.appId,
      ...guestVars(guests),
      // A guest's token lives as long as a signed-in user's: a refresh within minutes here too.
      GUEST_TOKEN_TTL_SECONDS: config.tokenTtlSeconds,
      ...callPageVars({ sandbox, sitePort: ports.site, challengeSrc: guests?.challengeSrc }),
    },
  });
  running.add(worker.stop);
  await worker.ready;
  // The worker serves it: its link comes once the worker answers.
  console.log(`Call page for ${demoUser(ON_CALL_CLINICIAN)?.name}: ${callPage}`);
  void worker.exited.then(() => {
    if (running.stopping) return;
    console.error('The token worker (wrangler dev) stopped unexpectedly: stopping the sandbox.');
    void shutdown(1);
  });

  if (!sandbox) {
    await ensureRealUsers({
      apiBase,
      apiKey,
      environment: kaleyra.environment,
      users: DEMO_USERS,
      log: (line) => console.log(line),
    });
  }
  await build;
  const standInPorts = sandbox
    ? `, Kaleyra REST stand-in ${ports.kaleyra}, Turnstile stand-in ${ports.turnstile}`
    : '';
  console.log(`Ready. Ports: site ${ports.site}, token worker ${ports.worker}${standInPorts}.`);
}

/**
 * The worker's call page (worker/README.md, The call page): for the doctor, named like the
 * clinic, and in the sandbox with the same stand-ins as the site's pages (the SDK's on its
 * relay, so the page reaches the staff page from the worker's origin).
 * @param {{ sandbox: boolean, sitePort: number, challengeSrc?: string }} options
 */
function callPageVars({ sandbox, sitePort, challengeSrc }) {
  return {
    CALL_PAGE_TARGETS: ON_CALL_CLINICIAN,
    CALL_PAGE_TITLE: 'Riverside Family Clinic',
    ...(challengeSrc ? { CALL_PAGE_CHALLENGE_SRC: challengeSrc } : {}),
    ...(sandbox ? { CALL_PAGE_SDK_SRC: `http://localhost:${sitePort}${SDK_STAND_IN_SRC}` } : {}),
  };
}

/**
 * The worker's guest settings (README "Public pages (guests)"). GUEST_LIMITER is the binding of
 * wrangler.jsonc, which `wrangler dev` simulates as committed.
 * @param {{ sitekey: string, secret: string, verifyUrl?: string } | undefined} guests
 */
function guestVars(guests) {
  if (!guests) return { GUEST_ACCESS: 'off' };
  return {
    GUEST_ACCESS: 'turnstile',
    TURNSTILE_SITE_KEY: guests.sitekey,
    ...(guests.verifyUrl ? { TURNSTILE_VERIFY_URL: guests.verifyUrl } : {}),
    TURNSTILE_SECRET_KEY: guests.secret,
    // Fresh at each start: guest tokens of an earlier run are refused, a new challenge follows.
    GUEST_SECRET: randomBytes(32).toString('base64url'),
  };
}

main().catch((err) => {
  if (running.stopping) return; // stopped while starting: not a failure
  const known = [ConfigProblem, PortBusy, BuildFailed, WorkerFailed].some((k) => err instanceof k);
  console.error(known ? err.message : `npm start failed: ${err.stack ?? err}`);
  void shutdown(1);
});
