/**
 * Types of the SDK stand-in (bandyer-sdk.js, bundled from browser/): the `BandyerSDK`
 * surface it imitates and its test control API. It declares no globals, so it never clashes with the element's own slice of the
 * SDK types (component/sdk.ts); read the globals through `SdkStandInGlobals`:
 *
 *   const { BandyerSDK, __bandyerEmulator } = window as unknown as SdkStandInGlobals;
 */

/** Any listener: `never[]` parameters accept every function. */
export type AnyListener = (...args: never[]) => void;

export interface EventEmitter<M> {
  on<K extends keyof M & string>(event: K, listener: (payload: M[K]) => void): this;
  on(event: string, listener: AnyListener): this;
  addListener<K extends keyof M & string>(event: K, listener: (payload: M[K]) => void): this;
  addListener(event: string, listener: AnyListener): this;
  once<K extends keyof M & string>(event: K, listener: (payload: M[K]) => void): this;
  once(event: string, listener: AnyListener): this;
  off(event: string, listener: AnyListener): this;
  removeListener(event: string, listener: AnyListener): this;
  removeAllListeners(event?: string): this;
  emit(event: string, ...args: unknown[]): boolean;
  listeners(event: string): AnyListener[];
  listenerCount(event: string): number;
  eventNames(): string[];
}

/** SDK errors: `Error`s whose `name` equals their `code`. */
export interface ExposeError extends Error {
  code: string;
}

export type CallStatus = 'dialing' | 'connecting' | 'connected' | 'ended';

export interface ClientEvents {
  'client:access_token:is_about_to_expire': { expiresAt: string };
  /** `Error('access_token_expired')` when refused at connect, `{expiresAt}` for a live session. */
  'client:access_token:expired': Error | { expiresAt: string };
  'client:force_disconnect': { reason: string };
  'user:status:changed': { userId: string; status: 'online' | 'offline' };
  'call:incoming': { call: Call };
  'call:status:changed': { call: Call; status: CallStatus };
  'channel:message:sent': { message: Message };
  'channel:message:received': { message: Message };
  'channel:added': { channel: Channel };
  'channel:removed': { channelId: string; participants: string[] };
}

export interface Message {
  messageId: string;
  channel: Channel;
  sender: string;
  text: string;
  creationDate: string;
}

export interface Channel extends EventEmitter<{ 'channel:message:added': Message }> {
  channelId: string;
  participants: string[];
  unreadMessages: number;
  messages: Message[];
  sendMessage(text: string): Promise<Message>;
  fetchMessages(
    count?: number,
    anchorMessageId?: string,
    direction?: 'backwards' | 'afterward',
  ): Promise<{ messages: Message[]; anchor: string | null }>;
}

export interface ChannelView {
  readonly channel: Channel;
  textArea: string;
  select(): void;
}

export interface Call extends EventEmitter<{ 'status:changed': { status: CallStatus } }> {
  roomId: string;
  options: { callType: string; recordingType: string; live: boolean };
  creationDate: string;
  participants: string[];
  direction: 'incoming' | 'outgoing';
  status: CallStatus;
  recordingState: 'started' | 'stopped';
  endReason: string | null;
  answer(): Promise<void>;
  end(): Promise<void>;
}

export interface CallView {
  readonly call: Call;
  select(): void;
  tone: { ring: { play(): void; stop(): void } };
}

export interface BandyerConfig {
  appId: unknown;
  region: unknown;
  environment: unknown;
  [option: string]: unknown;
}

