// A node:test reporter that writes pass/fail counts to the file named by
// NODE_TEST_COUNTS, for test/run-all.mjs.
import { writeFileSync } from 'node:fs';

export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    // Only leaf tests count; suites report their own pass/fail too.
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else counts.failed++;
  }
  writeFileSync(process.env.NODE_TEST_COUNTS, JSON.stringify(counts));
  yield '';
}
