// `taskyard up` (what `npm start` runs) through the real bin, for the
// failures that must never start anything: its own bad settings give
// `error: <message>` and exit 1 before any directory is created; a bad
// server flag passed through gives the server's own error verbatim (not a
// progress line) and its exit code.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TASKYARD_BIN } from './helpers/taskyard-process.js';
import { spawn } from 'node:child_process';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function up(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string; cwd: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'taskyard-up-cli-'));
  dirs.push(cwd);
  const clean = { ...process.env };
  for (const name of ['PORT', 'TASKYARD_ADDRESS', 'TASKYARD_DATA_DIR', 'TASKYARD_POSTGRES_URL']) delete clean[name];
  const child = spawn(process.execPath, [TASKYARD_BIN, 'up', ...args], { cwd, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, cwd })));
}

describe('taskyard up: bad settings', () => {
  it.each<[string, string[], NodeJS.ProcessEnv, string]>([
    ['--address without port', ['--address', 'localhost'], {}, 'error: invalid --address "localhost": expected <host>:<port>\n'],
    ['PORT not a number', [], { PORT: 'eighty' }, 'error: invalid PORT "eighty": expected a port number (0-65535)\n'],
    ['TASKYARD_ADDRESS port too big', [], { TASKYARD_ADDRESS: '127.0.0.1:65536' }, 'error: invalid TASKYARD_ADDRESS "127.0.0.1:65536": expected <host>:<port>\n'],
  ])('%s → error, exit 1, nothing created', async (_name, args, env, stderr) => {
    const result = await up(args, env);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr });
    expect(existsSync(join(result.cwd, '.taskyard'))).toBe(false);
  });

  it("passes a bad server flag's error through verbatim with the server's exit code", async () => {
    const result = await up(['--address', '127.0.0.1:0', '--log-level', 'trace']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: invalid --log-level "trace": expected debug, info, warn or error\n');
    expect(result.stderr).toContain('error: taskyard server exited with code 1; its log is in .taskyard/server.log\n');
    expect(result.stdout).not.toContain('taskyard is running');
  });
});
