/**
 * The sandbox's services for the WordPress tests, reused from the sandbox (`npm start`) and
 * imported here only, so that a move of its folders changes this file alone: the Kaleyra REST
 * stand-in, the Turnstile stand-in, the token worker under `wrangler dev` (guests on, through
 * the stand-in) and the SDK stand-in's browser files.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SANDBOX_APP_ID } from '../../../demo/server/config.mjs';
import { launchWorker } from '../../../demo/server/worker.mjs';
import { startKaleyraStandIn } from '../../../sandbox/kaleyra-rest/server.mjs';
import {
  SDK_STANDIN_BUNDLE,
  MEDIA_CLIENT_FILE,
  ensureSdkStandIn,
} from '../../../sandbox/kaleyra-sdk/build.mjs';
import { SANDBOX_SITE } from '../../../sandbox/turnstile/api.mjs';
import { startTurnstileStandIn } from '../../../sandbox/turnstile/server.mjs';

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * The Kaleyra REST stand-in and the Turnstile stand-in, now; the worker, started at once and ready
 * when `workerReady` resolves. `origins`: the sites the worker serves (ALLOWED_ORIGINS).
 * @param {{ workerPort: number, origins: string[], log?: (line: string) => void }} options
 */
export async function startSandbox({ workerPort, origins, log = () => {} }) {
  const stops = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
  };
  try {
    const apiKey = `ak_sandbox_${randomBytes(12).toString('hex')}`;
    const kaleyra = await startKaleyraStandIn({ apiKey, users: [] });
    stops.push(kaleyra.close);
    const turnstile = await startTurnstileStandIn();
    stops.push(turnstile.close);

    const worker = launchWorker({
      root: ROOT,
      port: workerPort,
      log: (line) => log(`[worker] ${line}`),
      vars: {
        KALEYRA_API_KEY: apiKey,
        KALEYRA_API_BASE: kaleyra.apiBase,
        KALEYRA_APP_ID: SANDBOX_APP_ID,
        ALLOWED_ORIGINS: origins.join(','),
        // Nobody signs in to the token worker here: every visitor becomes a guest.
        AUTH_MODE: 'jwt',
        SITE_JWT_SECRET: randomBytes(32).toString('base64url'),
        SITE_JWT_ISSUER: 'https://wordpress.test',
        SITE_JWT_AUDIENCE: 'kaleyra-call',
        USER_ID_PREFIX: '',
        TOKEN_CACHE: 'off',
        GUEST_ACCESS: 'turnstile',
        TURNSTILE_SITE_KEY: SANDBOX_SITE.sitekey,
        TURNSTILE_SECRET_KEY: SANDBOX_SITE.secret,
        TURNSTILE_VERIFY_URL: turnstile.siteverifyUrl,
        GUEST_SECRET: randomBytes(32).toString('base64url'),
      },
    });
    stops.push(worker.stop);

    return {
      tokenEndpoint: `http://127.0.0.1:${workerPort}/v1/token`,
      workerOrigin: `http://127.0.0.1:${workerPort}`,
      challengeSrc: `${turnstile.scriptUrl}?render=explicit`,
      turnstileOrigin: turnstile.url,
      workerReady: worker.ready,
      /** The REST stand-in's signing key: the SDK stand-in then checks tokens as Kaleyra would. */
      signingSecret: kaleyra.standIn.control.signingSecret,
      appId: SANDBOX_APP_ID,
      /** Every Kaleyra REST call the worker made, oldest first. */
      kaleyraCalls: () => kaleyra.standIn.control.calls(),
      turnstile: turnstile.standIn,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Copies the SDK stand-in's script (built when stale) and the media client it loads from
 * beside itself into `folder`; resolves to the script's file name there.
 */
export async function copySdkStandIn(folder) {
  await ensureSdkStandIn();
  mkdirSync(folder, { recursive: true });
  for (const file of [SDK_STANDIN_BUNDLE, MEDIA_CLIENT_FILE]) {
    copyFileSync(file, join(folder, basename(file)));
  }
  return basename(SDK_STANDIN_BUNDLE);
}
