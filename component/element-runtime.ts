/**
 * The element's behaviour that runs only once a session starts, kept out of
 * the element's own file (docs/architecture.md, Element code layout): what a
 * session is made from, joining it, the SDK actions of the public methods and
 * the naming of a call's other participant. Its driver (element-driver.ts)
 * uses these, in the runtime file. They take the element and read only its
 * public properties: in the CDN build the element and the runtime are two
 * files, minified apart, whose private names differ.
 */
import { words } from './attributes.js';
import { KaleyraCallError } from './errors.js';
import type { KaleyraCallState } from './events.js';
import { guestToken } from './guest.js';
import type { CheckCode, Language } from './i18n.js';
import type { KaleyraCallElement } from './kaleyra-call.js';
import { fromSdk } from './messages.js';
import { CALLS, fill, inLanguage } from './texts.js';
import type { BandyerClient } from './sdk.js';
import {
  acquireSession,
  type CallState,
  type Session,
  type SessionMember,
  type SessionSource,
  type SdkCall,
} from './session.js';
import type { TokenSource } from './token-client.js';

/** What the element lends the session beside its public properties. */
export interface ElementParts {
  key: string;
  sdkSrc: string;
  language: Language;
  /** Where tokens come from, read afresh for every request (a new `authToken` applies at once). */
  tokens(): TokenSource;
  /** Resolves on the visitor's gesture (guest.ts). */
  gesture(): Promise<void>;
  setState(state: KaleyraCallState): void;
}

/** What the session of `el` is made from (docs/kaleyra-sdk-notes.md, configure). */
export function sourceFor(el: KaleyraCallElement, parts: ElementParts): SessionSource {
  const { key, sdkSrc, language } = parts;
  return {
    key,
    sdkSrc,
    sdkIntegrity: el.sdkIntegrity || undefined,
    connectTimeoutMs: el.connectTimeout,
    getToken: (signal) =>
      guestToken(parts.tokens(), signal, {
        element: el,
        // An element given authToken or tokenProvider is a signed-in integration.
        allowed: el.guest !== 'off' && !el.authToken && !el.tokenProvider,
        challengeSrc: el.challengeSrc,
        language,
        gesture: parts.gesture,
        onWaiting: () => parts.setState('idle'),
        onVerifying: () => parts.setState('verifying'),
      }),
    // The attributes as `BandyerSDK.configure` expects them; the app, region and
    // environment the page did not set come with the token.
    config: {
      appId: el.appId || undefined,
      region: el.region || undefined,
      environment: el.environment || undefined,
      hidden: el.widgetHidden,
      recordingType: el.recordingType,
      callType: el.callType,
      mode: el.mode,
      language,
      tools: Object.fromEntries(words(el.tools).map((tool) => [tool, true])),
      feedback: el.feedback,
      ...defined({
        virtualBackground: el.virtualBackground,
        layout: el.layout,
        userDetailsProvider: el.userDetailsProvider,
        userDetailsFormatter: el.userDetailsFormatter,
      }),
    },
  };
}

/**
 * Joins (or creates) the session of `source` for `member`, tells `joined`, and
 * starts it; a member joining a session already under way catches up. When it
 * cannot join (another setup holds the page) `member` is told why instead.
 */
export function join(
  source: SessionSource,
  member: SessionMember,
  joined: (session: Session) => void,
): void {
  let session: Session;
  try {
    session = acquireSession(source, member);
  } catch (err) {
    return member.onError(err as KaleyraCallError);
  }
  joined(session);
  const { state, userId, token } = session;
  if (state !== 'idle') member.onState(state);
  if (token) member.onToken(token.expiresAt);
  if (state === 'connected') member.onReady(userId!);
  session.start();
}

export type Action = 'startCall' | 'openChat' | 'joinCall' | 'openWidget' | 'closeWidget';

/**
 * One of the element's SDK actions on the connected `session`, with the
 * method's arguments `a` and `b`; a failure rejects typed and goes to `report`
 * (the element's error event).
 */
export async function act(
  el: KaleyraCallElement,
  session: Session,
  action: Action,
  report: (error: KaleyraCallError) => void,
  a?: unknown,
  b?: unknown,
): Promise<unknown> {
  const client = session.client!;
  // The call view `createCall` or `joinCallURL` resolved with: its call is followed from now.
  const follow = async (view: Promise<unknown>) => {
    const resolved = (await view) as { call?: SdkCall } | undefined;
    session.trackCall(resolved?.call);
    return resolved;
  };
  const run: Record<Action, [unknown, CheckCode, (client: BandyerClient, arg: never) => unknown]> =
    {
      startCall: [
        a ?? (el.callWith && [el.callWith]),
        'no_callee',
        (c, ids: string[]) =>
          follow(
            c.createCall(ids, {
              callType: el.callType,
              recordingType: el.recordingType,
              ...(b as object | undefined),
            }),
          ),
      ],
      openChat: [
        a ?? el.chatWith,
        'no_chat_user',
        async (c, id: string) => {
          const view = await c.addChannel(id);
          view.select();
          return view;
        },
      ],
      joinCall: [a ?? el.joinUrl, 'no_join_url', (c, url: string) => follow(c.joinCallURL(url))],
      openWidget: [true, 'not_connected', (c) => c.openWidget()],
      closeWidget: [true, 'not_connected', (c) => c.closeWidget()],
    };
  const [arg, missing, method] = run[action];
  try {
    if (!arg) throw checkError(missing);
    return await method(client, arg as never);
  } catch (err) {
    const error = err instanceof KaleyraCallError ? err : fromSdk(err, 'call', 'call_failed');
    report(error);
    throw error;
  }
}

/**
 * The name of a call's other participant as the page knows them (its
 * `userDetailsProvider` and `userDetailsFormatter`); undefined when the page
 * does not say, or when `current` no longer has that participant.
 */
export async function peerName(
  el: KaleyraCallElement,
  peer: string,
  current: () => Session | undefined,
): Promise<string | undefined> {
  try {
    const [user] = (await el.userDetailsProvider!([peer])) as Record<string, unknown>[];
    if (!user || current()?.call.peer !== peer) return undefined;
    const { firstName, lastName, nickName, displayName, name } = user;
    return (
      el.userDetailsFormatter?.(user) ||
      [firstName, lastName].filter(Boolean).join(' ') ||
      String(nickName ?? displayName ?? name ?? peer)
    );
  } catch {
    // The id is shown instead.
    return undefined;
  }
}

/** The status line during a call ("Calling Dr. Rossi…"), in `language`. */
export const callStatus = (call: Exclude<CallState, 'none'>, name: string, language: Language) =>
  fill(inLanguage(CALLS[call], language), { name });

/** A failure of the element's own checks of a method call: its code is its message. */
export const checkError = (code: CheckCode): KaleyraCallError =>
  new KaleyraCallError('call', code, code, true, undefined, undefined, {});

/** `values` without its undefined entries. */
export function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
