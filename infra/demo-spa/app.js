// The demo SPA: plain DOM code on top of bff-client.js. Every element a test looks at has an id.
import { bff } from '/bff-client.js';

// The demo serves the admin console (a second frontend, on 127.0.0.2) from this same web root: its
// origin's own pages, such as where the IdP's logout lands (/), belong to the console.
if (location.hostname === '127.0.0.2') location.replace('/admin/');

const $ = (id) => document.getElementById(id);

// ?warnBefore=<seconds>&poll=<seconds> try the expiry warning with a gateway on short timeouts.
const settings = new URLSearchParams(location.search);
const seconds = (name) => (settings.has(name) ? Number(settings.get(name)) * 1000 : undefined);
bff.configure({ expiringBefore: seconds('warnBefore'), pollInterval: seconds('poll') });

// Whether the silent check ran in this page: once, at start, so nothing here can loop.
let silentChecked = false;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// Each render gets a number; an answer that arrives after a newer render started is dropped, so a
// slow response of one session can never be drawn into the page of the next.
let renderId = 0;

function setState(state) {
  $('app').dataset.state = state;
  $('loading').hidden = state !== 'loading';
  $('anonymous').hidden = state !== 'anonymous' && state !== 'expired';
  $('signed-in').hidden = state !== 'signed-in';
  $('nav').hidden = state !== 'signed-in';
  $('logout').hidden = state !== 'signed-in';
}

/** Removes everything of the user from the page. */
function clearUserData() {
  $('user-name').textContent = '';
  $('notes').replaceChildren();
  $('sessions').replaceChildren();
  $('devices-status').textContent = '';
  showError(null);
}

function showError(message) {
  $('error').textContent = message ?? '';
  $('error').hidden = !message;
}

function route() {
  return location.hash === '#/devices' ? 'devices' : 'notes';
}

async function render() {
  const id = ++renderId;
  clearUserData();
  setState('loading');
  let user;
  try {
    user = await bff.user();
  } catch (error) {
    if (id === renderId) {
      setState('anonymous');
      showError(`Could not reach the gateway: ${error.message}`);
    }
    return;
  }

  if (id !== renderId) return;
  if (!user && !silentChecked) {
    // Signed in at the IdP already? Then a session appears without the login page. A prompt=none login that
    // came back refused (#bff-login-error=) has answered that question already.
    silentChecked = true;
    if (bff.takeLoginError() === null && await bff.silentLogin()) {
      if (id === renderId) render();
      return;
    }
  }

  if (id !== renderId) return;
  if (!user) {
    setState('anonymous');
    return;
  }

  $('user-name').textContent = user.name ?? user.sub;
  await showRoute(id);
}

async function showRoute(id) {
  const page = route();
  $('notes-view').hidden = page !== 'notes';
  $('devices-view').hidden = page !== 'devices';
  $('tab-notes').classList.toggle('active', page === 'notes');
  $('tab-devices').classList.toggle('active', page === 'devices');
  const loaded = page === 'notes' ? await loadNotes(id) : await loadSessions(id);
  if (loaded && id === renderId) setState('signed-in');
}

async function loadNotes(id) {
  const response = await bff.fetch('/api/notes');
  // A 401 of the gateway's own (the session ended) has started a newer render through session-expired; any
  // other error, an upstream's own 401 included, leaves the user signed in.
  if (id !== renderId) return false;
  if (!response.ok) {
    showError(`The demo API answered ${response.status}.`);
    return true;
  }

  const notes = await response.json();
  if (id !== renderId) return false;
  $('notes').replaceChildren(...notes.map((note) => {
    const item = document.createElement('li');
    item.textContent = typeof note === 'string' ? note : (note.text ?? JSON.stringify(note));
    return item;
  }));
  return true;
}

async function loadSessions(id) {
  let sessions;
  try {
    sessions = await bff.sessions();
  } catch (error) {
    if (id === renderId && error.status !== 401) showError(error.message);
    return error.status !== 401;
  }

  if (id !== renderId) return false;
  $('sessions').replaceChildren(...sessions.map(sessionRow));
  $('revoke-others').disabled = !sessions.some((s) => !s.current);
  return true;
}

