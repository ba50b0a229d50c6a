/**
 * When this page cannot use the camera (docs/architecture.md, Before a call),
 * a call can still happen on the call page (the token worker's `/call`, or the
 * `call-page` attribute), opened in a new window with the same target and
 * language. This module words that case as an error and finds the page.
 */
import type { Host, Shell } from '../common/contract.js';
import { KaleyraCallError } from '../common/errors.js';
import type { Language } from '../common/types.js';

/** Whom a call is for: `with` a user id, or `join` a room link. */
export type CallTarget = { with: string } | { join: string };

/**
 * The call page for `target` in `language`: the `call-page` attribute, else
 * `call` beside a token endpoint whose path ends in `/v1/token`; none with
 * `call-page="none"` or when neither says.
 */
export function callPageUrl(
  host: Host,
  target: CallTarget,
  language: Language,
): string | undefined {
  const given = host.callPage;
  if (given === 'none') return undefined;
  let url: URL;
  if (given) url = new URL(given, document.baseURI);
  else {
    const endpoint = host.tokenEndpoint && new URL(host.tokenEndpoint, document.baseURI);
    if (!endpoint || !endpoint.pathname.endsWith('/v1/token')) return undefined;
    url = new URL('../call', endpoint);
  }
  for (const [name, value] of Object.entries({ ...target, lang: language })) {
    url.searchParams.set(name, value);
  }
  return url.href;
}

/**
 * The error of a call to `target` that this page cannot make, or undefined
 * when it can: `insecure_context`, or `media_blocked` naming the feature its
 * Permissions Policy refuses; fatal, phase `config`, with the call page in
 * `params.page` when one is known.
 */
export function callBlocked(
  host: Host,
  shell: Shell,
  target: CallTarget,
): KaleyraCallError | undefined {
  const problem = shell.media(host.callType === 'audio_only');
  if (!problem) return undefined;
  return new KaleyraCallError({
    phase: 'config',
    code: problem === 'insecure_context' ? problem : 'media_blocked',
    params: {
      feature: problem,
      origin: location.origin,
      page: callPageUrl(host, target, shell.language()),
    },
  });
}
