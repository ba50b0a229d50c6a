/**
 * The "Video call" block in the editor: its settings in the sidebar, and in the canvas an
 * inert stand-in of the launcher. Nothing here loads the element, asks for a token, loads
 * the SDK or a challenge: the block is rendered by PHP on the published page only.
 */
import { InspectorControls, useBlockProps } from '@wordpress/block-editor';
import { registerBlockType } from '@wordpress/blocks';
import { CheckboxControl, PanelBody, SelectControl, TextControl } from '@wordpress/components';
import { Fragment, createElement as el, type Element } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

interface Attributes {
  callWith: string;
  chatWith: string;
  joinUrl: string;
  label: string;
  connect: string;
  language: string;
  tools: string;
  placement: string;
}

const DOMAIN = 'kaleyra-call';
const USER_ID = /^[A-Za-z0-9._-]{1,128}$/;
const TOOLS = [
  'chat',
  'screen_sharing',
  'file_upload',
  'whiteboard',
  'snapshot',
  'live_edit',
  'live_pointer',
] as const;

/** The element's launcher, as its default styles draw it (component/kaleyra-call.styles.ts). */
const LAUNCHER_STYLE = {
  minHeight: '44px',
  padding: '0.6em 1.2em',
  border: 0,
  borderRadius: '99px',
  background: '#0b5cad',
  color: '#fff',
  fontWeight: 600,
  fontSize: 'inherit',
  cursor: 'default',
  opacity: 1,
};

const isHttpsUrl = (value: string): boolean => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};

/** A tool's name, for its checkbox. */
function toolLabel(tool: (typeof TOOLS)[number]): string {
  switch (tool) {
    case 'chat':
      return __('Chat', DOMAIN);
    case 'screen_sharing':
      return __('Screen sharing', DOMAIN);
    case 'file_upload':
      return __('File upload', DOMAIN);
    case 'whiteboard':
      return __('Whiteboard', DOMAIN);
    case 'snapshot':
      return __('Snapshot', DOMAIN);
    case 'live_edit':
      return __('Live edit', DOMAIN);
    case 'live_pointer':
      return __('Live pointer', DOMAIN);
  }
}

/** What is wrong with the values, one sentence each (the published page leaves such a value out). */
function problems(a: Attributes): string[] {
  const found: string[] = [];
  if (a.callWith && !USER_ID.test(a.callWith)) {
    found.push(__('"Call" is not a user id: it is left out.', DOMAIN));
  }
  if (a.chatWith && !USER_ID.test(a.chatWith)) {
    found.push(__('"Chat with" is not a user id: it is left out.', DOMAIN));
  }
  if (a.joinUrl && !isHttpsUrl(a.joinUrl)) {
    found.push(__('"Room link" is not an https:// link: it is left out.', DOMAIN));
  }
  if (!a.callWith && !a.chatWith && !a.joinUrl) {
    found.push(__('Choose whom visitors call, chat with, or which room they join.', DOMAIN));
  }
  return found;
}

function edit({
  attributes: a,
  setAttributes,
}: {
  attributes: Attributes;
  setAttributes(changes: Partial<Attributes>): void;
}): Element {
  const tools = new Set(a.tools.split(/[\s,]+/).filter(Boolean));
  const setTool = (tool: string, on: boolean) => {
    if (on) tools.add(tool);
    else tools.delete(tool);
    setAttributes({ tools: TOOLS.filter((t) => tools.has(t)).join(' ') });
  };
  const text = (key: keyof Attributes, label: string, help: string, type = 'text') =>
    el(TextControl, {
      label,
      help,
      type,
      value: a[key],
      onChange: (value: string) => setAttributes({ [key]: value.trim() }),
      __nextHasNoMarginBottom: true,
    });

  const sidebar = el(
    InspectorControls,
    null,
    el(
      PanelBody,
      { title: __('Call', DOMAIN), initialOpen: true },
      text('callWith', __('Call', DOMAIN), __('The user id visitors call.', DOMAIN)),
      text('chatWith', __('Chat with', DOMAIN), __('The user id whose chat opens.', DOMAIN)),
      text('joinUrl', __('Room link', DOMAIN), __('An https:// room link to join.', DOMAIN), 'url'),
      el(TextControl, {
        label: __('Button text', DOMAIN),
        help: __('Empty: "Video call" in the call language.', DOMAIN),
        value: a.label,
        onChange: (label: string) => setAttributes({ label }),
        __nextHasNoMarginBottom: true,
      }),
    ),
    el(
      PanelBody,
      { title: __('Behaviour', DOMAIN), initialOpen: false },
      el(SelectControl, {
        label: __('Connect', DOMAIN),
        value: a.connect,
        options: [
          { value: 'click', label: __('When the visitor presses the button', DOMAIN) },
          { value: 'visible', label: __('When the button comes into view', DOMAIN) },
          { value: 'auto', label: __('As soon as the page opens', DOMAIN) },
          { value: 'manual', label: __("Only from the page's own code", DOMAIN) },
        ],
        onChange: (connect: string) => setAttributes({ connect }),
        __nextHasNoMarginBottom: true,
      }),
      el(SelectControl, {
        label: __('Language', DOMAIN),
        value: a.language,
        options: [
          { value: '', label: __('As in Settings → Video call', DOMAIN) },
          { value: 'en', label: __('English', DOMAIN) },
          { value: 'it', label: __('Italian', DOMAIN) },
          { value: 'es', label: __('Spanish', DOMAIN) },
        ],
        onChange: (language: string) => setAttributes({ language }),
        __nextHasNoMarginBottom: true,
      }),
      el(SelectControl, {
        label: __('Placement', DOMAIN),
        value: a.placement,
        options: [
          { value: 'inline', label: __('Here, in the content', DOMAIN) },
          { value: 'floating', label: __('Floating in the bottom corner', DOMAIN) },
        ],
        onChange: (placement: string) => setAttributes({ placement }),
        __nextHasNoMarginBottom: true,
      }),
    ),
    el(
      PanelBody,
      { title: __('Tools in the call', DOMAIN), initialOpen: false },
      ...TOOLS.map((tool) =>
        el(CheckboxControl, {
          label: toolLabel(tool),
          checked: tools.has(tool),
          onChange: (on: boolean) => setTool(tool, on),
          __nextHasNoMarginBottom: true,
        }),
      ),
    ),
  );

  const notes = problems(a);
  const placeholder = el(
    'div',
    useBlockProps({ className: 'kaleyra-call-placeholder' }),
    el(
      'button',
      { type: 'button', disabled: true, 'aria-disabled': 'true', style: LAUNCHER_STYLE },
      a.label || __('Video call', DOMAIN),
    ),
    el(
      'p',
      {
        className: 'kaleyra-call-placeholder-note',
        style: { margin: '0.5em 0 0', fontSize: '0.85em' },
      },
      __('Preview: calls start on the published page', DOMAIN),
    ),
    ...notes.map((note) =>
      el(
        'p',
        {
          className: 'kaleyra-call-placeholder-problem',
          style: { margin: '0.25em 0 0', fontSize: '0.85em', color: '#b32d2e' },
        },
        note,
      ),
    ),
  );
  return el(Fragment, null, sidebar, placeholder);
}

registerBlockType<Attributes>('kaleyra-call/call', {
  edit,
  // Dynamic: the post keeps the block's comment and attributes, PHP prints the element.
  save: () => null,
});
