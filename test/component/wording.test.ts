/**
 * One wording for every failure (docs/architecture.md, Messages): each
 * rejection of a method and each `kaleyra-call-error` event carries the
 * detail in the element's language as its `message`, whoever made the error
 * (the element's own checks, the session, the token endpoint, the SDK).
 */
import { expect } from '@open-wc/testing';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { KaleyraCallError } from '../../component/common/errors.js';
import { fake } from './support/fake-backend.js';
import { freshPage, mount } from './support/page.js';
import { record, until, untilState } from './support/waits.js';

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('resolved'),
    (e: unknown) => e as KaleyraCallError,
  );

const LANGUAGES = {
  en: {
    not_connected: 'The video call is not connected: call connect() first.',
    disconnected: 'disconnect() was called, or the element left the page, before connecting.',
    no_callee: 'No one to call: set call-with, or pass user ids to startCall().',
    missing_attribute: 'The "token-endpoint" attribute is missing.',
    not_found: 'answered 404. Check the token-endpoint attribute.',
  },
  it: {
    not_connected: 'La videochiamata non è connessa: chiama prima connect().',
    disconnected:
      "È stato chiamato disconnect(), o l'elemento ha lasciato la pagina, prima della connessione.",
    no_callee: 'Nessuno da chiamare: imposta call-with o passa gli id utente a startCall().',
    missing_attribute: `Manca l'attributo "token-endpoint".`,
    not_found: `ha risposto 404. Controlla l'attributo token-endpoint.`,
  },
  es: {
    not_connected: 'La videollamada no está conectada: llama antes a connect().',
    disconnected: 'Se llamó a disconnect(), o el elemento dejó la página, antes de conectar.',
    no_callee: 'Nadie a quien llamar: define call-with o pasa ids de usuario a startCall().',
    missing_attribute: 'Falta el atributo "token-endpoint".',
    not_found: 'respondió 404. Revisa el atributo token-endpoint.',
  },
} as const;

describe('<kaleyra-call> words every failure in its language', () => {
  afterEach(freshPage);

  for (const [language, words] of Object.entries(LANGUAGES)) {
    describe(`language="${language}"`, () => {
      const attrs = { language };

      it('a method called before connecting rejects with not_connected, worded', async () => {
        const f = await fake();
        const el = mount(f, { connect: 'manual', attrs });
        await el.updateComplete;
        for (const call of [
          (e: KaleyraCallElement) => e.startCall(['bob']),
          (e: KaleyraCallElement) => e.openChat('bob'),
          (e: KaleyraCallElement) => e.openWidget(),
        ]) {
          const error = await rejection(call(el));
          expect(error).to.be.instanceOf(KaleyraCallError);
          expect(error).to.include({ code: 'not_connected', message: words.not_connected });
        }
      });

      it('a connect() interrupted by disconnect() rejects with disconnected, worded', async () => {
        // While the token request is under way (the runtime has loaded).
        const f = await fake({ token: [{ delayMs: 400 }] });
        const el = mount(f, { connect: 'manual', attrs });
        await el.updateComplete;
        const waiting = el.connect();
        await untilState(el, 'loading');
        await el.disconnect();
        const error = await rejection(waiting);
        expect(error).to.include({ code: 'disconnected', message: words.disconnected });
      });

      it('disconnect() while the runtime loads refuses the waiting connect(), worded', async () => {
        const f = await fake();
        const el = mount(f, { connect: 'manual', attrs });
        await el.updateComplete;
        const waiting = el.connect();
        void el.disconnect();
        const error = await rejection(waiting);
        expect(error).to.include({ code: 'disconnected', message: words.disconnected });
      });

      it('a check of the launcher’s target rejects and reports the same words', async () => {
        const f = await fake();
        const el = mount(f, { attrs });
        await untilState(el, 'connected');
        const errors = record(el, 'kaleyra-call-error');
        const error = await rejection(el.startCall());
        expect(error).to.include({ code: 'no_callee', message: words.no_callee });
        expect(errors.map((e) => e.detail.message)).to.deep.equal([words.no_callee]);
      });

      it('an attribute problem’s event is worded', async () => {
        const el = document.createElement('kaleyra-call');
        el.setAttribute('language', language);
        const errors = record(el, 'kaleyra-call-error');
        document.body.append(el);
        await untilState(el, 'error');
        await until(() => errors.length);
        expect(errors[0]!.detail).to.include({
          code: 'missing_attribute',
          message: words.missing_attribute,
        });
        const error = await rejection(el.connect());
        expect(error).to.include({ code: 'missing_attribute', message: words.missing_attribute });
      });

      it('a token endpoint’s 404 is worded in the event and in the rejection', async () => {
        const f = await fake({ token: [{ status: 404, body: { error: { code: 'not_found' } } }] });
        const el = mount(f, { connect: 'manual', attrs });
        const errors = record(el, 'kaleyra-call-error');
        const error = await rejection(el.connect());
        expect(error.code).to.equal('not_found');
        expect(error.message).to.contain(f.token).and.to.contain(words.not_found);
        expect(errors.map((e) => e.detail.message)).to.deep.equal([error.message]);
      });
    });
  }
});
