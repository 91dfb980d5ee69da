// Development OpenID Provider for the Bff gateway: see docs/dev-idp.md. Not for production.
// Its npm packages live outside the repository (packages.mjs); a resolution hook finds them there, so it must be
// registered before the IdP's own modules are loaded.
import { register } from 'node:module';

import { isInstalled, packagesDirectory } from './packages.mjs';

register('./lib/resolve-packages.mjs', import.meta.url, { data: { directory: packagesDirectory } });

try {
  await import('./lib/main.mjs');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || isInstalled()) {
    throw err;
  }

  console.error(`[idp] its npm packages are not installed in ${packagesDirectory}: infra/demo.sh and infra/test.sh install them (docs/dev-idp.md)`);
  process.exit(2);
}
