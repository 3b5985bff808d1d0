// Keeping the first user's token: the §3.3 line (and lines that only look
// like it), the 0600 session file, and the §3.7 CLI files.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSessionToken, logInCli, parseFirstUserLine, saveSessionToken } from './session.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'taskyard-up-session-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('parseFirstUserLine', () => {
  it.each<[string, ReturnType<typeof parseFirstUserLine>]>([
    ['First user "admin" created. Session token: abcdefghij-0123456789012345678901', { username: 'admin', token: 'abcdefghij-0123456789012345678901' }],
    ['First user "ops-1" created. Session token: tok\r', { username: 'ops-1', token: 'tok' }],
    ['first user "admin" created. Session token: x', undefined],
    ['First user "admin" created. Session token: ', undefined],
    ['some other output', undefined],
    ['', undefined],
  ])('%j', (line, expected) => expect(parseFirstUserLine(line)).toEqual(expected));
});

describe('session file', () => {
  it('saves 0600, loads back, replaces atomically', () => {
    const file = join(tempDir(), 'data', 'session');
    saveSessionToken(file, 'one');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    saveSessionToken(file, 'two');
    expect(loadSessionToken(file)).toBe('two');
    expect(readFileSync(file, 'utf8')).toBe('two\n');
  });

  it('treats a missing or empty file as no token', () => {
    const dir = tempDir();
    expect(loadSessionToken(join(dir, 'missing'))).toBeUndefined();
    writeFileSync(join(dir, 'empty'), '\n');
    expect(loadSessionToken(join(dir, 'empty'))).toBeUndefined();
  });

  it('logs the CLI in through the §3.7 files (dir 0700, files 0600)', () => {
    const dir = join(tempDir(), 'cli');
    logInCli(dir, 'http://127.0.0.1:3000', 'tok');
    expect(readFileSync(join(dir, 'url'), 'utf8')).toBe('http://127.0.0.1:3000\n');
    expect(readFileSync(join(dir, 'session'), 'utf8')).toBe('tok\n');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'session')).mode & 0o777).toBe(0o600);
  });
});
