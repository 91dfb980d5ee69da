// Plain pages without external assets: browser tests look elements up by id and
// non-browser clients parse the forms, so the markup stays small and stable.
export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

function page(title, body, script = '') {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:22rem;margin:3rem auto}label,input,button{display:block;width:100%;margin:.3rem 0}.error{color:#b00020}</style>
</head>
<body>
${body}
${script}
</body>
</html>`;
}

export function loginPage({ uid, clientId, error, login }) {
  const errorHtml = error ? `<p class="error" id="error" role="alert">${escapeHtml(error)}</p>` : '';
  return page('Sign in', `<h1>Sign in</h1>
<p>to <strong>${escapeHtml(clientId)}</strong> (dev IdP: alice/alice or bob/bob)</p>
${errorHtml}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="login">User name</label>
<input id="login" name="login" required autofocus value="${escapeHtml(login)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button id="submit" type="submit">Sign in</button>
</form>`);
}

// oidc-provider hands over its form with the xsrf input already inside. logout=yes ends the
// whole IdP session (and fires back-channel logout); without it only this client's part is
// forgotten. The script submits at once so that a browser passes straight through.
export function logoutPage(form) {
  const withChoice = form.replace(
    '</form>',
    '<input type="hidden" name="logout" value="yes"/><button id="logout-yes" type="submit">Yes, sign me out</button></form>',
  );
  return page('Sign out', `<h1>Signing out…</h1>\n${withChoice}`,
    '<script>document.getElementById("op.logoutForm").submit();</script>');
}

export function logoutDonePage() {
  return page('Signed out', '<h1>Signed out</h1><p id="signed-out">You have been signed out.</p>');
}

export function errorPage(error, description) {
  return page('Error', `<h1>Error</h1>
<p id="error-code">${escapeHtml(error)}</p>
<p id="error-description">${escapeHtml(description)}</p>`);
}