function sessionRow(session) {
  const row = document.createElement('tr');
  row.dataset.sessionId = session.id;
  if (session.current) row.classList.add('current');

  const device = document.createElement('td');
  const d = session.device;
  device.textContent = d && d.browser ? `${d.browser} on ${d.os}` : (session.userAgent ?? 'Unknown device');
  if (session.current) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'This device';
    device.append(' ', badge);
  }

  const cells = [device, cell(session.ipAddress ?? '—'), cell(formatDate(session.createdAt)), cell(formatDate(session.lastSeenAt))];
  const action = document.createElement('td');
  if (!session.current) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'revoke danger small';
    button.dataset.sessionId = session.id;
    button.textContent = 'Revoke';
    action.append(button);
  }

  row.append(...cells, action);
  return row;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function formatDate(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : dateFormat.format(date);
}

async function devicesAction(action, done) {
  const id = renderId;
  $('devices-status').textContent = 'Working…';
  try {
    const result = await action();
    if (id !== renderId) return;
    $('devices-status').textContent = done(result);
    await loadSessions(id);
  } catch (error) {
    if (id === renderId) {
      $('devices-status').textContent = '';
      if (error.status !== 401) showError(error.message);
    }
  }
}

// ---- wiring ----

$('login').addEventListener('click', () => bff.login());
$('session-expired-login').addEventListener('click', () => bff.login());
$('session-expired-close').addEventListener('click', () => $('session-expired').close());
$('session-expiring-close').addEventListener('click', () => $('session-expiring').close());
$('stay-signed-in').addEventListener('click', async () => {
  $('stay-signed-in').disabled = true;
  try {
    await bff.extendSession(); // session-extended closes the dialog
  } finally {
    $('stay-signed-in').disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  $('logout').disabled = true;
  try {
    await bff.logout(); // navigates to the IdP, which sends the browser back to /
  } catch (error) {
    showError(`Logout failed: ${error.message}`);
  } finally {
    $('logout').disabled = false;
  }
});

$('refresh-notes').addEventListener('click', () => loadNotes(renderId));

$('sessions').addEventListener('click', (event) => {
  const button = event.target.closest('button.revoke');
  if (!button) return;
  button.disabled = true;
  devicesAction(() => bff.revokeSession(button.dataset.sessionId), (revoked) => (revoked ? 'The session was revoked.' : 'That session had already ended.'));
});

$('revoke-others').addEventListener('click', () =>
  devicesAction(() => bff.revokeOtherSessions(), (n) => `Signed out ${n} other ${n === 1 ? 'device' : 'devices'}.`));

addEventListener('hashchange', () => {
  if ($('app').dataset.state === 'signed-in') showRoute(renderId);
});

bff.addEventListener('logout', () => {
  $('session-expiring').close();
  renderId++;
  clearUserData();
  setState('anonymous');
});

bff.addEventListener('login', () => {
  $('session-expired').close();
  render();
});

bff.addEventListener('session-expired', () => {
  $('session-expiring').close();
  renderId++;
  clearUserData();
  setState('expired');
  if (!$('session-expired').open) $('session-expired').showModal();
});

bff.addEventListener('session-expiring', (event) => {
  const { expiresAt, canExtend } = event.detail;
  const minutes = Math.max(0, Math.round((expiresAt - Date.now()) / 60_000));
  const when = minutes >= 1 ? `in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}` : 'in less than a minute';
  // Sliding cannot move the absolute deadline: then only a new login gives more time.
  $('session-expiring-text').textContent = canExtend
    ? `You will be signed out ${when}. Stay signed in?`
    : `You will be signed out ${when}: sessions last at most a day. Log in again to continue.`;
  $('stay-signed-in').hidden = !canExtend;
  if (!$('session-expiring').open) $('session-expiring').showModal();
});

bff.addEventListener('session-extended', () => $('session-expiring').close());

bff.addEventListener('api-error', (event) => {
  const { status, code } = event.detail;
  showError(`The API answered ${status}${code ? ` (${code})` : ''}.`);
});

bff.addEventListener('rate-limited', (event) => showError(`Too many requests: try again in ${event.detail.retryAfter} s.`));

bff.addEventListener('restored', () => render());

render();
