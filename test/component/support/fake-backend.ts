/**
 * A fake backend of its own for each test: the scripted token endpoint, guest endpoint and
 * SDK URL of test/support/fake-servers.mjs, under /fake/<id>/.
 */

export interface Step {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  network?: boolean;
  hang?: boolean;
  user?: string;
  ttlSeconds?: number;
  /** Fields added to a minted token's answer (app_id, region, environment). */
  extra?: Record<string, unknown>;
  /** A 401 with a guest offer, unless a guest credential the fake gave is sent. */
  guest?: boolean;
  challenge?: string;
  append?: string;
}

export interface LogEntry {
  kind: 'token' | 'sdk' | 'guest' | 'probe';
  method: string;
  headers: Record<string, string>;
  body?: string;
  start: number;
  end?: number;
}

/**
 * What a fake answers: its token and SDK steps, whose Turnstile stand-in its guest endpoint
 * asks, and the page it serves at /fake/<id>/page (support/host-page.ts), with its headers.
 */
export interface Script {
  token?: Step[];
  sdk?: Step[];
  turnstile?: string;
  page?: { html: string; csp?: string | undefined; headers?: Record<string, string> | undefined };
}

let seq = 0;

/** A fake backend (token endpoint + SDK URL) of its own for one test. */
export class Fake {
  readonly id = `t${Date.now().toString(36)}${seq++}`;
  readonly token = `/fake/${this.id}/token`;
  readonly sdk = `/fake/${this.id}/sdk`;

  async script(steps: Script): Promise<this> {
    await fetch(`/fake/${this.id}/script`, { method: 'PUT', body: JSON.stringify(steps) });
    return this;
  }

  async log(kind?: LogEntry['kind']): Promise<LogEntry[]> {
    const entries = (await (await fetch(`/fake/${this.id}/log`)).json()) as LogEntry[];
    return kind ? entries.filter((e) => e.kind === kind) : entries;
  }
}

export async function fake(steps: Script = {}): Promise<Fake> {
  return new Fake().script(steps);
}
