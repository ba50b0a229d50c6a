/**
 * The public objects (Client, Channel, ChannelView, Call, CallView) are thin facades: each one's
 * engine, kept here out of sight, holds the state and the logic, so the SDK surface shows only
 * what the real one has.
 */
const engines = new WeakMap();

export const bindEngine = (facade, engine) => engines.set(facade, engine);
export const engineOf = (facade) => engines.get(facade);
