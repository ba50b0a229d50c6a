import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';
import { mintKaleyraToken, UpstreamError } from './kaleyra-api.js';
import { note } from './log.js';
import { getToken } from './token-cache.js';

/**
 * POST /v1/token, last step: everything before it (configuration, origin, rate
 * limits, body, authentication) has passed, so the user id is a verified one.
 * Answers the token success body (docs/architecture.md, Token endpoint contract):
 * `{ access_token, expires_at, user_id }`, plus `app_id`, `region` and
 * `environment` when KALEYRA_APP_ID is set.
 */
export const issueToken = createMiddleware<AppEnv>(async (c) => {
  const { config, userId, userKey } = c.var;
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
          expiresIn: config.ttlSeconds,
        }),
    });
    note(c, {
      tokenSource: served.source,
      ...(served.upstreamStatus !== undefined && { upstreamStatus: served.upstreamStatus }),
      ...(served.attempts !== undefined && { upstreamAttempts: served.attempts }),
    });
    const { app } = config;
    return c.json({
      access_token: served.token.accessToken,
      expires_at: served.token.expiresAt,
      user_id: served.token.userId,
      ...(app && { app_id: app.appId, region: app.region, environment: app.environment }),
    });
  } catch (err) {
    if (err instanceof UpstreamError) {
      note(c, { upstreamStatus: err.upstreamStatus, upstreamAttempts: err.attempts });
    }
    throw err;
  }
});