export interface Client extends EventEmitter<ClientEvents> {
  readonly region: string;
  readonly environment: string;
  readonly appId: string;
  readonly userId: string | null;
  readonly channelsView: Map<string, ChannelView>;
  readonly callView: CallView | null;
  /** Appends another div#Bandyer-bandyer-chat-widget to <body> each time; renders into the first. */
  connect(userId: unknown, accessToken: unknown): Promise<void>;
  disconnect(): Promise<void>;
  updateAccessToken(accessToken: unknown): Promise<{ expiresAt: string }>;
  addChannel(userId: unknown): Promise<ChannelView>;
  removeChannel(userId: unknown): Promise<void>;
  getChannelView(userId: unknown): ChannelView;
  selectChannelsView(): void;
  createCall(userIds: unknown, options?: Record<string, unknown>): Promise<CallView>;
  joinCallURL(url: unknown): Promise<CallView>;
  getOnlineUsers(): string[];
  showWidget(): true;
  hideWidget(): true;
  openWidget(): true;
  closeWidget(): true;
  toggleWidget(): true;
}

export interface BandyerSDK {
  configure(config: unknown): Client;
  destroyClient(): Promise<void>;
  isAuthenticated(): boolean;
  readonly version: string;
}

export type ConnectBehavior = 'auto' | 'hang' | { reject: string } | { delayMs: number };
export type UpdateBehavior = 'auto' | 'hang' | { reject: string };

export interface EffectiveConfig {
  appId: string;
  region: string;
  environment: string;
  hidden: boolean;
  layout: Record<string, unknown>;
  recordingType: string;
  isAdmin: boolean;
  callType: string;
  mode: string;
  language: string;
  tools: Record<string, boolean>;
  virtualBackground: string | null;
  feedback: boolean;
}

export interface CallStats {
  status: CallStatus;
  /** The RTCPeerConnection's connectionState; null for calls without a peer connection. */
  pcState: RTCPeerConnectionState | null;
  framesDecoded: number;
  bytesReceived: number;
  remoteTracks: number;
}

/**
 * The media client the SDK loads at connect (WebRTC; calls need it). `failed`: the script URL
 * was refused (Trusted Types) or the file did not load; kept for the page's lifetime.
 */
export interface MediaClientInfo {
  /** Absolute URL: by default bandyer-media-client.js beside the stand-in's own script. */
  url: string;
  status: 'idle' | 'loading' | 'loaded' | 'failed';
  /** Why it failed; null otherwise. */
  reason: string | null;
}

/** `window.__bandyerEmulator`: the "server side" of the stand-in, for tests and the sandbox. */
export interface SdkStandInControl {
  readonly version: string;
  /** Every SDK/client method the page called, in order. */
  readonly calls: { method: string; args: unknown[] }[];
  count(method: string): number;
  readonly lastConfig: unknown;
  readonly config: EffectiveConfig | null;
  readonly client: Client | null;
  setConnectBehavior(behavior: ConnectBehavior): void;
  setUpdateBehavior(behavior: UpdateBehavior): void;
  setSigningSecret(secret: string | null): void;
  setPushLeadMs(ms: number | null): void;
  setExpectedAppId(appId: string | null): void;
  setRingTimeoutMs(ms: number): void;
  /**
   * Where the next connect loads the media client from (null: the default); forgets a load that
   * happened. Without it, calls reject `media_client_unavailable`.
   */
  setMediaClientUrl(url: string | null): void;
  readonly mediaClient: MediaClientInfo;
  emit(event: string, payload?: unknown): boolean;
  aboutToExpire(): void;
  expire(): void;
  forceDisconnect(reason?: string): void;
  incomingCall(fromUserId: string, options?: { callType?: string }): Call;
  remoteAnswer(): void;
  remoteEnd(reason?: string): void;
  messageFrom(userId: string, text: string): Message | null;
  setPresence(userId: string, status: 'online' | 'offline'): void;
  /** Listeners on the current client (or on the last one, after destroyClient). */
  listenerCount(): number;
  activeTimers(): number;
  localTracksLive(): number;
  callStats(): Promise<CallStats | null>;
  /** The first div#Bandyer-bandyer-chat-widget, the one the widget renders into. */
  widget(): HTMLElement | null;
  /**
   * A fresh page: no client, timers, logs or widget containers; default behaviours; the media
   * client not loaded yet, from its default URL.
   */
  reset(): void;
}

export interface SdkStandInGlobals {
  BandyerSDK?: BandyerSDK;
  __bandyerEmulator?: SdkStandInControl;
}
