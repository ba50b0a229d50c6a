import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { bundleOutbound } from './test/worker/support/bundle-outbound.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));

// Test-only credentials: fake values that exist nowhere else. The log-capture
// check (test/worker/support/log-capture.ts) asserts none of them is ever logged.
const testSecrets = {
  KALEYRA_API_KEY: 'ak_test_3f9c2e7a1b6d4f08a5c1e9b7d2f4a6c8',
  SITE_JWT_SECRET: 'site-test-secret-7e1f0c9a4b2d6e8f3a5c7b9d1e3f5a7c',
  KALEYRA_SIGNING_SECRET: 'kaleyra-test-signing-9d8c7b6a5f4e3d2c1b0a',
  TURNSTILE_SECRET_KEY: '0x4AAAAAAATestSecret5e8a1c3f7b9d2e4a6c',
  GUEST_SECRET: 'guest-test-secret-4b7e9a1c3d5f7a9b1c3e5d7f9a',
};
// The Turnstile site of the tests (public, unlike the secrets): the stand-in knows it with
// TURNSTILE_SECRET_KEY. Guest tests turn GUEST_ACCESS on themselves (harness.ts, guestSetup).
const testSite = { TURNSTILE_SITE_KEY: '0x4AAAAAAATestSiteKey0001' };

// Worker tests run inside workerd (the real Workers runtime) via Miniflare,
// with the bindings of wrangler.jsonc plus the test secrets above. Every
// outbound fetch goes to the `outbound` worker: Kaleyra REST stand-ins, JWKS hosts and
// Turnstile stand-ins,
// run from a bundle because Miniflare loads an auxiliary worker without resolving
// its package imports (test/worker/support/bundle-outbound.mjs).
const outbound = await bundleOutbound();

// The worker deploys the element's built files (wrangler.jsonc `assets`), whose folder must
// exist for workerd to start. Before a first `npm run build` it is made empty, so the worker's
// tests run and those of the files (assets.test.ts) say what is missing.
mkdirSync(fileURLToPath(new URL('dist/worker-assets', import.meta.url)), { recursive: true });

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: { ...testSecrets, ...testSite, KALEYRA_API_BASE: 'https://main.kaleyra.test/v2' },
        outboundService: 'outbound',
        workers: [
          {
            name: 'outbound',
            modules: true,
            modulesRoot: root,
            scriptPath: outbound,
            compatibilityDate: '2026-04-20',
            bindings: { ...testSecrets, ...testSite },
          },
        ],
      },
    }),
  ],
  test: {
    include: ['test/worker/**/*.test.ts', 'test/sandbox/workerd/**/*.test.ts'],
    setupFiles: ['./test/worker/support/log-capture.ts'],
    globalSetup: ['./test/worker/support/global-setup.ts'],
  },
});
