// The runner's directories (agent.md §2.2.2): `<dataDirBase>/coder-script-data`,
// its shared `bin` dir (on every script's PATH) and one private dir per log
// source. Naming only, plus the 0700 creation the spec asks for; it must never
// delete anything.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export class ScriptDirs {
  readonly dataDir: string;
  readonly binDir: string;

  constructor(dataDirBase: string) {
    this.dataDir = path.join(dataDirBase, 'coder-script-data');
    this.binDir = path.join(this.dataDir, 'bin');
  }

  /** `CODER_SCRIPT_DATA_DIR` of a script: `<data dir>/<log_source_id>`. */
  scriptDataDir(logSourceId: string): string {
    return path.join(this.dataDir, logSourceId);
  }

  /** At init. Mode 0700 applies to the directories this call creates. */
  async createBinDir(): Promise<void> {
    await mkdir(this.binDir, { recursive: true, mode: 0o700 });
  }

  /** Before each run; returns the directory. */
  async createScriptDataDir(logSourceId: string): Promise<string> {
    const dir = this.scriptDataDir(logSourceId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }
}
