import { generateKeyPairSync, randomUUID } from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

import { findAccount } from './accounts.mjs';
import { errorPage, logoutDonePage, logoutPage } from './views.mjs';

// Tokens only need to verify while this process lives, so a fresh key per start is enough and
// nothing secret is ever written to disk.
function signingKey(alg = 'RS256') {
  const { privateKey } = alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg, use: 'sig' };
}

// RFC 8252 §7.3 lets loopback redirect URIs use any port; oidc-provider applies that only to
// native clients, and the gateway is a confidential web client whose tests bind random ports.
// So this dev IdP accepts http://127.0.0.1:<any port><path> for exactly the callback paths.
// The canonical-form comparison refuses userinfo, query, fragment and odd encodings.
function loopbackCallback(value, path) {
  const url = URL.parse(value);
  return url !== null
    && url.protocol === 'http:'
    // Any loopback address: the demo serves its second frontend on 127.0.0.2.
    && /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)
    && url.pathname === path
    && url.href === value
    && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
}

function allowAnyLoopbackPort(provider, clientIds) {
  const ours = (client) => clientIds.includes(client.clientId);
  // Overriding the Client prototype is oidc-provider's own recipe for custom redirect URI
  // matching (recipes/redirect_uri_wildcards.md); PAR, authorization and end_session all go
  // through these two methods.
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = provider.Client.prototype;
  provider.Client.prototype.redirectUriAllowed = function allowed(value) {
    return redirectUriAllowed.call(this, value)
      || (ours(this) && loopbackCallback(value, '/signin-oidc'));
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function allowed(value) {
    return postLogoutRedirectUriAllowed.call(this, value)
      || (ours(this) && loopbackCallback(value, '/signout-callback-oidc'));
  };
  // The gateway matches back-channel logout tokens to sessions by sid, so the ID token always
  // carries one, not only when a back-channel logout URI is registered.
  const { includeSid } = provider.Client.prototype;
  provider.Client.prototype.includeSid = function withSid() {
    return ours(this) || includeSid.call(this);
  };
}

function isLoopback(url) {
  const { hostname } = new URL(url);
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost';
}

export function createProvider(settings, log) {
  const client = {
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    client_name: 'Bff gateway (dev)',
    application_type: 'web',
    token_endpoint_auth_method: settings.authMethods[0],
    ...(settings.clientJwks && { jwks: settings.clientJwks }),
    // Logout tokens are signed the same way (oidc-provider has no separate setting for them).
    id_token_signed_response_alg: settings.idTokenSigningAlg,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    scope: 'openid profile email offline_access api',
    redirect_uris: ['http://127.0.0.1:5080/signin-oidc', ...settings.redirectUris],
    post_logout_redirect_uris: ['http://127.0.0.1:5080/signout-callback-oidc', ...settings.postLogoutRedirectUris],
    ...(settings.backchannelLogoutUri && {
      backchannel_logout_uri: settings.backchannelLogoutUri,
      backchannel_logout_session_required: true,
    }),
  };

  // The admin console's client: a second frontend of the same gateway, first-party as well.
  const admin = {
    ...client,
    client_id: settings.admin.clientId,
    client_secret: settings.admin.clientSecret,
    client_name: 'Bff admin console (dev)',
    redirect_uris: ['http://127.0.0.2:5080/signin-oidc', ...settings.admin.redirectUris],
    post_logout_redirect_uris: ['http://127.0.0.2:5080/signout-callback-oidc', ...settings.admin.postLogoutRedirectUris],
    backchannel_logout_uri: undefined,
    backchannel_logout_session_required: undefined,
    ...(settings.admin.backchannelLogoutUri && {
      backchannel_logout_uri: settings.admin.backchannelLogoutUri,
      backchannel_logout_session_required: true,
    }),
  };
  for (const key of Object.keys(admin)) if (admin[key] === undefined) delete admin[key];

  const isBff = (c) => c?.clientId === settings.clientId || c?.clientId === settings.admin.clientId;
  const knownResources = [settings.apiResource, ...settings.apiResources, ...settings.refusedResources];
  const resourceServer = (resource) => ({
    scope: 'api',
    audience: resource,
    accessTokenFormat: settings.accessTokenFormat,
    accessTokenTTL: settings.accessTokenTtl,
    jwt: { sign: { alg: 'RS256' } },
  });

  const provider = new Provider(settings.issuer, {
    clients: [client, admin],
    // By default both secret methods are advertised: oidc-provider takes a client secret from
    // either place whatever the registered method. IDP_CLIENT_AUTH_METHODS narrows it, as an IdP
    // that allows only client_secret_basic or private_key_jwt does.
    clientAuthMethods: settings.authMethods,
    responseTypes: ['code'],
    // RS256 signs access tokens whatever the ID tokens are signed with.
    jwks: { keys: [signingKey(), ...(settings.idTokenSigningAlg === 'RS256' ? [] : [signingKey(settings.idTokenSigningAlg)])] },
    findAccount,
    // Signed cookies from a fixed dev key; over plain http oidc-provider leaves out Secure, so
    // curl cookie jars and browsers on 127.0.0.1 both keep them.
    cookies: { keys: ['bff-dev-idp-cookie-signing-key'] },
    claims: {
      openid: ['sub'],
      // role is no standard claim: it comes with profile, which the gateway asks for by default, as many IdPs
      // put roles in the ID token with the profile.
      profile: ['name', 'preferred_username', 'role'],
      email: ['email', 'email_verified'],
    },
    scopes: ['openid', 'profile', 'email', 'offline_access', 'api'],
    // Puts name and email in the ID token itself, where the gateway reads them.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // oidc-provider rotates (uses up) the refresh token before it looks at the `resource` asked for, so a refusal
    // there would leave the client holding a used token, whose next use revokes the whole grant. Refusing here,
    // before the rotation, leaves the refresh token as it was, as an IdP that checks first does.
    async rotateRefreshToken(ctx) {
      const { resource } = ctx.oidc.params;
      if (resource) {
        const granted = ctx.oidc.entities.RefreshToken?.resourceIndicators;
        if (settings.refusedResources.includes(resource) || (granted && !granted.has(resource))) {
          throw new errors.InvalidTarget();
        }
      }
      return true;
    },
    ttl: {
      AccessToken: settings.accessTokenTtl,
      ClientCredentials: settings.accessTokenTtl,
      IdToken: settings.idTokenTtl,
      RefreshToken: settings.refreshTokenTtl,
      Session: settings.sessionTtl,
      Grant: settings.grantTtl,
      Interaction: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      // A client may revoke and introspect its own tokens and nothing else.
      revocation: { enabled: true, allowedPolicy: async (_ctx, c, token) => token.clientId === c.clientId },
      introspection: { enabled: true, allowedPolicy: async (_ctx, c, token) => token.clientId === c.clientId },
      backchannelLogout: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = logoutDonePage();
        },
      },
      resourceIndicators: {
        enabled: true,
        // Without `resource` the API of IDP_API_RESOURCE, so every access token the gateway gets is a JWT an API can
        // validate. Of several granted ones (a login naming the routes' APIs), the session's own token is for that
        // one too; a token for another API is asked for by name.
        async defaultResource(_ctx, _client, oneOf) {
          if (!oneOf) return settings.apiResource;
          return oneOf.includes(settings.apiResource) ? settings.apiResource : oneOf[0];
        },
        // Refresh and code exchanges keep the resource granted at authorization, so a refreshed
        // token has the same format and audience as the first one.
        async useGrantedResource() {
          return true;
        },
        async getResourceServerInfo(_ctx, resource) {
          if (!knownResources.includes(resource)) throw new errors.InvalidTarget();
          return resourceServer(resource);
        },
      },
    },
    extraParams: {
      // The gateway asks for openid/profile/offline_access only; its first-party client always
      // gets the API scope too, so access tokens say what they are for.
      scope(ctx, value, c) {
        const scopes = value?.split(' ') ?? [];
        if (isBff(c) && scopes.includes('openid') && !scopes.includes('api')) {
          ctx.oidc.params.scope = [...scopes, 'api'].join(' ');
        }
      },
    },
    // First-party client: consent is implied, so the grant is built from what is asked for and
    // the consent prompt never fires (there is no consent page). Each authorization gets a grant
    // of its own: revoking one login's refresh token, or reusing a rotated one (which revokes the
    // whole grant), then never takes down another gateway session of the same browser.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      if (!isBff(oidc.client)) {
        const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
        return grantId ? oidc.provider.Grant.find(grantId) : undefined;
      }
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      // A login that names the routes' APIs still gets the session's own token for IDP_API_RESOURCE.
      if (!oidc.resourceServers[settings.apiResource]) {
        oidc.resourceServers[settings.apiResource] = new oidc.provider.ResourceServer(settings.apiResource, resourceServer(settings.apiResource));
      }
      grant.addOIDCScope([...oidc.requestParamOIDCScopes, 'offline_access'].join(' '));
      if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
      for (const [indicator, server] of Object.entries(oidc.resourceServers)) {
        grant.addResourceScope(indicator, server.scope);
      }
      await grant.save();
      return grant;
    },
    // oidc-provider strips offline_access unless the request says prompt=consent, which would
    // need a consent page. Treat the first-party client as having offline access instead: every
    // code exchange gets a refresh token, and tokens outlive the IdP's browser session the way
    // offline tokens do (the gateway revokes its own refresh token at logout).
    async issueRefreshToken(_ctx, c, source) {
      return c.grantTypeAllowed('refresh_token') && (isBff(c) || source.scopes.has('offline_access'));
    },
    async expiresWithSession(ctx, token) {
      return !isBff(ctx.oidc.client) && !token.scopes.has('offline_access');
    },
    // oidc-provider's SSRF guard refuses special-use addresses, loopback included, yet here the
    // back-channel logout receiver is a gateway on 127.0.0.1. Only loopback targets skip the guard.
    fetch(url, options) {
      const target = String(url);
      if (isLoopback(target)) delete options.dispatcher;
      return globalThis.fetch(target, options);
    },
    clientBasedCORS: () => false,
    async renderError(ctx, out, error) {
      // OAuth errors are already logged by the *.error events; only surprises are logged here.
      if (!(error instanceof errors.OIDCProviderError)) {
        log.error(`unexpected error on ${ctx.method} ${ctx.path}: ${error?.message ?? error}`);
      }
      ctx.type = 'html';
      ctx.body = errorPage(out.error, out.error_description);
    },
  });

  allowAnyLoopbackPort(provider, [settings.clientId, settings.admin.clientId]);
  return provider;
}
