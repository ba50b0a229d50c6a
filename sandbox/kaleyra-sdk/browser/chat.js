/**
 * Chat: one channel per other user. `Channel` and `ChannelView` are the SDK's objects; `Chat` is
 * the client's chat engine (messages travel to other tabs over the bus, see bus.js).
 */
import { ExposeError, invalid, isNonEmptyString, notConnected } from './errors.js';
import { EventEmitter } from './event-emitter.js';
import { bindEngine, engineOf } from './facade.js';
import { randomId } from './ids.js';
import { record } from './control.js';

export class Channel extends EventEmitter {
  constructor(engine, otherUserId) {
    super();
    this.channelId = `channel_${randomId()}`;
    this.participants = [engine.client.userId, otherUserId];
    this.unreadMessages = 0;
    this.messages = [];
    bindEngine(this, { engine, otherUserId, removed: false });
  }
  sendMessage(text) {
    record('channel.sendMessage', arguments);
    const { engine, otherUserId, removed } = engineOf(this);
    if (!isNonEmptyString(text)) return Promise.reject(invalid('text must be a non-empty string'));
    if (!engine.connected) return Promise.reject(notConnected());
    if (removed) return Promise.reject(new ExposeError('channel_not_exists', 'Channel removed'));
    const message = engine.chat.storeMessage(this, engine.client.userId, text);
    engine.post({
      type: 'chat:message',
      to: otherUserId,
      text,
      creationDate: message.creationDate,
    });
    engine.client.emit('channel:message:sent', { message });
    return Promise.resolve(message);
  }
  fetchMessages(count = 20, anchorMessageId, direction = 'backwards') {
    record('channel.fetchMessages', arguments);
    if (engineOf(this).removed) {
      return Promise.reject(new ExposeError('channel_not_exists', 'Channel removed'));
    }
    const index = anchorMessageId
      ? this.messages.findIndex((m) => m.messageId === anchorMessageId)
      : this.messages.length;
    if (index < 0) return Promise.reject(new ExposeError('message_anchor_error', 'No such anchor'));
    const messages =
      direction === 'afterward'
        ? this.messages.slice(index + 1, index + 1 + count)
        : this.messages.slice(Math.max(0, index - count), index);
    return Promise.resolve({ messages, anchor: messages[0] ? messages[0].messageId : null });
  }
}

export class ChannelView {
  constructor(engine, channel) {
    const draft = document.createElement('textarea');
    draft.className = 'Bandyer-draft';
    draft.rows = 2;
    draft.setAttribute('aria-label', 'Message');
    draft.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || !draft.form) return;
      event.preventDefault();
      draft.form.requestSubmit();
    });
    bindEngine(this, { engine, channel, draft });
  }
  get channel() {
    return engineOf(this).channel;
  }
  get textArea() {
    return engineOf(this).draft.value;
  }
  set textArea(text) {
    engineOf(this).draft.value = String(text);
  }
  select() {
    record('channelView.select', arguments);
    const { engine, channel } = engineOf(this);
    engine.widget.selectChannel(channel.participants[1]);
  }
}

/** The chat engine of one client. */
export class Chat {
  constructor(engine) {
    this.engine = engine;
  }

  chatGuard(userId) {
    if (!isNonEmptyString(userId)) throw invalid('userId must be a non-empty string');
    if (!this.engine.config.tools.chat) throw invalid('The chat tool is disabled (tools.chat)');
    if (!this.engine.connected) throw notConnected();
    if (userId === this.engine.client.userId) throw invalid('A channel needs another user');
  }

  addChannel(userId) {
    try {
      this.chatGuard(userId);
    } catch (error) {
      return Promise.reject(error);
    }
    const view = this.channelViewFor(userId);
    this.engine.widget.selectChannel(userId);
    return Promise.resolve(view);
  }

  /** The channel with `userId`, created (and announced) on first use. */
  channelViewFor(userId) {
    let view = this.engine.client.channelsView.get(userId);
    if (!view) {
      const channel = new Channel(this.engine, userId);
      view = new ChannelView(this.engine, channel);
      this.engine.client.channelsView.set(userId, view);
      this.engine.widget.log(`Chat with ${userId} added`);
      this.engine.client.emit('channel:added', { channel });
    }
    return view;
  }

  removeChannel(userId) {
    this.chatGuard(userId);
    const view = this.engine.client.channelsView.get(userId);
    if (!view) return Promise.reject(new ExposeError('delete_channel', `No chat with ${userId}`));
    const { channel } = engineOf(view);
    engineOf(channel).removed = true;
    this.engine.client.channelsView.delete(userId);
    if (this.engine.widget.selectedUser === userId) this.engine.widget.selectedUser = null;
    this.engine.widget.log(`Chat with ${userId} removed`);
    this.engine.client.emit('channel:removed', {
      channelId: channel.channelId,
      participants: [...channel.participants],
    });
    return Promise.resolve();
  }

  getChannelView(userId) {
    if (!isNonEmptyString(userId)) throw invalid('userId must be a non-empty string');
    const view = this.engine.client.channelsView.get(userId);
    if (!view) throw new ExposeError('channel_not_found', `No chat with ${userId}`);
    return view;
  }

  storeMessage(channel, sender, text) {
    const message = {
      messageId: `message_${randomId()}`,
      channel,
      sender,
      text,
      creationDate: new Date().toISOString(),
    };
    channel.messages.push(message);
    channel.emit('channel:message:added', message);
    this.engine.widget.render();
    return message;
  }

  receiveMessage(from, text) {
    if (!this.engine.connected || !this.engine.config.tools.chat) return null;
    if (!isNonEmptyString(from) || typeof text !== 'string') return null;
    const view = this.channelViewFor(from);
    const channel = view.channel;
    const seen = this.engine.widget.open && this.engine.widget.selectedUser === from;
    if (!seen) channel.unreadMessages++;
    const message = this.storeMessage(channel, from, text);
    this.engine.widget.reveal(false);
    this.engine.client.emit('channel:message:received', { message });
    return message;
  }
}
