// Module resolution hooks for template modules (server.md §4.1.1 says they
// are ES modules, wherever they live):
// - `taskyard` / `taskyard/*` specifiers that cannot be resolved from the
//   importing file (a --templates-dir outside any project) resolve from inside
//   this package instead (Node's package self-reference, honouring "exports");
// - `.ts`/`.js` files under a templates directory load as ES modules even
//   without a `"type": "module"` package.json (tsx would otherwise compile
//   them to CommonJS, where neither hook nor top-level await applies).
// They must never change how any other specifier or file resolves. Each hook
// is registered at most once per process (per directory for the second).
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from './package-root.js';

let selfReferenceRegistered = false;
const esmDirs = new Set<string>();

function registerSource(source: string): void {
  register(`data:text/javascript,${encodeURIComponent(source)}`);
}

function selfReferenceHook(packageJsonUrl: string): string {
  return `
const PACKAGE_JSON_URL = ${JSON.stringify(packageJsonUrl)};
export async function resolve(specifier, context, nextResolve) {
  if (specifier !== 'taskyard' && !specifier.startsWith('taskyard/')) return nextResolve(specifier, context);
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED')) {
      return nextResolve(specifier, { ...context, parentURL: PACKAGE_JSON_URL });
    }
    throw err;
  }
}
`;
}

function esmDirHook(dirUrl: string): string {
  return `
const DIR_URL = ${JSON.stringify(dirUrl)};
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const url = resolved.url.split('?')[0];
  if (url.startsWith(DIR_URL) && !url.includes('/node_modules/') && /\\.(ts|js)$/.test(url)) {
    return { ...resolved, format: 'module' };
  }
  return resolved;
}
`;
}

/** Installs the hooks needed to import the template modules of `dir`. */
export function registerTemplateModuleHooks(dir: string): void {
  if (!selfReferenceRegistered) {
    selfReferenceRegistered = true;
    registerSource(selfReferenceHook(pathToFileURL(path.join(packageRoot(), 'package.json')).href));
  }
  const dirUrl = pathToFileURL(path.resolve(dir)).href.replace(/\/?$/, '/');
  if (esmDirs.has(dirUrl)) return;
  esmDirs.add(dirUrl);
  registerSource(esmDirHook(dirUrl));
}
