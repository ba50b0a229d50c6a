/** `window.BandyerSDK`: configure (sync, one client at a time), destroyClient, isAuthenticated. */
import { ClientEngine } from './client.js';
import { normaliseConfig } from './config.js';
import { control, record } from './control.js';
import { ExposeError } from './errors.js';

export const VERSION = '2.8.0-stand-in';
/** Marks the stand-in's BandyerSDK, so a second copy of the script leaves the first in place. */
export const MARK = Symbol.for('kaleyra-call.bandyer-sdk-stand-in');

export const sdk = {
  configure(config) {
    record('configure', arguments);
    control.lastConfig = config;
    if (control.current) {
      throw new ExposeError(
        'client_already_exists',
        'A client already exists: destroyClient() first',
      );
    }
    const engine = new ClientEngine(normaliseConfig(config));
    control.current = engine;
    control.last = engine;
    return engine.client;
  },
  async destroyClient() {
    record('destroyClient', arguments);
    const engine = control.current;
    if (!engine) return;
    try {
      engine.teardown(null);
    } catch (error) {
      console.warn(`[BandyerSDK stand-in] disconnect failed: ${error && error.message}`);
    }
    engine.destroyed = true;
    if (control.current === engine) control.current = null;
  },
  isAuthenticated() {
    record('isAuthenticated', arguments);
    return Boolean(control.current && control.current.connected);
  },
  get version() {
    return VERSION;
  },
};
Object.defineProperty(sdk, MARK, { value: true });
