/**
 * JSX typings for React 19: `<kaleyra-call>` in `JSX.IntrinsicElements`.
 * Opt in from one file of the app: `import type {} from 'kaleyra-call/jsx';`
 * (this module needs `@types/react`, so it is not part of the main entry).
 *
 * React 19 sets a prop as a property when the element has one by that name
 * (so `appId`, `layout`, `tokenProvider`… reach the element as values), as an
 * attribute otherwise (`app-id="…"`), and turns `on<event-name>` props into
 * event listeners: `onkaleyra-call-state={(e) => e.detail.state}`. Register the
 * tag (`import 'kaleyra-call/define'`) before the first render so properties
 * are not set as attributes on an unknown element.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { AttributeName, AttributeOf, AttributeValue } from './common/attributes.js';
import type { KaleyraCallEventMap } from './common/events.js';
import type { KaleyraCallElement } from './kaleyra-call.js';

/**
 * The element's HTML attributes, as written in markup, typed from the
 * attribute table. React assigns `connect="click"` to the element's `connect`
 * property, whose setter takes it as `connectOn` (reading `connect` still
 * gives the method).
 */
export type KaleyraCallAttributes = {
  [K in AttributeName as AttributeOf<K>]?: AttributeValue<K>;
};

/** The element's writable properties (objects and functions only work this way). */
export type KaleyraCallProperties = Partial<
  Pick<
    KaleyraCallElement,
    | AttributeName
    | 'authToken'
    | 'tokenProvider'
    | 'layout'
    | 'userDetailsProvider'
    | 'userDetailsFormatter'
    | 'connectTimeout'
  >
>;

/** `onkaleyra-call-state`, `onkaleyra-call-error`, …: one listener prop per event. */
export type KaleyraCallEventProps = {
  [K in keyof KaleyraCallEventMap as `on${K}`]?: (event: KaleyraCallEventMap[K]) => void;
};

/** Everything `<kaleyra-call>` accepts in React 19 JSX. */
export type KaleyraCallJSXProps = DetailedHTMLProps<
  HTMLAttributes<KaleyraCallElement>,
  KaleyraCallElement
> &
  KaleyraCallAttributes &
  KaleyraCallProperties &
  KaleyraCallEventProps;

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'kaleyra-call': KaleyraCallJSXProps;
    }
  }
}
