/**
 * The slice of the Kaleyra Video Web SDK ("chat widget", `window.BandyerSDK`)
 * that the element uses. See docs/kaleyra-sdk-notes.md, configure, Client and Events.
 */

export interface BandyerSdk {
  /** Synchronous in 2.7.5; throws `invalid_config_error` / `client_already_exists`. */
  configure(config: BandyerConfig): BandyerClient;
  destroyClient(): Promise<void>;
  isAuthenticated?(): boolean;
  readonly version?: string;
}

export interface BandyerConfig {
  appId: string;
  region: string;
  environment: string;
  hidden?: boolean;
  layout?: Record<string, unknown>;
  recordingType?: string;
  callType?: string;
  mode?: string;
  language?: string;
  tools?: Record<string, boolean>;
  virtualBackground?: string;
  feedback?: boolean;
  userDetailsProvider?: (userIds: string[]) => Promise<object[]>;
  userDetailsFormatter?: (user: object) => string;
}

export type Listener = (payload: unknown) => void;

export interface BandyerClient {
  readonly userId: string | null;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  connect(userId: string, accessToken: string): Promise<void>;
  disconnect(): Promise<void>;
  updateAccessToken(accessToken: string): Promise<unknown>;
  addChannel(userId: string): Promise<{ select(): void }>;
  createCall(userIds: string[], options?: Record<string, unknown>): Promise<unknown>;
  joinCallURL(url: string): Promise<unknown>;
  openWidget(): boolean;
  closeWidget(): boolean;
}

declare global {
  interface Window {
    BandyerSDK?: BandyerSdk;
  }
}
