// Locates this package's root directory (the one whose package.json is named
// `taskyard`) from the running module, so paths work from src/ (tsx, vitest)
// and from dist/ alike. It must never depend on the working directory.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && parsed.name === 'taskyard') return (cached = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the taskyard package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The built-in templates shipped in the package (server.md §4.3). */
export function builtinTemplateFiles(): string[] {
  return [path.join(packageRoot(), 'templates', 'demo.ts')];
}
