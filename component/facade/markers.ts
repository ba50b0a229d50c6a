/**
 * Markers (docs/architecture.md, Host pages): `<div data-kaleyra-call
 * data-call-with="…">`, which CMS sanitizers keep for every role where they
 * remove `<script>` and unknown tags. Each marker on the page, there at load
 * or added later (a tag manager, an SPA route, a re-rendered CMS section), gets
 * one element placed inside it with the marker's attributes, once however often
 * it is seen; removing the marker removes the element, which tears down.
 *
 * A marker is content: what only whoever installs the element may set (where
 * tokens come from, which scripts and pages it loads) is never taken from it.
 */
import { childElement } from './mount.js';
import { fromData } from './page.js';

const SELECTOR = '[data-kaleyra-call]';

/** Upgrades the markers of the page now and whenever one appears. */
export function watchMarkers(): void {
  const upgrade = (node: Node) => {
    if (!(node instanceof Element)) return;
    for (const marker of [node, ...node.querySelectorAll(SELECTOR)]) {
      if (!marker.matches(SELECTOR)) continue;
      // Its element, or a new one: a section re-rendered from its own HTML holds an
      // element again, without the marker's values (they are properties, not attributes).
      const element = childElement(marker);
      for (const [name, value] of fromData(marker, false)) {
        (element as unknown as Record<string, unknown>)[name] = value;
      }
    }
  };
  new MutationObserver((records) => {
    for (const record of records) record.addedNodes.forEach(upgrade);
  }).observe(document, { childList: true, subtree: true });
  upgrade(document.documentElement);
}
