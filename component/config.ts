/**
 * Attribute validation. A CMS editor sees the first problem as an inline
 * message; the host page gets it as a `kaleyra-call-error` with phase `config`.
 */

/** Allowed values per attribute, space-separated (kaleyra-sdk.md §2.2, SPEC §3.1). */
const ALLOWED: Record<string, string> = {
  region: 'eu in us me',
  environment: 'sandbox production',
  connect: 'auto visible click manual',
  credentials: 'omit same-origin include',
  'call-type': 'audio_only audio_upgradable audio_video',
  mode: 'embed window',
  recording: 'none manual automatic',
  'virtual-background': 'blur image',
  tools: 'chat screen_sharing file_upload whiteboard snapshot live_edit live_pointer',
};

/** A missing attribute (no `value`), or a value outside `allowed`. */
export interface ConfigProblem {
  attribute: string;
  value?: string;
  allowed?: string;
}

export const words = (value = ''): string[] => value.split(/\s+/).filter(Boolean);

/** The first problem, in the order an editor should fix them. */
export function validateConfig(
  values: Record<string, string | undefined>,
  required: string[],
): ConfigProblem | undefined {
  for (const attribute of required) {
    if (!values[attribute]?.trim()) return { attribute };
  }
  for (const [attribute, allowed] of Object.entries(ALLOWED)) {
    const value = values[attribute];
    const given = attribute === 'tools' ? words(value) : value ? [value] : [];
    const bad = given.find((v) => !words(allowed).includes(v));
    if (bad) return { attribute, value: bad, allowed: allowed.replaceAll(' ', ', ') };
  }
  return undefined;
}
