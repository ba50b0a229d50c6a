/**
 * The CDN files' entry (`kaleyra-call.js`, `kaleyra-call.iife.js`;
 * rollup.config.mjs): the one bundle a page pastes. While it runs it reads the
 * script tag that loads it (its `data-*` defaults and its nonce: facade/page.ts),
 * then registers `<kaleyra-call>` and upgrades the page's markers
 * (facade/markers.ts), now and whenever one appears; and it lends the runtime
 * files the shared modules. It exports `mount()`; the
 * classic file as `window.KaleyraCall.mount`.
 */
import { readLoadingScript } from './facade/page.js';
import { HERE } from './facade/runtime-loader.cdn.js';
import { watchMarkers } from './facade/markers.js';
import { mount } from './facade/mount.js';
import { KaleyraCallElement } from './kaleyra-call.js';
import * as attributes from './common/attributes.js';
import * as clock from './common/clock.js';
import * as errors from './common/errors.js';
import * as events from './common/events.js';
import * as scripts from './common/scripts.js';

declare const __VERSION__: string;

// The runtime files of this build take these from here (rollup.config.mjs,
// fromFacade), on the registry where they register themselves: one copy per
// page, so an error or an event is of one class whichever file made it.
const g = globalThis as unknown as Record<symbol, Map<string, object> | undefined>;
(g[Symbol.for('kaleyra-call.builds')] ??= new Map()).set(__VERSION__, {
  attributes,
  clock,
  errors,
  events,
  scripts,
});

// (A browser's file: no server renderer loads it.) Before any element is made,
// so that the defaults apply to the elements already in the page.
readLoadingScript(HERE);
KaleyraCallElement.define();
watchMarkers();

export { KaleyraCallElement, mount };
