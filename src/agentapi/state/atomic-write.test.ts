import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { atomicWriteFileSync } from './atomic-write.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('atomicWriteFileSync', () => {
  it('creates missing parents 0700, writes the file 0600 and leaves no tmp file', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
    const file = path.join(dir, 'a', 'b', 'state.json');
    atomicWriteFileSync(file, 'hello\n');
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('replaces by rename, so the inode changes on every write', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
    const file = path.join(dir, 'state.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    const before = statSync(file).ino;
    atomicWriteFileSync(file, 'new');
    expect(statSync(file).ino).not.toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('fails without leaving a tmp file when the target is a directory, and keeps the directory', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
    const file = path.join(dir, 'state.json');
    mkdirSync(file);
    writeFileSync(path.join(file, 'inside'), 'kept');
    expect(() => atomicWriteFileSync(file, 'x')).toThrow();
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(readFileSync(path.join(file, 'inside'), 'utf8')).toBe('kept');
  });
});
