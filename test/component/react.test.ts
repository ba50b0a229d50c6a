/**
 * <kaleyra-call> rendered by React 19 (react-dom in the page, development
 * build, served by test/support/distribution.mjs), against the fake token
 * endpoint and the SDK stand-in. The props are typed by component/jsx.ts, the
 * JSX typings users opt into, so these tests also hold the typings to what
 * React really does: kebab-case props become attributes, props the element
 * has become properties, `on<event-name>` props become listeners.
 */
import { expect } from '@open-wc/testing';
import type * as ReactTypes from 'react';
import type { flushSync as FlushSync } from 'react-dom';
import type { createRoot as CreateRoot, Root } from 'react-dom/client';
import type {} from '../../component/jsx.js';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { fake, type Fake } from './support/fake-backend.js';
import { freshPage } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { untilState } from './support/waits.js';

type Props = ReactTypes.JSX.IntrinsicElements['kaleyra-call'];

interface ReactModules {
  React: typeof ReactTypes;
  createRoot: typeof CreateRoot;
  flushSync: typeof FlushSync;
}

describe('<kaleyra-call> in React 19', () => {
  let R: ReactModules;
  let container: HTMLDivElement;
  let root: Root | undefined;

  before(async () => {
    const url = '/fake/react.js';
    R = (await import(url)) as ReactModules;
  });

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = R.createRoot(container);
  });

  afterEach(async () => {
    root?.unmount();
    root = undefined;
    container.remove();
    await freshPage();
  });

  /** Renders `node` now (not on React's next tick). */
  function render(node: ReactTypes.ReactNode): void {
    R.flushSync(() => root!.render(node));
  }

  function element(): KaleyraCallElement {
    const el = container.querySelector('kaleyra-call');
    if (!el) throw new Error('React rendered no <kaleyra-call>');
    return el;
  }

  /** The props every test needs: the fake backend, 2 s to connect. */
  function base(f: Fake): Props {
    return {
      'app-id': 'wAppId_react',
      'sdk-src': f.sdk,
      tokenEndpoint: f.token,
      connectTimeout: 2000,
    };
  }

  it('sets kebab-case props as attributes and camelCase props as properties', async () => {
    const f = await fake({ token: [{ user: 'user_react' }] });
    const layout = { launcher: { background: '#123456' } };
    const userDetailsFormatter = (user: object) => `name of ${JSON.stringify(user)}`;
    render(
      R.React.createElement('kaleyra-call', {
        ...base(f),
        region: 'in',
        'widget-hidden': true,
        label: 'Talk to us',
        layout,
        userDetailsFormatter,
      } satisfies Props),
    );
    const el = element();

    // Attributes: the element reads them like markup attributes.
    expect(el.getAttribute('app-id')).to.equal('wAppId_react');
    expect(el.appId).to.equal('wAppId_react');
    expect(el.getAttribute('widget-hidden')).to.equal('');
    expect(el.widgetHidden).to.equal(true);
    // Properties: set directly, no attribute written (objects and functions could not be).
    expect(el.tokenEndpoint).to.equal(f.token);
    expect(el.hasAttribute('token-endpoint')).to.equal(false);
    expect(el.layout).to.equal(layout);

    await untilState(el, 'connected');
    const config = sdkStandIn().lastConfig!;
    expect(config.appId).to.equal('wAppId_react');
    expect(config.region).to.equal('in');
    expect(config.hidden).to.equal(true);
    expect(config.layout).to.deep.equal(layout);
    expect(config.userDetailsFormatter).to.equal(userDetailsFormatter);
    expect(el.userId).to.equal('user_react');
    expect(el.shadowRoot!.textContent).to.contain('Talk to us');
  });

  it('calls on<event> props for the element’s events, and swaps them on re-render', async () => {
    const f = await fake();
    const states: string[] = [];
    const ready: string[] = [];
    const tokens: string[] = [];
    const sdkFirst: string[] = [];
    const sdkSecond: string[] = [];
    const props = (onSdk: (type: string) => void): Props => ({
      ...base(f),
      'onkaleyra-call-state': (e) => states.push(e.detail.state),
      'onkaleyra-call-ready': (e) => ready.push(e.detail.userId),
      'onkaleyra-call-token': (e) => tokens.push(e.detail.expiresAt),
      'onkaleyra-call-sdk': (e) => onSdk(e.detail.type),
    });
    render(
      R.React.createElement(
        'kaleyra-call',
        props((t) => sdkFirst.push(t)),
      ),
    );
    await untilState(element(), 'connected');

    expect(states).to.deep.equal(['loading', 'connecting', 'connected']);
    expect(ready).to.deep.equal(['user_1']);
    expect(tokens).to.have.length(1);
    expect(Date.parse(tokens[0]!)).to.be.above(Date.now());

    sdkStandIn().emit('user:status:changed', { userId: 'user_2', status: 'online' });
    render(
      R.React.createElement(
        'kaleyra-call',
        props((t) => sdkSecond.push(t)),
      ),
    );
    sdkStandIn().emit('user:status:changed', { userId: 'user_2', status: 'offline' });
    expect(sdkFirst).to.deep.equal(['user:status:changed']);
    expect(sdkSecond).to.deep.equal(['user:status:changed']);
  });

  it('creates one SDK client under StrictMode, whose effects mount twice', async () => {
    const f = await fake({ sdk: [{ delayMs: 100 }] });
    const errors: string[] = [];
    const effects: string[] = [];
    // The pattern of the React recipe (docs/frameworks.md) for manual start: connect() in an
    // effect, disconnect() in its cleanup. StrictMode runs mount → cleanup → mount.
    function Call() {
      const ref = R.React.useRef<KaleyraCallElement>(null);
      R.React.useEffect(() => {
        const el = ref.current!;
        effects.push('connect');
        el.connect().catch(() => {});
        return () => {
          effects.push('disconnect');
          void el.disconnect();
        };
      }, []);
      return R.React.createElement('kaleyra-call', {
        ...base(f),
        ref,
        connectOn: 'manual',
        'onkaleyra-call-error': (e) => errors.push(e.detail.code),
      } satisfies Props);
    }
    render(R.React.createElement(R.React.StrictMode, null, R.React.createElement(Call)));
    const el = element();
    await untilState(el, 'connected');

    expect(effects, 'StrictMode ran the effect twice').to.deep.equal([
      'connect',
      'disconnect',
      'connect',
    ]);
    expect(sdkStandIn().count('configure')).to.equal(1);
    expect(sdkStandIn().count('connect')).to.equal(1);
    expect(errors).to.deep.equal([]);
    expect(container.querySelectorAll('kaleyra-call')).to.have.length(1);
  });

  it('keeps the one SDK client when a re-render replaces the element', async () => {
    const f = await fake();
    const tree = (key: string) =>
      R.React.createElement(
        R.React.StrictMode,
        null,
        R.React.createElement('kaleyra-call', { ...base(f), key } satisfies Props),
      );
    render(tree('first'));
    const first = element();
    await untilState(first, 'connected');

    render(tree('second'));
    const second = element();
    expect(second).not.to.equal(first);
    await untilState(second, 'connected');
    // The replaced element has left the session (which the new one keeps).
    await untilState(first, 'disconnected');

    expect(first.isConnected).to.equal(false);
    expect(sdkStandIn().count('configure')).to.equal(1);
    expect(sdkStandIn().count('destroyClient')).to.equal(0);
    expect(second.userId).to.equal('user_1');
  });

  it('tears the session down when the React root unmounts', async () => {
    const f = await fake();
    render(R.React.createElement('kaleyra-call', base(f)));
    const el = element();
    await untilState(el, 'connected');
    const disconnected = new Promise<string>((resolve) =>
      el.addEventListener('kaleyra-call-disconnected', (e) => resolve(e.detail.reason)),
    );

    root!.unmount();
    root = undefined;

    expect(await disconnected).to.equal('removed');
    expect(sdkStandIn().count('destroyClient')).to.equal(1);
    expect(el.state).to.equal('disconnected');
  });
});
