/**
 * Page defaults: the `data-*` attributes of the script that loaded the CDN
 * bundle (classic or module) are defaults for every element on the page that
 * does not set that attribute itself, the installer's attributes included: the
 * site owner names the endpoint once, editors place bare tags or markers.
 */
import { expect } from '@open-wc/testing';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { agentOf, bundlePage, frame, removeFrames } from './support/host-page.js';

/** Every page default this test sets, by attribute name (the page's endpoint and SDK besides). */
const DEFAULTS = {
  'app-id': 'wAppId_site',
  language: 'it',
  connect: 'manual',
  'call-with': 'front_desk',
  'widget-hidden': '',
  feedback: 'false',
  'challenge-src': '/challenge.js',
  'call-page': 'https://calls.example.com/call',
};

/** What an element holds of them (its properties). */
const held = (el: KaleyraCallElement) => ({
  tokenEndpoint: el.tokenEndpoint,
  sdkSrc: el.sdkSrc,
  appId: el.appId,
  language: el.language,
  connectOn: el.connectOn,
  callWith: el.callWith,
  widgetHidden: el.widgetHidden,
  feedback: el.feedback,
  challengeSrc: el.challengeSrc,
  callPage: el.callPage,
});

describe('page defaults: the loading script’s data- attributes', () => {
  afterEach(removeFrames);

  for (const module of [false, true]) {
    it(`${module ? 'the ES module' : 'the classic script'}: every element without the attribute takes it, installer attributes included; its own attribute wins`, async () => {
      const page = await bundlePage(
        `<kaleyra-call id="bare"></kaleyra-call>
         <kaleyra-call id="own" language="es" connect="click" call-with="dr_rossi" feedback
           token-endpoint="/elsewhere/token" call-page="none"></kaleyra-call>`,
        { defaults: DEFAULTS, module },
      );
      const win = (await frame(page.path)).contentWindow!;
      const h = agentOf(win);
      const bare = h.el('#bare');
      await h.until(() => win.customElements.get('kaleyra-call'), 'the bundle');
      const expected = {
        tokenEndpoint: page.token,
        sdkSrc: page.sdk,
        appId: 'wAppId_site',
        language: 'it',
        connectOn: 'manual',
        callWith: 'front_desk',
        widgetHidden: true,
        feedback: false,
        challengeSrc: '/challenge.js',
        callPage: 'https://calls.example.com/call',
      };
      expect(held(bare)).to.deep.equal(expected);
      expect(held(h.el('#own'))).to.deep.equal({
        ...expected,
        tokenEndpoint: '/elsewhere/token',
        language: 'es',
        connectOn: 'click',
        callWith: 'dr_rossi',
        feedback: true,
        callPage: 'none',
      });
      // An element made later takes them too.
      const later = win.document.createElement('kaleyra-call');
      win.document.body.append(later);
      expect(held(later)).to.deep.equal(expected);
      // And they work: the bare tag connects with the page's endpoint and SDK, in Italian.
      await bare.connect();
      expect(bare.state).to.equal('connected');
      expect((await page.log()).map((e) => e.kind)).to.have.members(['token', 'sdk']);
      expect(h.requests()).to.include('script /fake/raw/dist/kaleyra-call.runtime.it');
    });
  }

  it('only the loading script’s: another script’s data- attributes are not defaults', async () => {
    const page = await bundlePage('<kaleyra-call></kaleyra-call>', {
      head: '<script data-language="es" data-token-endpoint="/analytics/collect">void 0</script>',
      defaults: { connect: 'manual' },
    });
    const h = agentOf((await frame(page.path)).contentWindow!);
    const el = h.el();
    expect({ tokenEndpoint: el.tokenEndpoint, language: el.language }).to.deep.equal({
      tokenEndpoint: page.token,
      language: undefined,
    });
  });
});
