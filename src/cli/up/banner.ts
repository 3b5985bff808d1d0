// The text `taskyard up` prints once the server listens: where the dashboard
// and login page are, the session token to sign in with (or why there is
// none), how to point the CLI at this server, and what Ctrl+C does. Pure text;
// paths are shown relative to the working directory when they are inside it.
import { isAbsolute, relative } from 'node:path';

export interface BannerInput {
  accessUrl: string;
  /** The kept first-user token; undefined when this data dir has none. */
  token: string | undefined;
  /** The server rejected the kept token (e.g. the database was replaced). */
  tokenRejected?: boolean;
  sessionFile: string;
  cliConfigDir: string;
  serverLogFile: string;
  cwd: string;
}

/** `path` relative to `cwd` when inside it (`.taskyard/session`), else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

const shellWord = (text: string): string => (/^[\w./:@%+=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

export function bannerText(input: BannerInput): string {
  const url = input.accessUrl.replace(/\/+$/, '');
  const session = displayPath(input.sessionFile, input.cwd);
  const cli = displayPath(input.cliConfigDir, input.cwd);
  const lines = ['', `taskyard is running at ${url}`, '', `  Dashboard   ${url}/tasks`, `  Sign in     ${url}/login`];
  if (input.token === undefined) {
    lines.push(
      `              no session token kept in ${session}: the first user's token is printed only once, when the`,
      '              database is created; sign in with a token you kept, or start over with a new --data-dir',
    );
  } else if (input.tokenRejected) {
    lines.push(`              the token kept in ${session} was rejected by the server (was the database replaced?)`);
  } else {
    lines.push(`              session token: ${input.token}  (kept in ${session})`);
    lines.push(`  CLI         TASKYARD_CONFIG_DIR=${shellWord(cli)} npx taskyard task list`);
  }
  lines.push(
    `  Server log  ${displayPath(input.serverLogFile, input.cwd)}`,
    '  Stop        Ctrl+C pauses the running tasks (they resume later with their conversation), then stops',
    '              the server and PostgreSQL; press Ctrl+C again to stop faster',
    '',
  );
  return lines.join('\n');
}
