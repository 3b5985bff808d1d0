// `taskyard sync` runs in scripts' tight loops, so its module graph must stay
// small: walk the runtime imports (not `import type`) from sync-command.ts and
// fail on anything beyond the socket client, its wire types and commander.
// Static: must never import or run the modules it inspects.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) specifiers.push(match[1]!);
  for (const match of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!);
  return specifiers;
}

function moduleGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  }
  return { files: [...files].map((f) => relative(SRC, f)).sort(), packages: [...packages].sort() };
}

describe('sync CLI module graph', () => {
  it('loads only the socket client, wire types, its own helpers and commander', () => {
    const { files, packages } = moduleGraph(resolve(SRC, 'cli/sync/sync-command.ts'));
    expect(files).toEqual([
      'agent/socket/client.ts',
      'agent/socket/protocol.ts',
      'agent/socket/sse-reader.ts',
      'cli/sync/errors.ts',
      'cli/sync/go-duration.ts',
      'cli/sync/render.ts',
      'cli/sync/socket-path.ts',
      'cli/sync/start.ts',
      'cli/sync/sync-command.ts',
      'cli/sync/table.ts',
    ]);
    expect(packages.filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
  });
});
