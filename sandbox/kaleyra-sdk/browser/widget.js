/**
 * The widget: what a demo visitor sees in div#Bandyer-bandyer-chat-widget. Like 2.7.5 nothing is
 * rendered before connect; of `layout` only launcher/header colours and fontFamily are applied,
 * and `mode: "window"` renders embedded. Strings come in the SDK's languages (widget-strings.js).
 */
import { engineOf } from './facade.js';
import { ownNonce } from './own-script.js';
import { STRINGS } from './widget-strings.js';

export const WIDGET_ID = 'Bandyer-bandyer-chat-widget';

const STYLE = `
#${WIDGET_ID} .Bandyer-widget{position:fixed;right:16px;bottom:16px;z-index:2147483000;
display:flex;flex-direction:column;align-items:flex-end;gap:8px;font:14px/1.4 system-ui,sans-serif;color:#1b1f24}
#${WIDGET_ID} [hidden]{display:none!important}
#${WIDGET_ID} .Bandyer-launcher{border:0;border-radius:24px;padding:10px 18px;background:#0b63ce;color:#fff;
font:inherit;font-weight:600;cursor:pointer;box-shadow:0 2px 8px #0004}
#${WIDGET_ID} .Bandyer-unread{margin-left:8px;background:#d93025;border-radius:10px;padding:0 7px}
#${WIDGET_ID} .Bandyer-panel{width:320px;max-height:70vh;overflow:auto;background:#fff;border-radius:12px;
box-shadow:0 4px 16px #0005}
#${WIDGET_ID} .Bandyer-header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#0b63ce;color:#fff}
#${WIDGET_ID} .Bandyer-header strong{flex:1}
#${WIDGET_ID} .Bandyer-tag{font-size:11px;background:#fff3;border-radius:4px;padding:0 5px}
#${WIDGET_ID} .Bandyer-panel section,#${WIDGET_ID} .Bandyer-panel>p{margin:0;padding:8px 12px;border-bottom:1px solid #e3e6ea}
#${WIDGET_ID} .Bandyer-panel h3{margin:0 0 4px;font-size:12px;text-transform:uppercase;color:#5f6b7a}
#${WIDGET_ID} .Bandyer-panel ul,#${WIDGET_ID} .Bandyer-panel ol{margin:0;padding:0;list-style:none}
#${WIDGET_ID} .Bandyer-panel li{display:flex;align-items:center;gap:6px;padding:2px 0}
#${WIDGET_ID} .Bandyer-panel li>span{flex:1;overflow:hidden;text-overflow:ellipsis}
#${WIDGET_ID} .Bandyer-panel button{font:inherit;border:1px solid #c4cad1;background:#f6f8fa;border-radius:6px;
padding:2px 10px;cursor:pointer}
#${WIDGET_ID} .Bandyer-header button{border:0;background:none;color:inherit;font-size:18px}
#${WIDGET_ID} .Bandyer-call[data-status=dialing],#${WIDGET_ID} .Bandyer-call[data-status=connecting]{background:#fff8e1}
#${WIDGET_ID} .Bandyer-call[data-status=connected]{background:#e6f4ea}
#${WIDGET_ID} .Bandyer-videos{position:relative;margin-top:6px;background:#000;border-radius:8px;min-height:60px}
#${WIDGET_ID} .Bandyer-remote-video{display:block;width:100%;border-radius:8px}
#${WIDGET_ID} .Bandyer-local-video{position:absolute;right:6px;bottom:6px;width:30%;border:2px solid #fff;border-radius:6px}
#${WIDGET_ID} .Bandyer-messages{max-height:140px;overflow:auto;margin:4px 0}
#${WIDGET_ID} .Bandyer-draft{box-sizing:border-box;width:100%;font:inherit}
#${WIDGET_ID} .Bandyer-activity{font-size:12px;color:#5f6b7a}
#${WIDGET_ID} .Bandyer-inactive{padding:12px 16px;background:#fff;border-left:4px solid #d93025;border-radius:8px;
box-shadow:0 4px 16px #0005}`;

