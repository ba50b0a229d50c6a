/**
 * Editor previews (docs/architecture.md, Editor previews): where a page is an
 * editor's preview, a call cannot work (no camera, another origin, a frame
 * without storage) and an editor should not meet an error. There the element
 * is an inert placeholder that makes no request of any kind.
 */

/** Editors' canvases by host name: Webflow's Designer, Wix's Editor. */
export const EDITOR_HOSTS = /(^|\.)(canvas|design)\.webflow\.com$|^editor\.wix\.com$/;

/** Whether `element` stands in an editor's preview. */
export function inEditor(element: Element): boolean {
  return (
    // A sandboxed frame (WordPress's Custom HTML preview, say) has an opaque origin.
    self.origin === 'null' ||
    // Shopify's theme editor.
    !!(window as { Shopify?: { designMode?: unknown } }).Shopify?.designMode ||
    EDITOR_HOSTS.test(location.hostname) ||
    // WordPress's block editor canvas (framed or not).
    !!element.closest('.editor-styles-wrapper')
  );
}
