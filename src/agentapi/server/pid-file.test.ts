import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { PidFile, PidFileError } from './pid-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pidfile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A PID that certainly belongs to no process: one that just exited. */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
}

describe('PidFile', () => {
  it('writes "<pid>\\n" with mode 0600, creating missing directories', () => {
    const file = path.join(dir, 'missing', 'dir', 'agentapi.pid');
    const pid = PidFile.acquire(file, silentLogger());
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    pid.release();
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a live PID with the exact message and leaves the file untouched', () => {
    const file = path.join(dir, 'agentapi.pid');
    writeFileSync(file, `${process.ppid}\n`);
    expect(() => PidFile.acquire(file, silentLogger())).toThrow(
      new PidFileError(
        'pid_file_in_use',
        `failed to write PID file: another instance is already running with PID ${process.ppid} (PID file: ${file})`,
      ),
    );
    expect(readFileSync(file, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it.each([
    ['a stale PID', () => `${deadPid()}\n`],
    ['garbage', () => 'not a pid\n'],
    ['an empty file', () => ''],
  ])('overwrites %s', (_name, content) => {
    const file = path.join(dir, 'agentapi.pid');
    writeFileSync(file, content());
    PidFile.acquire(file, silentLogger()).release();
    expect(existsSync(file)).toBe(false);
  });

  it('does not remove a file that another process has taken over', () => {
    const file = path.join(dir, 'agentapi.pid');
    const pid = PidFile.acquire(file, silentLogger());
    writeFileSync(file, '12345\n');
    pid.release();
    expect(readFileSync(file, 'utf8')).toBe('12345\n');
  });
});
