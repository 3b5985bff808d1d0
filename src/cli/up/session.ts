// Keeps the first user's session token of a `taskyard up` data directory.
// `taskyard server` prints `First user "<name>" created. Session token: <token>`
// exactly once ever (server.md §3.3), so the wrapper must catch that line and
// keep the token in `<data-dir>/session` (0600) to show it on every start, and
// log the CLI in through §3.7's `url` and `session` files in its own config
// dir. It never logs or prints the token itself (the banner does, on purpose).
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { saveCredentials } from '../api-client.js';

const FIRST_USER_LINE = /^First user "([^"]+)" created\. Session token: (\S+)\s*$/;

export interface FirstUser {
  username: string;
  token: string;
}

/** The §3.3 line, or undefined for any other stdout line of the server. */
export function parseFirstUserLine(line: string): FirstUser | undefined {
  const match = FIRST_USER_LINE.exec(line);
  return match ? { username: match[1]!, token: match[2]! } : undefined;
}

/** Writes the token atomically (a crash never leaves half a token), file 0600. */
export function saveSessionToken(file: string, token: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The kept token; undefined when the file is missing or empty. */
export function loadSessionToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `taskyard login`'s files (§3.7) in `configDir`, so `TASKYARD_CONFIG_DIR=<configDir> taskyard task …` works. */
export function logInCli(configDir: string, url: string, token: string): void {
  saveCredentials({ url, token }, { TASKYARD_CONFIG_DIR: configDir });
}