/** Creates an element; strings become text nodes (never HTML). */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'className') el.className = value;
    else if (key === 'style') Object.assign(el.style, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

const clockTime = (ms) => new Date(ms).toLocaleTimeString();

export class Widget {
  constructor(engine) {
    this.engine = engine;
    this.div = null;
    this.mounted = false;
    this.inactive = null;
    this.visible = false;
    this.open = false;
    this.selectedUser = null;
    this.notice = null;
    this.activity = [];
    this.style = h('style', {}, STYLE);
    // A style element needs the page's nonce where its CSP has no 'unsafe-inline' (the
    // token worker's call page): it takes the nonce the element gave this script, as
    // style loaders do when given one. Whether the real widget does is not known.
    this.style.nonce = ownNonce();
  }

  t(key, ...args) {
    const table = STRINGS[this.engine.config.language] || STRINGS.en;
    return (table[key] || STRINGS.en[key]).replace(/\{(\d)\}/g, (_, i) => String(args[i]));
  }

  /**
   * What 2.7.5 does at every connect: append another container to <body> and render into the
   * first one, so containers pile up unless the page removes them (docs/kaleyra-sdk-notes.md,
   * Repeated connects).
   */
  appendDiv() {
    const div = document.createElement('div');
    div.id = WIDGET_ID;
    (document.body || document.documentElement).append(div);
    this.div = document.getElementById(WIDGET_ID);
  }

  /** The first container, made if there is none (a call joined by URL, without connect). */
  ensureDiv() {
    this.div = document.getElementById(WIDGET_ID);
    if (!this.div) this.appendDiv();
  }

  mount() {
    this.ensureDiv();
    this.mounted = true;
    this.inactive = null;
    this.visible = !this.engine.config.hidden;
    this.open = false;
    this.selectedUser = null;
    this.notice = null;
    this.activity = [];
    this.render();
  }

  /** Empties the widget (the div stays) or leaves an inactive view. */
  unmount(view) {
    this.mounted = false;
    this.inactive = view;
    this.render();
  }

  log(text) {
    this.activity.unshift(`${new Date().toLocaleTimeString()} ${text}`);
    this.activity.length = Math.min(this.activity.length, 6);
    this.render();
  }

  setNotice(key, atMs) {
    this.notice = { key, atMs };
    this.render();
  }

  /** Calls and chats reveal a hidden widget (docs/kaleyra-sdk-notes.md, `hidden`). */
  reveal(open) {
    this.visible = true;
    if (open) this.open = true;
    this.render();
  }

  selectChannel(userId) {
    this.selectedUser = userId;
    const view = userId && this.engine.client.channelsView.get(userId);
    if (view) view.channel.unreadMessages = 0;
    this.reveal(true);
  }

  render() {
    if (!this.div) return;
    // Re-rendering moves the persistent draft and videos: keep focus, caret and scroll.
    const focused = this.div.contains(document.activeElement) ? document.activeElement : null;
    const caret =
      focused && 'selectionStart' in focused
        ? [focused.selectionStart, focused.selectionEnd]
        : null;
    const panel = this.div.querySelector('.Bandyer-panel');
    const scrollTop = panel ? panel.scrollTop : 0;
    if (this.mounted) this.div.replaceChildren(this.style, this.renderActive());
    else if (this.inactive) this.div.replaceChildren(this.style, this.renderInactive());
    else this.div.replaceChildren();
    const newPanel = this.div.querySelector('.Bandyer-panel');
    if (newPanel) newPanel.scrollTop = scrollTop;
    const messages = this.div.querySelector('.Bandyer-messages');
    if (messages) messages.scrollTop = messages.scrollHeight;
    if (focused && focused.isConnected && document.activeElement !== focused) {
      focused.focus();
      if (caret) focused.setSelectionRange(caret[0], caret[1]);
    }
  }

  renderInactive() {
    const { kind, reason } = this.inactive;
    return h(
      'div',
      { className: 'Bandyer-widget', 'data-view': 'inactive' },
      h(
        'div',
        { className: 'Bandyer-inactive', role: 'alert' },
        h('strong', {}, this.t(kind === 'expired' ? 'expired' : 'forced')),
        reason ? h('p', {}, String(reason)) : null,
      ),
    );
  }

  renderActive() {
    const layout = this.engine.config.layout;
    const unread = [...this.engine.client.channelsView.values()].reduce(
      (sum, view) => sum + view.channel.unreadMessages,
      0,
    );
    return h(
      'div',
      {
        className: 'Bandyer-widget',
        'data-view': this.open ? 'open' : 'collapsed',
        hidden: !this.visible,
        lang: this.engine.config.language,
        style: typeof layout.fontFamily === 'string' ? { fontFamily: layout.fontFamily } : null,
      },
      this.open ? this.renderPanel() : null,
      h(
        'button',
        {
          type: 'button',
          className: 'Bandyer-launcher',
          'aria-expanded': String(this.open),
          style: colours(layout.launcher),
          onclick: () => {
            this.open = !this.open;
            this.render();
          },
        },
        this.t('launcher'),
        unread > 0 ? h('span', { className: 'Bandyer-unread' }, String(unread)) : null,
      ),
    );
  }

  renderPanel() {
    const engine = this.engine;
    const notice = this.notice;
    return h(
      'section',
      { className: 'Bandyer-panel', role: 'dialog', 'aria-label': 'Kaleyra Video' },
      h(
        'div',
        { className: 'Bandyer-header', style: colours(engine.config.layout.header) },
        h('strong', {}, 'Kaleyra Video'),
        h('span', { className: 'Bandyer-tag' }, 'stand-in'),
        h(
          'button',
          {
            type: 'button',
            'aria-label': this.t('close'),
            onclick: () => {
              this.open = false;
              this.render();
            },
          },
          '×',
        ),
      ),
      h('p', { className: 'Bandyer-user' }, this.t('signedInAs', engine.client.userId || 'guest')),
      notice
        ? h(
            'p',
            { className: 'Bandyer-notice', role: 'status' },
            this.t(notice.key, clockTime(notice.atMs)),
          )
        : null,
      this.renderCall(),
      this.renderOnline(),
      engine.config.tools.chat ? this.renderChats() : null,
      h(
        'section',
        {},
        h('h3', {}, this.t('activity')),
        h(
          'ol',
          { className: 'Bandyer-activity' },
          this.activity.map((line) => h('li', {}, line)),
        ),
      ),
    );
  }

  renderCall() {
    const session = this.engine.call || this.engine.lastCall;
    if (!session) return null;
    const { call } = session;
    const other = session.remoteUserId;
    const action = (label, fn) =>
      h('button', { type: 'button', className: `Bandyer-${label}`, onclick: fn }, this.t(label));
    const fail = (error) => console.error(`[BandyerSDK stand-in] ${error && error.message}`);
    let text;
    let buttons;
    if (call.status === 'ended') {
      text = this.t('ended', call.endReason);
      buttons = [
        action('dismiss', () => {
          this.engine.lastCall = null;
          this.render();
        }),
      ];
    } else if (call.status === 'dialing' && call.direction === 'incoming') {
      text = this.t('incoming', other);
      buttons = [
        action('answer', () => session.answer().catch(fail)),
        action('decline', () => session.hangUp()),
      ];
    } else {
      if (call.status === 'dialing') text = this.t('calling', other);
      else if (call.status === 'connecting') text = this.t('connecting');
      else text = other ? this.t('connected', other) : this.t('room');
      buttons = [action(call.status === 'dialing' ? 'cancel' : 'hangUp', () => session.hangUp())];
    }
    const showVideos = call.status !== 'ended' && (session.localStream || session.remoteStream);
    return h(
      'section',
      { className: 'Bandyer-call', 'data-status': call.status, 'aria-live': 'polite' },
      h('p', { className: 'Bandyer-call-status' }, text),
      session.mediaError ? h('p', {}, this.t('noMedia', session.mediaError)) : null,
      h('div', {}, buttons),
      showVideos
        ? h('div', { className: 'Bandyer-videos' }, session.remoteVideo, session.localVideo)
        : null,
    );
  }

  renderOnline() {
    const engine = this.engine;
    const users = [...engine.presence.keys()];
    const fail = (error) => this.log(`${error.name}: ${error.message}`);
    return h(
      'section',
      { className: 'Bandyer-online' },
      h('h3', {}, this.t('online')),
      users.length === 0
        ? h('p', {}, this.t('nobodyOnline'))
        : h(
            'ul',
            {},
            users.map((userId) =>
              h(
                'li',
                {},
                h('span', {}, userId),
                h(
                  'button',
                  { type: 'button', onclick: () => engine.createCall([userId]).catch(fail) },
                  this.t('call'),
                ),
                engine.config.tools.chat
                  ? h(
                      'button',
                      { type: 'button', onclick: () => engine.chat.addChannel(userId).catch(fail) },
                      this.t('chat'),
                    )
                  : null,
              ),
            ),
          ),
    );
  }

  renderChats() {
    const views = this.engine.client.channelsView;
    const selected = this.selectedUser && views.get(this.selectedUser);
    return h(
      'section',
      { className: 'Bandyer-channels' },
      h('h3', {}, this.t('chats')),
      views.size === 0
        ? h('p', {}, this.t('noChats'))
        : h(
            'ul',
            {},
            [...views].map(([userId, view]) =>
              h(
                'li',
                { 'aria-current': userId === this.selectedUser ? 'true' : null },
                h('span', {}, userId),
                view.channel.unreadMessages > 0
                  ? h('span', { className: 'Bandyer-unread' }, String(view.channel.unreadMessages))
                  : null,
                h(
                  'button',
                  { type: 'button', onclick: () => this.selectChannel(userId) },
                  this.t('chat'),
                ),
              ),
            ),
          ),
      selected ? this.renderConversation(selected) : null,
    );
  }

  renderConversation(view) {
    const { channel, draft } = engineOf(view);
    const send = (event) => {
      event.preventDefault();
      const text = draft.value.trim();
      if (!text) return;
      channel.sendMessage(text).then(
        () => (draft.value = ''),
        (error) => this.log(`${error.name}: ${error.message}`),
      );
    };
    return h(
      'form',
      { className: 'Bandyer-conversation', onsubmit: send },
      h(
        'ol',
        { className: 'Bandyer-messages' },
        channel.messages.map((m) => h('li', {}, h('b', {}, `${m.sender}: `), m.text)),
      ),
      draft,
      h('button', { type: 'submit' }, this.t('send')),
    );
  }
}
function colours(entry) {
  if (!entry || typeof entry !== 'object') return null;
  const style = {};
  if (typeof entry.background === 'string') style.background = entry.background;
  if (typeof entry.color === 'string') style.color = entry.color;
  return style;
}
