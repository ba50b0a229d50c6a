import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { validateConfig, type ConfigProblem } from './config.js';
import {
  KaleyraCallErrorEvent,
  KaleyraCallStateEvent,
  type ErrorDetail,
  type KaleyraCallState,
} from './events.js';
import { stringsFor, type Strings } from './i18n.js';
import { styles } from './kaleyra-call.styles.js';

/**
 * A drop-in Kaleyra Video call and chat launcher.
 *
 * @summary Gets a Kaleyra Video access token from a token endpoint, loads the
 * Kaleyra Video Web SDK, connects it, keeps the token fresh and cleans up.
 *
 * @fires kaleyra-call-state - every state change; detail `{state, previous}`
 * @fires kaleyra-call-error - any failure; detail `{phase, code, message, status?, retryInMs?, fatal}`
 *
 * @csspart launcher - the button that starts the call
 * @csspart status - the visible status text
 * @csspart error - the inline error message
 * @csspart retry - the "Try again" button
 *
 * @cssprop --kaleyra-call-accent - launcher background
 * @cssprop --kaleyra-call-accent-contrast - launcher text colour
 * @cssprop --kaleyra-call-radius - launcher corner radius
 * @cssprop --kaleyra-call-padding - launcher padding
 * @cssprop --kaleyra-call-font-family - font of the element
 * @cssprop --kaleyra-call-color - text colour of the element
 * @cssprop --kaleyra-call-focus-ring - focus outline
 * @cssprop --kaleyra-call-error-background - inline error background
 * @cssprop --kaleyra-call-error-color - inline error text colour
 * @cssprop --kaleyra-call-error-border - inline error border colour
 * @cssprop --kaleyra-call-radius-error - inline error corner radius
 */
export class KaleyraCallElement extends LitElement {
  static override styles = styles;

  /**
   * Registers the element. Safe to call more than once (a second copy of the
   * bundle on the page, or a framework re-import).
   */
  static define(tag = 'kaleyra-call', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tag)) registry.define(tag, this);
  }

  /** URL of the token endpoint (SPEC §2). Required unless `tokenProvider` is set. */
  @property({ attribute: 'token-endpoint' }) tokenEndpoint?: string;
  /** Kaleyra web app id. Required. */
  @property({ attribute: 'app-id' }) appId?: string;
  /** Kaleyra region: `eu`, `in`, `us`, `me`. */
  @property() region = 'eu';
  /** `sandbox` or `production`. */
  @property() environment = 'sandbox';
  /** When to start: `auto`, `visible`, `click` or `manual`. */
  @property({ attribute: 'connect' }) connectOn = 'auto';
  /** Fetch credentials mode of the token request: `omit`, `same-origin`, `include`. */
  @property() credentials = 'same-origin';
  /** Space-separated SDK tools. */
  @property() tools = 'chat';
  /** `audio_only`, `audio_upgradable` or `audio_video`. */
  @property({ attribute: 'call-type' }) callType = 'audio_video';
  /** `embed` or `window`. */
  @property() mode = 'embed';
  /** `none`, `manual` or `automatic`. */
  @property({ attribute: 'recording' }) recordingType = 'none';
  /** Widget and element language; defaults to the page's `lang` if en/it/es. */
  @property() language?: string;
  /** Launcher text; defaults to a localized "Video call". */
  @property() label?: string;
  /** Render no launcher or status: the element is a controller only. */
  @property({ type: Boolean, reflect: true }) headless = false;
  /** JS-only: replaces the endpoint fetch for apps with their own backend. */
  @property({ attribute: false }) tokenProvider?: () => Promise<{
    accessToken: string;
    userId: string;
    expiresAt: string;
  }>;

  @state() private _state: KaleyraCallState = 'idle';
  @state() private _problem?: ConfigProblem | undefined;

  /** The element's current state. */
  get state(): KaleyraCallState {
    return this._state;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.size > 0) this._checkConfig();
  }

  private _checkConfig(): void {
    const [problem] = validateConfig({
      appId: this.appId,
      tokenEndpoint: this.tokenEndpoint,
      hasTokenProvider: typeof this.tokenProvider === 'function',
      region: this.region,
      environment: this.environment,
      connectOn: this.connectOn,
      credentials: this.credentials,
      tools: this.tools,
      callType: this.callType,
      mode: this.mode,
      recordingType: this.recordingType,
    });
    const before = this._problem;
    this._problem = problem;
    if (problem && JSON.stringify(problem) !== JSON.stringify(before)) {
      this._fail({
        phase: 'config',
        code: problem.kind === 'missing' ? 'missing_attribute' : 'invalid_attribute',
        message: this._describe(problem),
        fatal: true,
      });
    }
  }

  private get _strings(): Strings {
    return stringsFor(this.language, document.documentElement.lang);
  }

  private _describe(problem: ConfigProblem): string {
    return problem.kind === 'missing'
      ? this._strings.missing(problem.attribute)
      : this._strings.invalid(problem.attribute, problem.value, problem.allowed.join(', '));
  }

  private _fail(detail: ErrorDetail): void {
    this._setState('error');
    this.dispatchEvent(new KaleyraCallErrorEvent(detail));
  }

  private _setState(next: KaleyraCallState): void {
    const previous = this._state;
    if (previous === next) return;
    this._state = next;
    this.setAttribute('state', next);
    this.dispatchEvent(new KaleyraCallStateEvent({ state: next, previous }));
  }

  protected override render() {
    const strings = this._strings;
    if (this._problem) {
      return html`<div part="error" role="alert">${this._describe(this._problem)}</div>`;
    }
    if (this.headless) return nothing;
    return html`<button part="launcher" type="button">${this.label || strings.label}</button>
      <span part="status" class="visually-hidden" role="status" aria-live="polite"
        >${strings.states[this._state]}</span
      >`;
  }
}
