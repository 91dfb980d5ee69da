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
// The gateway's own answers for a session that is gone: a 401 with one of these codes and the gateway's mark, a
// header no upstream's response can carry through it. Any other 401 (an upstream API refusing its token, say, even
// with the same body) says nothing about the session.
const SESSION_CODES = new Set(['unauthenticated', 'session_expired']);
const SESSION_HEADER = 'Bff-Session';
const SESSION_ENDED = 'ended';
const LOGIN_ERROR = '#bff-login-error=';
const SILENT_SOURCE = 'bff-silent-login';

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
 * - `session-expired`: the gateway refused a call with 401 `session_expired` or `unauthenticated` (and its
 *   `Bff-Session: ended` header) because the session ended (idle timeout, revoked on another device, IdP
 *   logout...), `detail.code` being that code;
 * - `restored`: the page came back from the back/forward cache; cached state was dropped and the app
 *   should render again from `user()`.
 * Every one of them means the cached user and antiforgery token have been dropped. These do not:
 * - `api-error`: a `fetch()` answered an error that does not end the session (`detail`: status, code, problem, body);
 * - `rate-limited`: a 429 `rate_limited` (`detail.retryAfter` in seconds, `detail.until`);
 * - `session-expiring`: the session ends within `expiringBefore` (`detail`: expiresAt, reason, canExtend);
 * - `session-extended`: a session that was expiring has a later deadline now.
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
  #storageKey = null; // the localStorage key that stands in for the channel where BroadcastChannel is missing
  #expiringBefore;
  #pollInterval;
  #silentTimeout;
  #watch = null; // the expiry watch: { timer, warned, generation }
  #skew = 0; // the gateway's clock minus this one, in ms (from the Date header)
  #rateLimitedUntil = 0;
  #silent = null; // the silent login in flight

  /**
   * @param {{ base?: string, channelName?: string | null, expiringBefore?: number, pollInterval?: number,
   *           silentLoginTimeout?: number }} [options]
   *   `base`: the gateway's root URL (default: the page's origin); `channelName`: the BroadcastChannel
   *   that keeps tabs in step (default `'bff'`; null turns cross-tab sync off); `expiringBefore`: how long
   *   before the session's deadline `session-expiring` fires, in ms (default two minutes; 0 turns the watch
   *   off); `pollInterval`: how often the watch asks `/bff/user?slide=false`, in ms (default one minute);
   *   `silentLoginTimeout`: how long `silentLogin()` waits, in ms (default ten seconds).
   */
  constructor({ base, channelName = 'bff', expiringBefore = 120_000, pollInterval = 60_000, silentLoginTimeout = 10_000 } = {}) {
    super();
    this.#base = new URL(base ?? '/', location.href);
    if (this.#base.origin !== location.origin) {
      throw new TypeError('bff-client: the gateway must be the page\'s own origin (its cookies are same-site only).');
    }

    this.#expiringBefore = expiringBefore;
    this.#pollInterval = pollInterval;
    this.#silentTimeout = silentLoginTimeout;
    if (channelName && typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel(channelName);
      this.#channel.onmessage = (event) => this.#onMessage(event.data);
    } else if (channelName && typeof localStorage === 'object') {
      // Older browsers: a write to localStorage fires `storage` in every other tab of the origin. The value is
      // only the message (an event name and the session's public handle), removed again at once.
      this.#storageKey = 'bff-channel:' + channelName;
      addEventListener('storage', (event) => {
        if (event.key === this.#storageKey && event.newValue) {
          try {
            this.#onMessage(JSON.parse(event.newValue));
          } catch {
            // not ours
          }
        }
      });
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

  /**
   * Changes the timings of the constructor's options (`expiringBefore`, `pollInterval`, `silentLoginTimeout`) on a
   * client that exists already, such as the shared `bff`; they apply from the next look at the session.
   */
  configure({ expiringBefore = this.#expiringBefore, pollInterval = this.#pollInterval, silentLoginTimeout = this.#silentTimeout } = {}) {
    this.#expiringBefore = expiringBefore;
    this.#pollInterval = pollInterval;
    this.#silentTimeout = silentLoginTimeout;
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

    return this.#send(request, { retryCsrf: true, report: true });
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

  /**
   * Starts a login: a top-level navigation to the IdP and back to `returnUrl` (a local path; default: here).
   * `prompt` (`'none'`, `'login'`, `'consent'`, `'select_account'`) is passed to the IdP; with `'none'` an IdP that
   * would need the user sends the browser back to `returnUrl` with `#bff-login-error=<code>` (see `takeLoginError()`).
   */
  login(returnUrl = location.pathname + location.search + location.hash, { prompt } = {}) {
    location.assign(this.#url('bff/login') + '?returnUrl=' + encodeURIComponent(returnUrl)
      + (prompt ? '&prompt=' + encodeURIComponent(prompt) : ''));
  }

  /**
   * The error code a `prompt=none` login came back with (`login_required`, ...), or null; removes it from the
   * address, so a reload does not see it again. An app that tries `login(..., { prompt: 'none' })` on start calls
   * this first and does not try again when it answers a code: that is what keeps it from looping.
   */
  takeLoginError() {
    const hash = location.hash;
    if (!hash.startsWith(LOGIN_ERROR)) return null;
    history.replaceState(history.state, '', location.pathname + location.search);
    return decodeURIComponent(hash.slice(LOGIN_ERROR.length));
  }

  /**
   * Asks the IdP in a hidden iframe whether the user is still signed in there (`prompt=none`): true when a
   * session was made, false when not, or when no answer came within `timeoutMs`. Never navigates the page and
   * never tries again by itself. Browsers do not send an IdP's cookies into a cross-site iframe, so with an IdP
   * on another site it answers false: use `login(returnUrl, { prompt: 'none' })` there.
   */
  silentLogin({ timeoutMs = this.#silentTimeout } = {}) {
    this.#silent ??= new Promise((resolve) => {
      const frame = document.createElement('iframe');
      frame.hidden = true;
      frame.setAttribute('aria-hidden', 'true');
      frame.tabIndex = -1;
      const finish = (isLoggedIn) => {
        clearTimeout(timer);
        removeEventListener('message', onMessage);
        frame.remove();
        resolve(isLoggedIn);
      };
      // Only the gateway's page in this very iframe can answer: another frame or origin posting the same shape is ignored.
      const onMessage = (event) => {
        if (event.origin === this.#base.origin && event.source === frame.contentWindow && event.data?.source === SILENT_SOURCE) {
          finish(event.data.isLoggedIn === true);
        }
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      addEventListener('message', onMessage);
      frame.src = this.#url('bff/silent-login');
      document.body.append(frame);
    }).then((isLoggedIn) => {
      this.#silent = null;
      // A new session replaced whatever this tab knew: user() asks again.
      if (isLoggedIn) this.#reset('unknown');
      return isLoggedIn;
    });
    return this.#silent;
  }

  /**
   * "Stay signed in": a call that slides the idle deadline (`GET /bff/user`). Answers the session's deadlines
   * afterwards, or null without a session. It cannot move the absolute deadline: when `session-expiring` says
   * `canExtend: false`, only a new login gives more time.
   */
  async extendSession() {
    const response = await this.#send(new Request(this.#url('bff/user')), {});
    if (response.status === 401) return null;
    const user = await this.#json(response);
    this.#observe(user.session, response);
    return user.session;
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

  async #send(request, { retryCsrf = false, quiet = false, report = false }) {
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
        return this.#send(spare, { retryCsrf: false, quiet, report });
      }
    }

    if (response.ok) return response;
    const problem = await problemOf(response);
    if (response.status === 429 && problem?.code === 'rate_limited') {
      this.#onRateLimited(response);
    } else if (endsSession(response, problem)) {
      if (!quiet) await this.#onUnauthorized(problem.code, generation);
    } else if (report) {
      this.#emit('api-error', {
        status: response.status, url: response.url, code: problem?.code ?? null, problem,
        body: problem ? null : await response.clone().text().catch(() => null), source: 'this-tab',
      });
    }

    return response;
  }

  // No retry here or anywhere: the app hears when it may call again, and the expiry watch waits until then.
  #onRateLimited(response) {
    const header = response.headers.get('Retry-After');
    const seconds = /^\d+$/.test(header ?? '') ? Number(header) : Math.max(1, Math.ceil((Date.parse(header) - Date.now()) / 1000) || 1);
    const until = Date.now() + seconds * 1000;
    if (until <= this.#rateLimitedUntil) return;
    this.#rateLimitedUntil = until;
    this.#emit('rate-limited', { retryAfter: seconds, until: new Date(until), url: response.url, source: 'this-tab' });
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
      this.#observe(user.session, response);
    }

    return user;
  }

  // ---- the expiry watch: polls /bff/user?slide=false, so watching never keeps an idle session alive ----

  #observe(session, response) {
    if (!session || !this.#expiringBefore || this.#state !== 'signed-in') return;
    const serverDate = Date.parse(response.headers.get('Date'));
    if (!Number.isNaN(serverDate)) this.#skew = serverDate - Date.now();
    const idle = Date.parse(session.idleExpiresAt);
    const absolute = Date.parse(session.absoluteExpiresAt);
    const reason = idle < absolute ? 'idle' : 'absolute';
    const expiresAt = Math.min(idle, absolute);
    const left = expiresAt - (Date.now() + this.#skew);
    const watch = this.#watch?.generation === this.#generation ? this.#watch : { generation: this.#generation, warned: null };
    clearTimeout(watch.timer);
    this.#watch = watch;
    if (left <= this.#expiringBefore) {
      if (watch.warned !== expiresAt) {
        watch.warned = expiresAt;
        // Sliding moves the idle deadline only up to the absolute one: worth offering only while idle is the nearer.
        this.#emit('session-expiring', { expiresAt: new Date(expiresAt - this.#skew), reason, canExtend: reason === 'idle', source: 'this-tab' });
      }
    } else if (watch.warned !== null) {
      watch.warned = null;
      this.#emit('session-extended', { expiresAt: new Date(expiresAt - this.#skew), source: 'this-tab' });
    }

    // Next look: at the poll interval, or when the warning is due, or just after the deadline, whichever is first.
    const untilWarning = left - this.#expiringBefore;
    let wait = Math.min(this.#pollInterval, untilWarning > 0 ? untilWarning : Math.max(left, 0) + 1000);
    wait = Math.max(wait, this.#rateLimitedUntil - Date.now(), 1000);
    watch.timer = setTimeout(() => this.#poll(watch), wait);
  }

  async #poll(watch) {
    if (this.#watch !== watch || watch.generation !== this.#generation) return;
    if (Date.now() < this.#rateLimitedUntil) {
      watch.timer = setTimeout(() => this.#poll(watch), this.#rateLimitedUntil - Date.now());
      return;
    }

    try {
      // Not quiet: a 401 here is the session ending, and the app hears it as from any other call.
      const response = await this.#send(new Request(this.#url('bff/user?slide=false')), {});
      if (response.ok && watch.generation === this.#generation) {
        this.#observe((await response.json()).session, response);
        return;
      }
    } catch {
      // the network: try again at the next interval
    }

    if (this.#watch === watch && watch.generation === this.#generation && this.#state === 'signed-in') {
      watch.timer = setTimeout(() => this.#poll(watch), Math.max(this.#pollInterval, this.#rateLimitedUntil - Date.now()));
    }
  }

  async #onUnauthorized(code, generation) {
    if (generation !== this.#generation || this.#state === 'expired') {
      return; // already handled, or an answer from before a login or logout
    }

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
    clearTimeout(this.#watch?.timer);
    this.#watch = null;
    this.#generation++;
    this.#user = null;
    this.#csrf = null;
    this.#sessionId = null;
    this.#state = state;
  }

  #post(message) {
    if (this.#channel) {
      this.#channel.postMessage(message);
    } else if (this.#storageKey) {
      try {
        // A nonce, so that the same message twice is still a change that other tabs hear.
        localStorage.setItem(this.#storageKey, JSON.stringify({ ...message, nonce: Math.random() }));
        localStorage.removeItem(this.#storageKey);
      } catch {
        // storage full or off: tabs are not kept in step
      }
    }
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function endsSession(response, problem) {
  return response.status === 401 && response.headers.get(SESSION_HEADER) === SESSION_ENDED && SESSION_CODES.has(problem?.code);
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
