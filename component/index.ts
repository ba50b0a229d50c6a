/**
 * The side-effect-free entry: the class, its events, its error and its public
 * types. Import `./define.js` to register the tag.
 */
export { KaleyraCallElement } from './kaleyra-call.js';
export { KaleyraCallError, type ErrorInit } from './common/errors.js';
export * from './common/events.js';
export type { AttributeValues, ConnectMode, Environment, Region } from './common/attributes.js';
export type {
  AppInfo,
  AuthToken,
  CallState,
  Language,
  Token,
  TokenProvider,
} from './common/types.js';
