import { readFileSync } from 'node:fs';

// Reads the IdP's environment once; a bad value stops start-up with the variable's name.
function text(name, fallback) {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

function positiveInteger(name, fallback) {
  const raw = text(name, undefined);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  }
  return value;
}

function oneOf(name, allowed, fallback) {
  const value = text(name, fallback);
  if (!allowed.includes(value)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value;
}

function list(name) {
  return text(name, '').split(',').map((s) => s.trim()).filter(Boolean);
}

// Keeps the value as written: URL normalisation would add a trailing slash to a bare origin,
// and an audience or redirect URI is compared as an exact string.
function absoluteUrl(name, value) {
  if (!URL.canParse(value)) {
    throw new Error(`${name} must hold absolute URLs, got "${value}"`);
  }
  return value;
}

// A JWKS file ({"keys": [...]}) with the public keys the client signs its assertions with (private_key_jwt).
function clientKeys(name) {
  const path = text(name, undefined);
  if (path === undefined) return undefined;
  let jwks;
  try {
    jwks = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${name} must name a readable JWKS file, got "${path}" (${err.code ?? err.name})`);
  }
  if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) throw new Error(`${name} must hold a JWKS with at least one key`);
  return jwks;
}

export function readSettings() {
  const port = positiveInteger('IDP_PORT', 5010);
  if (port > 65535) throw new Error(`IDP_PORT must be a TCP port, got "${port}"`);

  // Another loopback address puts the IdP on a site of its own (127.0.0.3 is not 127.0.0.1's site), as a real
  // IdP on its own domain is: what browsers then keep from it inside an iframe can be tried locally.
  const host = text('IDP_HOST', '127.0.0.1');
  if (!/^127(\.\d{1,3}){3}$/.test(host)) throw new Error(`IDP_HOST must be a loopback IPv4 address, got "${host}"`);

  const issuer = absoluteUrl('IDP_ISSUER', text('IDP_ISSUER', `http://${host}:${port}`));

  const redirectUris = list('IDP_REDIRECT_URIS').map((u) => absoluteUrl('IDP_REDIRECT_URIS', u));
  // A demo on a real host name needs its sign-out callback too; derive it from the sign-in one
  // unless given explicitly.
  const postLogoutRedirectUris = process.env.IDP_POST_LOGOUT_REDIRECT_URIS !== undefined
    ? list('IDP_POST_LOGOUT_REDIRECT_URIS').map((u) => absoluteUrl('IDP_POST_LOGOUT_REDIRECT_URIS', u))
    : redirectUris
      .filter((u) => new URL(u).pathname.endsWith('/signin-oidc'))
      .map((u) => u.replace(/\/signin-oidc$/, '/signout-callback-oidc'));

  const backchannelLogoutUri = text('IDP_BACKCHANNEL_LOGOUT_URI', undefined);
  if (backchannelLogoutUri !== undefined) absoluteUrl('IDP_BACKCHANNEL_LOGOUT_URI', backchannelLogoutUri);

  const authMethods = list('IDP_CLIENT_AUTH_METHODS');
  const knownMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
  for (const method of authMethods) {
    if (!knownMethods.includes(method)) throw new Error(`IDP_CLIENT_AUTH_METHODS takes ${knownMethods.join(', ')}, got "${method}"`);
  }
  const clientJwks = clientKeys('IDP_CLIENT_JWKS_FILE');
  if (authMethods.includes('private_key_jwt') && clientJwks === undefined) {
    throw new Error('IDP_CLIENT_AUTH_METHODS names private_key_jwt: set IDP_CLIENT_JWKS_FILE to the client\'s public keys');
  }

  // The second client: the demo's admin console, a frontend of its own on the same gateway.
  const adminRedirectUris = list('IDP_ADMIN_REDIRECT_URIS').map((u) => absoluteUrl('IDP_ADMIN_REDIRECT_URIS', u));
  const adminBackchannelLogoutUri = text('IDP_ADMIN_BACKCHANNEL_LOGOUT_URI', backchannelLogoutUri);
  if (adminBackchannelLogoutUri !== undefined) absoluteUrl('IDP_ADMIN_BACKCHANNEL_LOGOUT_URI', adminBackchannelLogoutUri);

  const refreshTokenTtl = positiveInteger('IDP_REFRESH_TOKEN_TTL', 86400);
  const sessionTtl = positiveInteger('IDP_SESSION_TTL', 86400);

  return {
    port,
    host,
    issuer,
    clientId: text('IDP_CLIENT_ID', 'bff'),
    clientSecret: text('IDP_CLIENT_SECRET', 'bff-secret'),
    // The first is the method the client is registered with; discovery advertises them all.
    authMethods: authMethods.length > 0 ? authMethods : ['client_secret_post', 'client_secret_basic'],
    clientJwks,
    redirectUris,
    postLogoutRedirectUris,
    backchannelLogoutUri,
    admin: {
      clientId: text('IDP_ADMIN_CLIENT_ID', 'bff-admin'),
      clientSecret: text('IDP_ADMIN_CLIENT_SECRET', 'bff-admin-secret'),
      redirectUris: adminRedirectUris,
      postLogoutRedirectUris: adminRedirectUris
        .filter((u) => new URL(u).pathname.endsWith('/signin-oidc'))
        .map((u) => u.replace(/\/signin-oidc$/, '/signout-callback-oidc')),
      backchannelLogoutUri: adminBackchannelLogoutUri,
    },
    apiResource: absoluteUrl('IDP_API_RESOURCE', text('IDP_API_RESOURCE', 'https://api.bff.example')),
    // More APIs (RFC 8707 resources), each the audience of its own JWT access tokens.
    apiResources: list('IDP_API_RESOURCES').map((u) => absoluteUrl('IDP_API_RESOURCES', u)),
    // APIs a login may name but the token endpoint refuses (invalid_target), as an IdP policy would.
    refusedResources: list('IDP_REFUSED_RESOURCES').map((u) => absoluteUrl('IDP_REFUSED_RESOURCES', u)),
    accessTokenTtl: positiveInteger('IDP_ACCESS_TOKEN_TTL', 300),
    idTokenTtl: positiveInteger('IDP_ID_TOKEN_TTL', 3600),
    refreshTokenTtl,
    sessionTtl,
    idTokenSigningAlg: oneOf('IDP_ID_TOKEN_SIGNING_ALG', ['RS256', 'PS256', 'ES256'], 'RS256'),
    accessTokenFormat: oneOf('IDP_ACCESS_TOKEN_FORMAT', ['jwt', 'opaque'], 'jwt'),
    // A grant that lapses takes every refresh token with it, so it outlives both.
    grantTtl: Math.max(refreshTokenTtl, sessionTtl) * 4,
  };
}
