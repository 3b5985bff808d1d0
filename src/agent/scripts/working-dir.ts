// The directory a script runs in (agent.md §2.4.2): the manifest `directory`
// (`~` and `$VAR` expanded like upstream's agent does) when it exists, else
// `$HOME`. Decided per run, because scripts may create the directory. It must
// never create directories.
import { statSync } from 'node:fs';
import path from 'node:path';
import { expandEnv, type EnvLookup } from './expand-env.js';

export function resolveWorkingDirectory(directory: string, homeDir: string, lookup: EnvLookup): string {
  if (directory !== '') {
    let candidate = directory.startsWith('~') ? path.join(homeDir, directory.slice(1)) : directory;
    candidate = expandEnv(candidate, lookup);
    if (isDirectory(candidate)) return candidate;
  }
  return homeDir;
}

function isDirectory(candidate: string): boolean {
  try {
    return statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}
