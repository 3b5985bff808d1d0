// The package's commands for workspace processes: `taskyard` and `agentapi`
// as small shell shims in <data-dir>/bin that exec the running server's own
// Node binary on the package's bin/*.js. That directory goes first on the
// agent's PATH (server.md §4.4.4), so scripts find the same build of both
// CLIs without a global install. It writes only inside <data-dir>/bin.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../templates/index.js';

export const PACKAGE_COMMANDS = ['taskyard', 'agentapi'] as const;

/** The package's bin script of `command` (`<root>/bin/<command>.js`). */
export function packageBinScript(command: (typeof PACKAGE_COMMANDS)[number]): string {
  return path.join(packageRoot(), 'bin', `${command}.js`);
}

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** (Re)writes the shims into `binDir` (atomically, 0755) and returns `binDir`. */
export function writePackageBinShims(binDir: string, node: string = process.execPath): string {
  mkdirSync(binDir, { recursive: true, mode: 0o755 });
  for (const command of PACKAGE_COMMANDS) {
    const file = path.join(binDir, command);
    const content = `#!/bin/sh\nexec ${shellQuote(node)} ${shellQuote(packageBinScript(command))} "$@"\n`;
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    const temp = `${file}.${randomUUID()}.tmp`;
    writeFileSync(temp, content, { mode: 0o755 });
    chmodSync(temp, 0o755);
    renameSync(temp, file);
  }
  return binDir;
}
