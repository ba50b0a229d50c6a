import type { Context } from 'hono';
import type { AppEnv } from './env.js';
import { issueGuestToken } from './guest-token.js';
import { mintKaleyraToken, UpstreamError } from './kaleyra-api.js';
import { note } from './log.js';
import { getToken } from './token-cache.js';

/**
 * POST /v1/token and POST /v1/guest, the final handler: everything before it
 * (configuration, origin, rate limits, body, authentication or the guest
 * challenge) has passed, so the user id is a verified one. Answers the token
 * success body (docs/architecture.md, Token success body):
 * `{ access_token, expires_at, user_id }`, plus `app_id`, `region` and
 * `environment` when KALEYRA_APP_ID is set, plus for a guest a renewed
 * `guest_token` and its `guest_expires_at` (a sliding lifetime: a guest whose
 * page keeps refreshing never meets the end of its session).
 */
export async function issueToken(c: Context<AppEnv>): Promise<Response> {
  const { config, userId, userKey } = c.var;
  const guest = c.var.guest === true ? config.guest : undefined;
  try {
    const served = await getToken({
      key: userKey,
      userId,
      origin: new URL(c.req.url).origin,
      useCache: config.tokenCache,
      waitUntil: (promise) => c.executionCtx.waitUntil(promise),
      mint: () =>
        mintKaleyraToken({
          apiBase: config.apiBase,
          apiKey: config.apiKey,
          userId,
          expiresIn: guest ? guest.ttlSeconds : config.ttlSeconds,
        }),
    });
    note(c, {
      tokenSource: served.source,
      ...(served.upstreamStatus !== undefined && { upstreamStatus: served.upstreamStatus }),
      ...(served.attempts !== undefined && { upstreamAttempts: served.attempts }),
    });
    const { app } = config;
    const session = guest && (await issueGuestToken(guest, userId));
    return c.json({
      access_token: served.token.accessToken,
      expires_at: served.token.expiresAt,
      user_id: served.token.userId,
      ...(app && { app_id: app.appId, region: app.region, environment: app.environment }),
      ...(session && { guest_token: session.token, guest_expires_at: session.expiresAt }),
    });
  } catch (err) {
    if (err instanceof UpstreamError) {
      note(c, { upstreamStatus: err.upstreamStatus, upstreamAttempts: err.attempts });
    }
    throw err;
  }
}
