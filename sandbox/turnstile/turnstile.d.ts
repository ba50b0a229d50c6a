// Types of the browser stand-in of Turnstile (sandbox/turnstile/browser/): the slice of
// `window.turnstile` it implements, and its test control `window.__turnstileStandIn`. No global
// declarations (the element declares its own view of `window.turnstile`); read them with
//   const { turnstile, __turnstileStandIn } = window as unknown as TurnstileGlobals;

export interface TurnstileRenderParams {
  sitekey: string;
  action?: string;
  cData?: string;
  callback?: (token: string) => void;
  'error-callback'?: (code: string) => boolean | void;
  'expired-callback'?: () => void;
  'timeout-callback'?: () => void;
  'before-interactive-callback'?: () => void;
  'after-interactive-callback'?: () => void;
  theme?: 'auto' | 'light' | 'dark';
  language?: string;
  size?: 'normal' | 'compact' | 'flexible';
  appearance?: 'always' | 'execute' | 'interaction-only';
  execution?: 'render' | 'execute';
  retry?: 'auto' | 'never';
  'retry-interval'?: number;
  'refresh-expired'?: 'auto' | 'manual' | 'never';
  'refresh-timeout'?: 'auto' | 'manual' | 'never';
  'response-field'?: boolean;
  'response-field-name'?: string;
  tabindex?: number;
}

export type WidgetRef = string | Element;

export interface Turnstile {
  render(container: string | Element, params: TurnstileRenderParams): string;
  reset(widget?: WidgetRef): void;
  remove(widget?: WidgetRef): void;
  getResponse(widget?: WidgetRef): string | undefined;
  isExpired(widget?: WidgetRef): boolean;
  execute(container: WidgetRef, params?: Partial<TurnstileRenderParams>): void;
  ready(callback: () => void): void;
}

export type WidgetState =
  'idle' | 'running' | 'interactive' | 'success' | 'error' | 'expired' | 'timeout';

export interface TurnstileStandInControl {
  endpoints: { challenge: string; control: string };
  liveWidgets(): number;
  widgetIds(): string[];
  activeTimers(): number;
  activeListeners(): number;
  state(widget?: WidgetRef): WidgetState;
  expire(widget?: WidgetRef): void;
  timeOut(widget?: WidgetRef): void;
  setInteractiveTimeoutMs(ms: number | null): void;
  setBehavior(challenge: 'pass' | 'interactive' | 'fail', sitekey?: string): Promise<unknown>;
  serverState(): Promise<unknown>;
}

export interface TurnstileGlobals {
  turnstile?: Turnstile;
  __turnstileStandIn?: TurnstileStandInControl;
}
