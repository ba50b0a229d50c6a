/** configure(): validation (validateInitWidgetConfig & co. in 2.7.5) and the effective config. */
import { configError } from './errors.js';

const REGIONS = ['eu', 'in', 'us', 'me'];
const TOOLS = [
  'chat',
  'screen_sharing',
  'file_upload',
  'whiteboard',
  'snapshot',
  'live_edit',
  'live_pointer',
];
const WHITEBOARD_TOOLS = ['wb_add_file', 'wb_cursor', 'wb_text', 'wb_shape', 'wb_pen', 'wb_eraser'];
const RECORDING_TYPES = ['none', 'manual', 'automatic'];
export const CALL_TYPES = ['audio_only', 'audio_upgradable', 'audio_video'];
const MODES = ['embed', 'window'];
const LANGUAGES = ['en', 'it', 'es'];
const VIRTUAL_BACKGROUNDS = ['blur', 'image'];

function expectType(config, key, type) {
  const value = config[key];
  if (value === undefined) return;
  const ok =
    type === 'object'
      ? typeof value === 'object' && value !== null && !Array.isArray(value)
      : typeof value === type;
  if (!ok) throw configError(`"${key}" must be of type ${type}`);
}

function expectOneOf(config, key, allowed) {
  const value = config[key];
  if (value !== undefined && !allowed.includes(value)) {
    throw configError(`"${key}" must be one of: ${allowed.join(', ')}`);
  }
}

function validateTools(tools) {
  if (tools === undefined) return;
  if (typeof tools !== 'object' || tools === null || Array.isArray(tools)) {
    throw configError('"tools" must be an object');
  }
  for (const [name, value] of Object.entries(tools)) {
    if (!TOOLS.includes(name)) throw configError(`Unknown tool "${name}"`);
    if (typeof value === 'boolean') continue;
    const whiteboardObject =
      name === 'whiteboard' && typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!whiteboardObject) throw configError(`Tool "${name}" must be a boolean`);
    for (const [option, flag] of Object.entries(value)) {
      if (!WHITEBOARD_TOOLS.includes(option) || typeof flag !== 'boolean') {
        throw configError(`Invalid whiteboard option "${option}"`);
      }
    }
  }
}

function pickLanguage(language) {
  if (LANGUAGES.includes(language)) return language;
  const browser = String((globalThis.navigator && globalThis.navigator.language) || '')
    .slice(0, 2)
    .toLowerCase();
  return LANGUAGES.includes(browser) ? browser : 'en';
}

/** Validates like 2.7.5 and returns the effective configuration. */
export function normaliseConfig(config) {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw configError('configure() needs a configuration object');
  }
  if (!config.appId) throw configError('"appId" is required');
  if (!REGIONS.includes(config.region)) {
    throw configError(`"region" must be one of: ${REGIONS.join(', ')}`);
  }
  if (!config.environment) throw configError('"environment" is required');
  for (const key of ['hidden', 'isAdmin', 'feedback']) expectType(config, key, 'boolean');
  expectType(config, 'layout', 'object');
  expectType(config, 'userDetailsProvider', 'function');
  expectType(config, 'userDetailsFormatter', 'function');
  expectOneOf(config, 'recordingType', RECORDING_TYPES);
  expectOneOf(config, 'virtualBackground', VIRTUAL_BACKGROUNDS);
  validateTools(config.tools);
  const tools = {};
  for (const name of TOOLS) tools[name] = Boolean(config.tools && config.tools[name]);
  return {
    appId: config.appId,
    region: config.region,
    environment: config.environment,
    hidden: config.hidden === true,
    layout: config.layout || {},
    recordingType: config.recordingType || 'none',
    isAdmin: config.isAdmin === true,
    callType: CALL_TYPES.includes(config.callType) ? config.callType : 'audio_video',
    mode: MODES.includes(config.mode) ? config.mode : 'embed',
    language: pickLanguage(config.language),
    tools,
    virtualBackground: config.virtualBackground || null,
    feedback: config.feedback === true,
  };
}
