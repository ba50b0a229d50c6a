/**
 * The two CDN files each hold a copy of the error and event classes, and a
 * page may hold two builds (a CDN file and an npm build): `instanceof` must
 * recognise every copy's errors and events.
 */
import { expect } from '@open-wc/testing';
import { KaleyraCallError } from '../../component/shared/errors.js';
import { KaleyraCallEvent } from '../../component/shared/events.js';

type Errors = typeof import('../../component/shared/errors.js');
type Events = typeof import('../../component/shared/events.js');

/**
 * Another copy of a module: another URL is another module instance, with its
 * own classes. (The test server compiles the TypeScript source it names.)
 */
const copy = <T>(path: string): Promise<T> =>
  import(`${new URL(path, import.meta.url).href}?copy=${Math.random()}`);

describe('errors and events of another copy of the bundle', () => {
  it('KaleyraCallError: an error of another copy is an instance; other errors are not', async () => {
    const other = await copy<Errors>('../../component/shared/errors.ts');
    expect(other.KaleyraCallError).not.to.equal(KaleyraCallError);
    const error = new other.KaleyraCallError({ phase: 'call', code: 'not_connected' });
    expect(error instanceof KaleyraCallError).to.equal(true);
    expect(
      new KaleyraCallError({ phase: 'sdk', code: 'x' }) instanceof other.KaleyraCallError,
    ).to.equal(true);
    expect(new Error('not_connected') instanceof KaleyraCallError).to.equal(false);
    expect(
      Object.assign(new Error('x'), { code: 'x', phase: 'call' }) instanceof KaleyraCallError,
    ).to.equal(false);
    expect((null as unknown as object) instanceof KaleyraCallError).to.equal(false);
    // Still an Error, with its fields.
    expect(error).to.be.instanceOf(Error);
    expect(error).to.include({
      name: 'KaleyraCallError',
      phase: 'call',
      code: 'not_connected',
      fatal: true,
    });
  });

  it('KaleyraCallEvent: an event of another copy is an instance; other events are not', async () => {
    const other = await copy<Events>('../../component/shared/events.ts');
    expect(other.KaleyraCallEvent).not.to.equal(KaleyraCallEvent);
    const event = new other.KaleyraCallEvent('kaleyra-call-ready', { userId: 'u' });
    expect(event instanceof KaleyraCallEvent).to.equal(true);
    expect(new CustomEvent('click') instanceof KaleyraCallEvent).to.equal(false);
    expect(new Event('kaleyra-call-ready') instanceof KaleyraCallEvent).to.equal(false);
    expect(event).to.include({ bubbles: true, composed: true });
  });
});
