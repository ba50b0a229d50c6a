/**
 * The element's status line during a call ("Calling Dr. Rossi…"), naming the
 * call's other participant as the page knows them.
 */
import type { Host } from '../common/contract.js';
import type { CallState, Language } from '../common/types.js';
import type { Session } from './session.js';
import { CALLS, fill, inLanguage } from './texts.js';

/**
 * The name of a call's other participant as the page knows them (its
 * `userDetailsProvider` and `userDetailsFormatter`); undefined when the page
 * does not say, or when `current` no longer has that participant.
 */
export async function peerName(
  host: Host,
  peer: string,
  current: () => Session | undefined,
): Promise<string | undefined> {
  try {
    const [user] = (await host.userDetailsProvider!([peer])) as Record<string, unknown>[];
    if (!user || current()?.call.peer !== peer) return undefined;
    const { firstName, lastName, nickName, displayName, name } = user;
    return (
      host.userDetailsFormatter?.(user) ||
      [firstName, lastName].filter(Boolean).join(' ') ||
      String(nickName ?? displayName ?? name ?? peer)
    );
  } catch {
    // The id is shown instead.
    return undefined;
  }
}

/** The status line during a call, in `language`. */
export const callStatus = (call: Exclude<CallState, 'none'>, name: string, language: Language) =>
  fill(inLanguage(CALLS[call], language), { name });
