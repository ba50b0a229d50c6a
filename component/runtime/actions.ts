/**
 * The element's SDK actions, behind its public methods `startCall()`,
 * `openChat()`, `joinCall()`, `openWidget()` and `closeWidget()`: each on the
 * connected session's client, with the method's arguments or else the
 * element's attributes (`call-with`, `chat-with`, `join-url`).
 */
import type { Action, Host } from '../common/contract.js';
import { KaleyraCallError } from '../common/errors.js';
import type { BandyerClient } from '../common/sdk.js';
import { fromSdk, type MessageCode } from './messages.js';
import type { Session, SdkCall } from './session.js';

/**
 * `action` on the connected `session`, with the method's arguments `a` and
 * `b`. A failure rejects with a KaleyraCallError of phase `call`.
 */
export async function act(
  host: Host,
  session: Session,
  action: Action,
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
  const run: Record<
    Action,
    [unknown, MessageCode, (client: BandyerClient, arg: never) => unknown]
  > = {
    startCall: [
      a ?? (host.callWith && [host.callWith]),
      'no_callee',
      (c, ids: string[]) =>
        follow(
          c.createCall(ids, {
            callType: host.callType,
            recordingType: host.recordingType,
            ...(b as object | undefined),
          }),
        ),
    ],
    openChat: [
      a ?? host.chatWith,
      'no_chat_user',
      async (c, id: string) => {
        const view = await c.addChannel(id);
        view.select();
        return view;
      },
    ],
    joinCall: [a ?? host.joinUrl, 'no_join_url', (c, url: string) => follow(c.joinCallURL(url))],
    openWidget: [true, 'not_connected', (c) => c.openWidget()],
    closeWidget: [true, 'not_connected', (c) => c.closeWidget()],
  };
  const [arg, missing, method] = run[action];
  if (!arg) throw new KaleyraCallError({ phase: 'call', code: missing });
  try {
    return await method(client, arg as never);
  } catch (err) {
    throw fromSdk(err, 'call', 'call_failed');
  }
}
