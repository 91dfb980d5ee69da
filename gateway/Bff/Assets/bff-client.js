// bff-client.js: the browser side of the Bff gateway, for single-page apps served from the gateway's origin.
// A dependency-free ES module; docs/spa-client.md describes it.
//
//   import { bff } from '/bff-client.js';
//   const user = await bff.user();                  // null when nobody is signed in
//   const notes = await (await bff.fetch('/api/notes')).json();
//   bff.addEventListener('session-expired', () => showLoginAgainDialog());
//
// The session lives in an HttpOnly cookie this script never sees. The one secret it holds is the
// antiforgery token of GET /bff/csrf, in memory only, and only for the session that fetched it.

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const DEFAULT_TOKEN_HEADER = 'X-XSRF-TOKEN';

/** A non-2xx answer of a /bff endpoint; `problem` is the RFC 9457 body when there is one (its `code` is stable). */
export class BffError extends Error {
  constructor(response, problem) {
    super(problem?.title ?? `The gateway answered ${response.status}`);
    this.name = 'BffError';
    this.status = response.status;
    this.code = problem?.code ?? null;
    this.problem = problem ?? null;
  }
}

/**
 * Events (all `CustomEvent`s; `detail.source` is `'this-tab'` or `'other-tab'`):
 * - `login`: another tab signed in, so a different session is now current (`detail.sessionId`);
 * - `logout`: this tab or another one logged out;
 * - `session-expired`: a call was refused with 401 because the session ended (idle timeout, revoked on
 *   another device, IdP logout...), `detail.code` being `session_expired` or `unauthenticated`;
 * - `restored`: the page came back from the back/forward cache; cached state was dropped and the app
 *   should render again from `user()`.
 * Every one of them means the cached user and antiforgery token have been dropped.
 */
export class BffClient extends EventTarget {
  #base;
  #channel = null;
  #user = null; // Promise of the user (or null), for the current session
  #csrf = null; // Promise of the antiforgery token, for the current session
  #tokenHeader = DEFAULT_TOKEN_HEADER;
  #generation = 0; // bumped on every reset, so an answer from before it is never cached after it
  #state = 'unknown'; // 'unknown' | 'signed-in' | 'signed-out' | 'expired'
  #sessionId = null;

  /**
   * @param {{ base?: string, channelName?: string | null }} [options]
   *   `base`: the gateway's root URL (default: the page's origin); `channelName`: the BroadcastChannel
   *   that keeps tabs in step (default `'bff'`; null turns cross-tab sync off).
   */
  constructor({ base, channelName = 'bff' } = {}) {
    super();
    this.#base = new URL(base ?? '/', location.href);
    if (this.#base.origin !== location.origin) {
      throw new TypeError('bff-client: the gateway must be the page\'s own origin (its cookies are same-site only).');
    }

    if (channelName && typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel(channelName);
      this.#channel.onmessage = (event) => this.#onMessage(event.data);
    }

    // A page restored from the back/forward cache keeps its JavaScript heap: whatever was cached may
    // belong to a session that has ended since (say, the user logged out and pressed Back).
    addEventListener('pageshow', (event) => {
      if (event.persisted) {
        this.#reset('unknown');
        this.#emit('restored', { source: 'this-tab' });
      }
    });
  }

  /** The public handle of the current session (`user().session.id`), once `user()` has answered. */
  get sessionId() {
    return this.#sessionId;
  }

  /**
   * `fetch` for same-origin calls through the gateway: adds `X-CSRF: 1`, and on unsafe methods the
   * antiforgery token; a 403 `csrf` is retried once with a fresh token; a 401 from a session that ended
   * fires `session-expired`. Answers the Response as `fetch` does (errors are not thrown).
   */
  async fetch(input, init) {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== location.origin) {
      throw new TypeError('bff.fetch only calls the gateway\'s own origin; use fetch for anything else.');
    }

