import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, chromiumPath } from './test/support/chromium.mjs';
import { countReporter } from './test/support/count-reporter.mjs';
import { fakeServers } from './test/support/fake-servers.mjs';
import { rawDist, reactBundle } from './test/support/distribution.mjs';

// Browser tests of <kaleyra-call> and of the stand-ins' browser halves, in the
// system Chromium. The fake servers (a scripted token endpoint per test) and the
// stand-ins (SDK, Turnstile) are served from middleware, so tests use real fetch
// and real <script> loads with no network.
export default {
  files: ['test/component/**/*.test.ts', 'test/sandbox/browser/**/*.test.ts'],
  nodeResolve: true,
  middleware: [fakeServers(), rawDist(), reactBundle()],
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true },
    }),
  ],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  reporters: [
    defaultReporter(),
    summaryReporter({ flatten: false }),
    countReporter('test-results/browser.json'),
  ],
};
