/**
 * Attribute validation. A CMS editor sees the first problem as an inline
 * message; the host page gets it as a `kaleyra-call-error` with phase `config`.
 */

export const REGIONS = ['eu', 'in', 'us', 'me'] as const;
export const ENVIRONMENTS = ['sandbox', 'production'] as const;
export const CONNECT_MODES = ['auto', 'visible', 'click', 'manual'] as const;
export const CREDENTIALS = ['omit', 'same-origin', 'include'] as const;
export const TOOLS = [
  'chat',
  'screen_sharing',
  'file_upload',
  'whiteboard',
  'snapshot',
  'live_edit',
  'live_pointer',
] as const;
export const CALL_TYPES = ['audio_only', 'audio_upgradable', 'audio_video'] as const;
export const MODES = ['embed', 'window'] as const;
export const RECORDING_TYPES = ['none', 'manual', 'automatic'] as const;
export const VIRTUAL_BACKGROUNDS = ['blur', 'image'] as const;

export type Region = (typeof REGIONS)[number];
export type Environment = (typeof ENVIRONMENTS)[number];
export type ConnectMode = (typeof CONNECT_MODES)[number];
export type Tool = (typeof TOOLS)[number];
export type CallType = (typeof CALL_TYPES)[number];
export type WidgetMode = (typeof MODES)[number];
export type RecordingType = (typeof RECORDING_TYPES)[number];
export type VirtualBackground = (typeof VIRTUAL_BACKGROUNDS)[number];

/** What is wrong with the element's configuration, in terms an editor can act on. */
export type ConfigProblem =
  | { kind: 'missing'; attribute: string }
  | { kind: 'invalid'; attribute: string; value: string; allowed: readonly string[] };

/** The attribute values that are validated (as the element holds them). */
export interface ConfigInput {
  appId?: string | undefined;
  tokenEndpoint?: string | undefined;
  hasTokenProvider: boolean;
  region: string;
  environment: string;
  connectOn: string;
  credentials: string;
  tools: string;
  callType: string;
  mode: string;
  recordingType: string;
  virtualBackground?: string | undefined;
}

function oneOf(
  attribute: string,
  value: string | undefined,
  allowed: readonly string[],
): ConfigProblem | undefined {
  if (value === undefined || allowed.includes(value)) return undefined;
  return { kind: 'invalid', attribute, value, allowed };
}

/** Every problem, in the order an editor should fix them. */
export function validateConfig(input: ConfigInput): ConfigProblem[] {
  const problems: (ConfigProblem | undefined)[] = [];
  if (!input.appId?.trim()) problems.push({ kind: 'missing', attribute: 'app-id' });
  if (!input.hasTokenProvider && !input.tokenEndpoint?.trim()) {
    problems.push({ kind: 'missing', attribute: 'token-endpoint' });
  }
  problems.push(
    oneOf('region', input.region, REGIONS),
    oneOf('environment', input.environment, ENVIRONMENTS),
    oneOf('connect', input.connectOn, CONNECT_MODES),
    oneOf('credentials', input.credentials, CREDENTIALS),
    oneOf('call-type', input.callType, CALL_TYPES),
    oneOf('mode', input.mode, MODES),
    oneOf('recording', input.recordingType, RECORDING_TYPES),
    oneOf('virtual-background', input.virtualBackground || undefined, VIRTUAL_BACKGROUNDS),
  );
  for (const tool of parseTools(input.tools)) {
    problems.push(oneOf('tools', tool, TOOLS));
  }
  return problems.filter((p): p is ConfigProblem => p !== undefined);
}

export function parseTools(tools: string): string[] {
  return tools.split(/\s+/).filter(Boolean);
}
