// Types of the Turnstile stand-in server (turnstile-api.mjs), for TypeScript tests.

export declare const TOKEN_TTL_MS: number;
export declare const MAX_RESPONSE_LENGTH: number;
export declare const DUMMY_TOKEN: 'XXXX.DUMMY.TOKEN.XXXX';
export declare const TEST_SITEKEYS: Readonly<
  Record<string, { challenge: Challenge; mode: 'managed' | 'invisible' }>
>;
export declare const TEST_SECRETS: Readonly<Record<string, 'pass' | 'fail' | 'spent'>>;
export declare const SANDBOX_SITE: Readonly<{ sitekey: string; secret: string }>;

export declare class TurnstileDisconnect extends Error {}

export type Challenge = 'pass' | 'interactive' | 'fail';

export interface Site {
  sitekey: string;
  secret: string;
  /** Hostnames (and their subdomains) the widget may run on; any when omitted. */
  domains?: string[];
  mode?: 'managed' | 'invisible';
}

export interface SiteverifyBehavior {
  mode: 'normal' | 'outage' | 'internal-error' | 'slow';
  /** outage: answer this 5xx with an HTML page instead of dropping the connection. */
  status?: number;
  /** slow: the delay before the normal answer. */
  ms?: number;
  /** Back to normal after this many siteverify calls. */
  times?: number;
}

export interface SiteverifyRequest {
  at: string;
  remoteip?: string;
  idempotency_key?: string;
  secret: 'missing' | 'invalid' | 'test-pass' | 'test-fail' | 'test-spent' | 'sandbox';
  response: 'missing' | 'present';
  /** null when no verdict was given (outage). */
  success: boolean | null;
  errorCodes: string[];
}

export interface TokenFields {
  sitekey: string;
  action?: string;
  cData?: string;
  hostname: string;
  interactive?: boolean;
  /** Epoch ms of the challenge (default now). */
  challengeTs?: number;
}

export interface TurnstileControlState {
  challenge: { default: Challenge; sites: Record<string, Challenge> };
  siteverify: SiteverifyBehavior;
  siteverifyCalls: number;
  challengeCalls: number;
  requests: SiteverifyRequest[];
}

export interface TurnstileControl {
  addSite(site: Site): void;
  setChallenge(challenge: Challenge, sitekey?: string): void;
  setSiteverify(behavior: SiteverifyBehavior): void;
  readonly siteverifyCalls: number;
  readonly challengeCalls: number;
  requests(): SiteverifyRequest[];
  state(): TurnstileControlState;
  mint(fields: TokenFields): Promise<string>;
  reset(): void;
}

export interface TurnstileStandIn {
  fetch(request: Request): Promise<Response>;
  control: TurnstileControl;
}

export declare function createTurnstileStandIn(options?: {
  sites?: Site[];
  /** The HMAC key of minted tokens (default random). */
  tokenKey?: string;
  /** The clock, epoch ms (default Date.now). */
  now?: () => number;
}): TurnstileStandIn;
