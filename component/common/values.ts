/**
 * What each attribute with a fixed set of values accepts: `values`, space
 * separated (`list: true`: a space-separated list of them). The runtime checks
 * the element's attributes against it (runtime/validate.ts); the property types
 * (`AttributeValue`), the JSX typings and the manifest derive from it. Apart
 * from the attribute table (attributes.ts) because only the runtime reads it
 * when the element runs: the file a page loads before intent holds none of it.
 */
export const VALUES = {
  region: { values: 'eu in us me' },
  environment: { values: 'sandbox production' },
  guest: { values: 'auto off' },
  connectOn: { values: 'auto visible click manual' },
  credentials: { values: 'omit same-origin include' },
  tools: {
    values: 'chat screen_sharing file_upload whiteboard snapshot live_edit live_pointer',
    list: true,
  },
  callType: { values: 'audio_only audio_upgradable audio_video' },
  mode: { values: 'embed window' },
  recordingType: { values: 'none manual automatic' },
  virtualBackground: { values: 'blur image' },
  placement: { values: 'inline floating' },
} as const satisfies Record<string, { values: string; list?: true }>;
