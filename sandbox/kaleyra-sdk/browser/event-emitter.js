/**
 * A Node-style EventEmitter: the real bundle ships the `events` polyfill, and the page sees its
 * whole surface (on/off/once, listenerCount, an unhandled 'error' throws).
 */
export class EventEmitter {
  #events = new Map();

  addListener(event, listener) {
    if (typeof listener !== 'function') throw new TypeError('The "listener" must be a function');
    const list = this.#events.get(event) || [];
    list.push(listener);
    this.#events.set(event, list);
    return this;
  }
  on(event, listener) {
    return this.addListener(event, listener);
  }
  once(event, listener) {
    if (typeof listener !== 'function') throw new TypeError('The "listener" must be a function');
    const wrapper = (...args) => {
      this.removeListener(event, wrapper);
      listener.apply(this, args);
    };
    wrapper.listener = listener;
    return this.addListener(event, wrapper);
  }
  removeListener(event, listener) {
    const list = this.#events.get(event);
    if (!list) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) {
        list.splice(i, 1);
        break;
      }
    }
    if (list.length === 0) this.#events.delete(event);
    return this;
  }
  off(event, listener) {
    return this.removeListener(event, listener);
  }
  removeAllListeners(event) {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }
  emit(event, ...args) {
    const list = this.#events.get(event);
    if (!list || list.length === 0) {
      if (event === 'error') {
        throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error. (${args[0]})`);
      }
      return false;
    }
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }
  listeners(event) {
    return (this.#events.get(event) || []).map((l) => l.listener || l);
  }
  rawListeners(event) {
    return [...(this.#events.get(event) || [])];
  }
  listenerCount(event) {
    return (this.#events.get(event) || []).length;
  }
  eventNames() {
    return [...this.#events.keys()];
  }
  setMaxListeners() {
    return this;
  }
  getMaxListeners() {
    return 10;
  }
}
