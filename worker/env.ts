/**
 * The worker's bindings. Vars come from wrangler.jsonc (typed by `wrangler types`
 * into worker-configuration.d.ts); secrets are set with `wrangler secret put` and
 * are optional here because a missing one must become a clean 500, not a crash.
 */
export interface Bindings extends Cloudflare.Env {
  KALEYRA_API_KEY?: string;
  SITE_JWT_SECRET?: string;
}

export interface AppEnv {
  Bindings: Bindings;
}
