import { describe, expect, inject, it } from 'vitest';

// The bundle is built in Node by support/global-setup.ts (`wrangler deploy --dry-run`).
const BUDGET_GZIP_BYTES = 60 * 1024;

describe('deployable bundle', () => {
  const bundle = inject('workerBundle');

  it('wrangler deploy --dry-run succeeds', () => {
    expect(bundle.output).toBe('');
    expect(bundle.ok).toBe(true);
    expect(bundle.bytes).toBeGreaterThan(0);
  });

  it(`stays within the ${BUDGET_GZIP_BYTES / 1024} KiB gzip budget`, () => {
    expect(bundle.gzipBytes).toBeGreaterThan(0);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });
});
