/**
 * The element's public types that are not events or attributes: what a page
 * hands the element (`authToken`, `tokenProvider`) and what it reads back
 * (`call`, the element's language). Types only: importing this module adds no
 * code to either CDN file.
 */

/** The languages of the element and of the SDK's widget. */
export type Language = 'en' | 'it' | 'es';

/** The call in progress: none, an outgoing one ringing, an incoming one, a live one, or its end. */
export type CallState = 'none' | 'dialing' | 'ringing' | 'active' | 'ended';

/** What a token source may say about the app its tokens are for. */
export interface AppInfo {
  appId?: string | undefined;
  region?: string | undefined;
  environment?: string | undefined;
}

/**
 * A Kaleyra access token and whom it is for (what a `tokenProvider` resolves
 * with); and, when the token source says, which Kaleyra app, region and
 * environment it was minted for.
 */
export interface Token extends AppInfo {
  accessToken: string;
  userId: string;
  /** ISO date. */
  expiresAt: string;
  /** A guest's credential for the next requests, and its expiry (set by the element itself). */
  guestToken?: string;
  guestExpiresAt?: string;
}

/** Replaces the token endpoint: the page's own function that gets a token. */
export type TokenProvider = () => Promise<Token>;

/** Sent as `Authorization: Bearer …`: a string, or a function that gets one. */
export type AuthToken = string | (() => Promise<string> | string);
