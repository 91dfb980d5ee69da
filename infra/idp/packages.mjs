// Where the dev IdP's npm packages are installed: outside the repository, so that a checkout holds only our own
// files. One directory per lock file (named by its hash), so that checkouts of different revisions never reinstall
// each other's packages. BFF_IDP_PACKAGES names another base directory.
//
// Run as a script, it prints the directory and exits 0 when the packages are installed there, 3 when they are not
// (infra/lib.sh installs them; the tests' dev IdP fixture refuses to start without them).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const lock = readFileSync(join(here, 'package-lock.json'));
const base = process.env.BFF_IDP_PACKAGES || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bff', 'dev-idp');

export const packagesDirectory = join(base, createHash('sha256').update(lock).digest('hex').slice(0, 16));

// infra/lib.sh writes this file only after npm ci succeeded: a half-finished install does not count.
export const isInstalled = () => existsSync(join(packagesDirectory, 'installed'));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(packagesDirectory);
  process.exit(isInstalled() ? 0 : 3);
}
