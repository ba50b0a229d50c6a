/** The side-effect-free entry: the class and its types. Import `./define.js` to register the tag. */
export { KaleyraCallElement } from './kaleyra-call.js';
export * from './events.js';
