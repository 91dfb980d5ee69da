// Development OpenID Provider for the Bff gateway: see docs/dev-idp.md. Not for production. Started by ../server.mjs.
import { createServer } from 'node:http';

import { interactionRoutes } from './interactions.mjs';
import { createProvider } from './provider.mjs';
import { readSettings } from './settings.mjs';

const log = {
  info: (message) => console.log(`[idp] ${message}`),
  error: (message) => console.error(`[idp] ${message}`),
};

let settings;
try {
  settings = readSettings();
} catch (err) {
  log.error(err.message);
  process.exit(2);
}

const provider = createProvider(settings, log);
provider.use(interactionRoutes(provider, log));

// Error events carry OAuth error codes and reasons only, never parameters or tokens.
// error_detail is oidc-provider's own reason (e.g. "refresh token already used"), never a value.
const describe = (err) => [err?.error ?? err?.name ?? 'error', err?.error_description, err?.error_detail]
  .filter(Boolean).join(' - ');
provider.on('server_error', (ctx, err) => log.error(`server error on ${ctx.method} ${ctx.path}: ${err?.message ?? err}`));
for (const event of ['authorization.error', 'pushed_authorization_request.error', 'grant.error',
  'revocation.error', 'introspection.error', 'end_session.error', 'jwks.error', 'discovery.error', 'userinfo.error']) {
  provider.on(event, (_ctx, err) => log.error(`${event}: ${describe(err)}`));
}
// Success lines name the grant type or the event only, so tests can count refreshes and revocations.
// A grant for a named API says which (an absolute URI from the gateway's configuration, never a secret).
provider.on('grant.success', (ctx) => log.info(`grant.success: ${ctx.oidc.params?.grant_type}${ctx.oidc.params?.resource ? ` for ${ctx.oidc.params.resource}` : ''}`));
provider.on('grant.revoked', () => log.info('grant.revoked'));
provider.on('pushed_authorization_request.success', () => log.info('pushed_authorization_request.success'));
provider.on('backchannel.success', (_ctx, client, accountId) => log.info(`back-channel logout delivered for ${accountId} to ${client?.backchannelLogoutUri} (${client?.clientId})`));
provider.on('backchannel.error', (_ctx, err, client, accountId) => log.error(`back-channel logout for ${accountId} to ${client?.backchannelLogoutUri} (${client?.clientId}) failed: ${err?.message ?? err}`));

const server = createServer(provider.callback());
server.on('error', (err) => {
  log.error(err.code === 'EADDRINUSE' ? `port ${settings.port} on ${settings.host} is already in use` : err.message);
  process.exit(1);
});
server.listen(settings.port, settings.host, () => {
  console.log(`IdP listening on ${settings.issuer}`);
});

function stop(signal) {
  log.info(`${signal}: shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