    return this.#send(request, { retryCsrf: true });
  }

  /**
   * Who is signed in: `{ sub, name, claims, session: { id, createdAt, expiresAt }, logoutUrl }`, or null.
   * Asked once per session and cached until a login, logout or expiry.
   */
  user() {
    if (!this.#user) {
      const generation = this.#generation;
      const pending = this.#loadUser(generation);
      this.#user = pending;
      // A failure (the gateway unavailable, say) is not remembered: the next call asks again.
      pending.catch(() => {
        if (this.#user === pending) this.#user = null;
      });
    }

    return this.#user;
  }

  /** Starts a login: a top-level navigation to the IdP and back to `returnUrl` (a local path; default: here). */
  login(returnUrl = location.pathname + location.search + location.hash) {
    location.assign(this.#url('bff/login') + '?returnUrl=' + encodeURIComponent(returnUrl));
  }

  /**
   * Ends the session at the gateway (POST /bff/logout), forgets every cached thing, tells the other tabs,
   * then sends the browser to the IdP's end-session URL (it comes back to `/`). With `{ navigate: false }`
   * it answers that URL instead of going there.
   */
  async logout({ navigate = true } = {}) {
    const response = await this.#send(new Request(this.#url('bff/logout'), { method: 'POST' }), { retryCsrf: true, quiet: true });
    if (!response.ok) {
      // The session may well still be alive: say so rather than pretend.
      throw new BffError(response, await problemOf(response));
    }

    const { endSessionUrl } = await response.json();
    this.#reset('signed-out');
    this.#post({ type: 'logout' });
    this.#emit('logout', { source: 'this-tab' });
    if (navigate) {
      location.assign(endSessionUrl || '/');
    }

    return endSessionUrl || '/';
  }

  /** GET /bff/sessions: the user's sessions, the current one first (`current: true`). */
  async sessions() {
    return this.#json(await this.#send(new Request(this.#url('bff/sessions')), {}));
  }

  /** DELETE /bff/sessions/{id}: ends one of the user's other sessions. False when it was not (or no longer) there. */
  async revokeSession(id) {
    const response = await this.#send(new Request(this.#url('bff/sessions/' + encodeURIComponent(id)), { method: 'DELETE' }), { retryCsrf: true });
    if (response.status === 404) return false;
    if (!response.ok) throw new BffError(response, await problemOf(response));
    return true;
  }

  /** POST /bff/sessions/revoke-others: ends every session of the user but this one; answers how many. */
  async revokeOtherSessions() {
    const body = await this.#json(await this.#send(new Request(this.#url('bff/sessions/revoke-others'), { method: 'POST' }), { retryCsrf: true }));
    return body.revoked;
  }

  // ---- internals ----

  #url(path) {
    return new URL(path, this.#base).href;
  }

  async #json(response) {
    if (!response.ok) throw new BffError(response, await problemOf(response));
    return response.json();
  }

  async #send(request, { retryCsrf = false, quiet = false }) {
    const unsafe = UNSAFE_METHODS.has(request.method.toUpperCase());
    // Kept before the body is read, so the retry can send it again.
    const spare = unsafe && retryCsrf ? request.clone() : null;
    const generation = this.#generation;

    const headers = new Headers(request.headers);
    headers.set('X-CSRF', '1');
    if (unsafe) {
      const token = await this.#csrfToken();
      if (token) headers.set(this.#tokenHeader, token);
    }

    const response = await fetch(new Request(request, {
      headers,
      credentials: 'same-origin',
      // The gateway answers no-store anyway; this keeps even a misconfigured route out of the HTTP cache.
      cache: request.cache === 'default' ? 'no-store' : request.cache,
    }));

    if (response.status === 403 && spare) {
      const problem = await problemOf(response);
      if (problem?.code === 'csrf') {
        // A token of another session (a login or logout in a tab that did not tell us), or none: once more, fresh.
        if (generation === this.#generation) this.#csrf = null;
        return this.#send(spare, { retryCsrf: false, quiet });
      }
    }

    if (response.status === 401 && !quiet) {
      await this.#onUnauthorized(response, generation);
    }

    return response;
  }

  #csrfToken() {
    if (!this.#csrf) {
      const generation = this.#generation;
      const pending = this.#loadCsrf();
      this.#csrf = pending;
      pending.then(
        (token) => {
          // No session, no token: nothing worth keeping (a later login reloads the page anyway).
          if (token === null && this.#csrf === pending) this.#csrf = null;
        },
        () => {
          if (this.#csrf === pending) this.#csrf = null;
        });
      // A reset while it was in flight means it belongs to a session that is gone.
      return pending.then((token) => (generation === this.#generation ? token : null));
    }

    return this.#csrf;
  }

  async #loadCsrf() {
    const response = await fetch(this.#url('bff/csrf'), { headers: { 'X-CSRF': '1' }, credentials: 'same-origin', cache: 'no-store' });
    if (response.status === 401) {
      // No session: the unsafe call goes without a token and the endpoint answers its own 401.
      return null;
    }

    const body = await this.#json(response);
    this.#tokenHeader = body.headerName || DEFAULT_TOKEN_HEADER;
    return body.token;
  }

  async #loadUser(generation) {
    const response = await this.#send(new Request(this.#url('bff/user')), { quiet: true });
    if (response.status === 401) {
      if (generation === this.#generation && this.#state !== 'expired') this.#state = 'signed-out';
      return null;
    }

    const user = await this.#json(response);
    if (generation === this.#generation) {
      this.#state = 'signed-in';
      this.#sessionId = user.session?.id ?? null;
      // Other tabs still showing another session (or none) learn that this one is current now.
      this.#post({ type: 'login', sessionId: this.#sessionId });
    }

    return user;
  }

  async #onUnauthorized(response, generation) {
    if (generation !== this.#generation || this.#state === 'expired') {
      return; // already handled, or an answer from before a login or logout
    }

    const code = (await problemOf(response))?.code ?? 'unauthenticated';
    // "unauthenticated" means no cookie at all: news only if this tab believed it was signed in.
    if (code !== 'session_expired' && this.#state !== 'signed-in') {
      return;
    }

    const sessionId = this.#sessionId;
    this.#reset('expired');
    this.#post({ type: 'session-expired', sessionId });
    this.#emit('session-expired', { code, source: 'this-tab' });
  }

  #onMessage(message) {
    switch (message?.type) {
      case 'login':
        if (message.sessionId && message.sessionId !== this.#sessionId) {
          this.#reset('unknown');
          this.#emit('login', { sessionId: message.sessionId, source: 'other-tab' });
        }
        break;
      case 'logout':
        if (this.#state !== 'signed-out') {
          this.#reset('signed-out');
          this.#emit('logout', { source: 'other-tab' });
        }
        break;
      case 'session-expired':
        if (this.#state === 'signed-in' && message.sessionId === this.#sessionId) {
          this.#reset('expired');
          this.#emit('session-expired', { code: 'session_expired', source: 'other-tab' });
        }
        break;
    }
  }

  #reset(state) {
    this.#generation++;
    this.#user = null;
    this.#csrf = null;
    this.#sessionId = null;
    this.#state = state;
  }

  #post(message) {
    this.#channel?.postMessage(message);
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

async function problemOf(response) {
  if (!(response.headers.get('Content-Type') ?? '').includes('json')) return null;
  try {
    return await response.clone().json();
  } catch {
    return null;
  }
}

/** The page's shared client: import it wherever the app calls the gateway. */
export const bff = new BffClient();
