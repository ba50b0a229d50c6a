/**
 * Can this page use the camera and the microphone? (docs/architecture.md,
 * Before a call.) A call needs a secure context and, where the browser tells,
 * the document's Permissions Policy allowing the camera and the microphone (the
 * microphone only for audio-only calls): a header such as `camera=()`, or an
 * iframe without `allow="camera; microphone"`, forbids them. A chat needs
 * neither. Browsers that do not expose the policy are taken as allowing.
 */
type Policy = { allowsFeature(feature: string): boolean };

/** Why a call cannot start here: `insecure_context`, or the feature refused; else undefined. */
export function mediaProblem(audioOnly: boolean): string | undefined {
  if (!isSecureContext) return 'insecure_context';
  // Chromium's `featurePolicy` (the Permissions Policy's script interface there).
  const policy = (document as { featurePolicy?: Policy }).featurePolicy;
  return (audioOnly ? ['microphone'] : ['camera', 'microphone']).find(
    (feature) => policy && !policy.allowsFeature(feature),
  );
}
