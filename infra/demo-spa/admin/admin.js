// The demo's admin console: a second frontend (Bff:Frontends:admin) on 127.0.0.2, on top of bff-client.js.
import { bff } from '/bff-client.js';

const $ = (id) => document.getElementById(id);

function setState(state) {
  $('app').dataset.state = state;
  $('loading').hidden = state !== 'loading';
  $('anonymous').hidden = state !== 'anonymous';
  $('signed-in').hidden = state !== 'signed-in';
  $('logout').hidden = state !== 'signed-in';
}

function showError(message) {
  $('error').textContent = message ?? '';
  $('error').hidden = !message;
}

async function loadMe() {
  const response = await bff.fetch('/admin-api/me');
  if (response.status === 401) return;
  if (!response.ok) {
    showError(`The admin route answered ${response.status}.`);
    return;
  }

  const me = await response.json();
  $('me').textContent = JSON.stringify({ sub: me.sub, clientId: me.clientId, scope: me.scope }, null, 2);
}

async function render() {
  showError(null);
  setState('loading');
  let user;
  try {
    user = await bff.user();
  } catch (error) {
    setState('anonymous');
    showError(`Could not reach the gateway: ${error.message}`);
    return;
  }

  if (!user) {
    $('user-name').textContent = '';
    setState('anonymous');
    return;
  }

  $('user-name').textContent = user.name ?? user.sub;
  setState('signed-in');
  await loadMe();
}

$('login').addEventListener('click', () => bff.login('/admin/'));
$('logout').addEventListener('click', () => bff.logout().catch((error) => showError(error.message)));
$('refresh').addEventListener('click', () => loadMe());
bff.addEventListener('session-expired', () => render());
bff.addEventListener('logout', () => render());

render();
