// A module resolution hook: a package not found beside the dev IdP's files is looked up in its packages directory
// (../packages.mjs), which lies outside the repository. Packages installed beside the files win, as in the compose
// image, which installs them there.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let parentInPackages;

export function initialize({ directory }) {
  // Resolving "as if imported from" a file in that directory searches its node_modules.
  parentInPackages = pathToFileURL(join(directory, 'package.json')).href;
}

const isBare = (specifier) => !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) {
      throw err;
    }

    return nextResolve(specifier, { ...context, parentURL: parentInPackages });
  }
}
