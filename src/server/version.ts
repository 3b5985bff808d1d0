// The package version reported by `GET /api/v2/buildinfo` (§1.2.3), read
// from package.json (two levels up from both src/server/ and dist/server/).
// Never hard-code it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

let cached: string | undefined;

export function packageVersion(): string {
  cached ??= z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))).version;
  return cached;
}
