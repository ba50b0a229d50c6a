/**
 * The widget's face, drawn into its iframe. The iframe has no `src` (an about:blank document of
 * the page's origin), and everything is built with DOM and CSSOM calls, so a page's CSP needs no
 * inline style or script for it. Listeners sit on elements that each redraw replaces, so they
 * go with them.
 */

/**
 * @param {HTMLIFrameElement} iframe
 * @param {{ state: string, strings: Record<string, string>, lang: string, theme: string,
 *   manualRefresh: boolean, onVerify: () => void, onRefresh: () => void }} view
 */
export function drawFrame(iframe, view) {
  const doc = iframe.contentDocument;
  if (!doc || !doc.body) return;
  const { strings } = view;
  doc.documentElement.lang = view.lang;
  doc.title = strings.title;
  const dark =
    view.theme === 'dark' ||
    (view.theme === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches);
  doc.documentElement.style.height = '100%';
  Object.assign(doc.body.style, {
    margin: '0',
    height: '100%',
    boxSizing: 'border-box',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: '8px',
    padding: '0 12px',
    font: '14px system-ui, sans-serif',
    background: dark ? '#232323' : '#fafafa',
    color: dark ? '#f2f2f2' : '#232323',
    border: `1px solid ${dark ? '#666' : '#e0e0e0'}`,
  });

  const main = doc.createElement('div');
  main.setAttribute('role', 'status');
  const text = (/** @type {string} */ value) => main.append(doc.createTextNode(value));
  switch (view.state) {
    case 'interactive': {
      main.removeAttribute('role');
      const label = doc.createElement('label');
      label.style.display = 'flex';
      label.style.alignItems = 'center';
      label.style.gap = '8px';
      label.style.cursor = 'pointer';
      const box = doc.createElement('input');
      box.type = 'checkbox';
      box.style.width = '22px';
      box.style.height = '22px';
      box.addEventListener('click', view.onVerify);
      label.append(box, doc.createTextNode(strings.verify));
      main.append(label);
      break;
    }
    case 'running':
      text(strings.verifying);
      break;
    case 'success':
      text(strings.success);
      break;
    case 'error':
      text(strings.failed);
      break;
    case 'expired':
    case 'timeout':
      text(view.state === 'expired' ? strings.expired : strings.timedOut);
      if (view.manualRefresh) {
        const button = doc.createElement('button');
        button.type = 'button';
        button.textContent = strings.refresh;
        button.style.marginInlineStart = '8px';
        button.addEventListener('click', view.onRefresh);
        main.append(button);
      }
      break;
    default:
      break;
  }
  const brand = doc.createElement('small');
  brand.textContent = strings.brand;
  brand.style.opacity = '0.7';
  doc.body.replaceChildren(main, brand);
}
