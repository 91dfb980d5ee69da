// Type declarations for bff-client.js, served beside it at /bff-client.d.ts; docs/spa-client.md describes both.

/** One claim of the signed-in user, as the ID token had it. */
export interface BffClaim {
  type: string;
  value: string;
}

/** The session's public handle and deadlines (ISO 8601 instants); `expiresAt` is the earlier of the two deadlines. */
export interface BffSessionInfo {
  id: string;
  createdAt: string;
  expiresAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

/** `GET /bff/user`. */
export interface BffUser {
  sub: string;
  name: string | null;
  claims: BffClaim[];
  session: BffSessionInfo;
  logoutUrl: string;
}

/** One entry of `GET /bff/sessions`. */
export interface BffSessionEntry {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ipAddress: string | null;
  device?: string | null;
}

/** An RFC 9457 problem document of the gateway; `code` is stable. */
export interface BffProblem {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  traceId?: string;
  [member: string]: unknown;
}

export type BffPrompt = 'none' | 'login' | 'consent' | 'select_account';

export type BffEventSource = 'this-tab' | 'other-tab';

export interface BffEventDetails {
  login: { sessionId: string; source: BffEventSource };
  logout: { source: BffEventSource };
  'session-expired': { code: 'session_expired' | 'unauthenticated'; source: BffEventSource };
  restored: { source: BffEventSource };
  'api-error': { status: number; url: string; code: string | null; problem: BffProblem | null; body: string | null; source: 'this-tab' };
  'rate-limited': { retryAfter: number; until: Date; url: string; source: 'this-tab' };
  'session-expiring': { expiresAt: Date; reason: 'idle' | 'absolute'; canExtend: boolean; source: 'this-tab' };
  'session-extended': { expiresAt: Date; source: 'this-tab' };
}

export interface BffClientOptions {
  /** The gateway's root URL; it must be the page's own origin. Default: the page's origin. */
  base?: string;
  /** The BroadcastChannel (or, without one, the localStorage key) that keeps tabs in step; null turns it off. Default `'bff'`. */
  channelName?: string | null;
  /** How long before the session's deadline `session-expiring` fires, in ms; 0 turns the watch off. Default 120000. */
  expiringBefore?: number;
  /** How often the expiry watch asks `GET /bff/user?slide=false`, in ms. Default 60000. */
  pollInterval?: number;
  /** How long `silentLogin()` waits for its answer, in ms. Default 10000. */
  silentLoginTimeout?: number;
}

/** A non-2xx answer of a /bff endpoint. */
export class BffError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly problem: BffProblem | null;
}

export class BffClient extends EventTarget {
  constructor(options?: BffClientOptions);
  /** Changes the timings of a client that exists already (the shared `bff`); they apply from the next look at the session. */
  configure(options: Pick<BffClientOptions, 'expiringBefore' | 'pollInterval' | 'silentLoginTimeout'>): void;
  /** The public handle of the current session, once `user()` has answered. */
  readonly sessionId: string | null;
  /** `fetch` for the gateway's own origin, with the CSRF headers; errors are answered, not thrown. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Who is signed in, or null. Cached until a login, logout or expiry. */
  user(): Promise<BffUser | null>;
  /** A top-level navigation to the IdP and back to `returnUrl` (a local path). */
  login(returnUrl?: string, options?: { prompt?: BffPrompt }): void;
  /** The code a `prompt=none` login came back with (`#bff-login-error=`), removed from the address; or null. */
  takeLoginError(): string | null;
  /** Whether the IdP signs the user in without interaction, asked in a hidden iframe; false after the timeout. */
  silentLogin(options?: { timeoutMs?: number }): Promise<boolean>;
  /** "Stay signed in": slides the idle deadline; the session's deadlines afterwards, or null without a session. */
  extendSession(): Promise<BffSessionInfo | null>;
  logout(options?: { navigate?: boolean }): Promise<string>;
  sessions(): Promise<BffSessionEntry[]>;
  revokeSession(id: string): Promise<boolean>;
  revokeOtherSessions(): Promise<number>;

  addEventListener<K extends keyof BffEventDetails>(
    type: K, listener: (event: CustomEvent<BffEventDetails[K]>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof BffEventDetails>(
    type: K, listener: (event: CustomEvent<BffEventDetails[K]>) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** The page's shared client. */
export const bff: BffClient;
