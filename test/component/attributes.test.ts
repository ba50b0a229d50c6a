/** The attribute table and what derives from it at run time. */
import { expect } from '@open-wc/testing';
import { ATTRIBUTES, attributeOf } from '../../component/common/attributes.js';
import { VALUES } from '../../component/common/values.js';
import { validateConfig } from '../../component/runtime/validate.js';
import { KaleyraCallElement } from '../../component/kaleyra-call.js';
import '../../component/define.js';

describe('the attribute table', () => {
  it('declares every attribute as a Lit property under its kebab-case name', () => {
    const observed = (KaleyraCallElement as unknown as { observedAttributes: string[] })
      .observedAttributes;
    for (const name of Object.keys(ATTRIBUTES) as (keyof typeof ATTRIBUTES)[]) {
      expect(observed).to.include(attributeOf(name));
    }
    expect(attributeOf('connectOn')).to.equal('connect');
    expect(attributeOf('recordingType')).to.equal('recording');
    expect(attributeOf('region')).to.equal('region');
  });

  it('gives a new element the table’s defaults, and none where the table has none', () => {
    const el = document.createElement('kaleyra-call');
    expect(el.connectOn).to.equal('auto');
    expect(el.credentials).to.equal('same-origin');
    expect(el.tools).to.equal('chat');
    expect(el.headless).to.equal(false);
    // The app, region and environment come from the token endpoint unless the page sets them.
    expect(el.appId).to.equal(undefined);
    expect(el.region).to.equal(undefined);
    expect(el.environment).to.equal(undefined);
    expect(el.virtualBackground).to.equal(undefined);
  });

  it('reads attributes into the typed properties (booleans included)', () => {
    const el = document.createElement('kaleyra-call');
    el.setAttribute('call-type', 'audio_only');
    el.setAttribute('widget-hidden', '');
    el.setAttribute('connect', 'manual');
    expect(el.callType).to.equal('audio_only');
    expect(el.widgetHidden).to.equal(true);
    expect(el.connectOn).to.equal('manual');
  });
});

describe('the table of allowed values', () => {
  it('names only attributes of the attribute table, and gives each a value list', () => {
    for (const [name, spec] of Object.entries(VALUES)) {
      expect(ATTRIBUTES, name).to.have.property(name);
      expect(spec.values.split(' ').length, name).to.be.above(1);
    }
  });
});

describe('validateConfig', () => {
  const valid = { appId: 'wAppId_1', tokenEndpoint: '/t', region: 'eu', tools: 'chat' };

  it('accepts a valid configuration', () => {
    expect(validateConfig(valid, ['appId', 'tokenEndpoint'])).to.equal(undefined);
  });

  it('names the first missing required attribute, blank counting as missing', () => {
    const missing = (attribute: string) => ({ code: 'missing_attribute', attribute });
    expect(validateConfig({ ...valid, appId: '  ' }, ['appId', 'tokenEndpoint'])).to.deep.equal(
      missing('app-id'),
    );
    expect(validateConfig({ region: 'eu' }, ['appId', 'tokenEndpoint'])).to.deep.equal(
      missing('app-id'),
    );
    expect(validateConfig({ appId: 'wAppId_1' }, ['appId', 'tokenEndpoint'])).to.deep.equal(
      missing('token-endpoint'),
    );
  });

  it('names a value outside the allowed list, with the allowed values', () => {
    expect(validateConfig({ ...valid, region: 'mars' }, [])).to.deep.equal({
      code: 'invalid_attribute',
      attribute: 'region',
      value: 'mars',
      allowed: 'eu, in, us, me',
    });
    expect(validateConfig({ ...valid, recordingType: 'always' }, [])).to.include({
      attribute: 'recording',
      value: 'always',
    });
  });

  it('checks each word of a list attribute', () => {
    expect(validateConfig({ ...valid, tools: 'chat  whiteboard' }, [])).to.equal(undefined);
    expect(validateConfig({ ...valid, tools: 'chat video whiteboard' }, [])).to.include({
      attribute: 'tools',
      value: 'video',
    });
  });

  it('leaves free-text attributes and empty values alone', () => {
    expect(validateConfig({ ...valid, label: 'anything', region: '' }, [])).to.equal(undefined);
  });
});
