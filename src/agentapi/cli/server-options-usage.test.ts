import { describe, expect, it } from 'vitest';
import { SERVER_FLAGS } from './server-options-flags.js';
import { SERVER_USAGE } from './server-options-usage.js';

describe('SERVER_USAGE', () => {
  it('shows the command line shape', () => {
    expect(SERVER_USAGE).toContain('  agentapi server [flags] -- <agent> [agent args...]\n');
  });

  it.each(SERVER_FLAGS.filter((f) => f.hidden !== true).map((f) => [f.name, f.short] as const))('lists --%s', (name, short) => {
    const line = SERVER_USAGE.split('\n').find((l) => l.includes(`--${name} `) || l.endsWith(`--${name}`));
    expect(line).toBeDefined();
    if (short !== undefined) expect(line).toContain(`-${short}, --${name}`);
  });

  it('hides --exit and documents -h', () => {
    expect(SERVER_USAGE).not.toContain('--exit');
    expect(SERVER_USAGE).toContain('-h, --help');
  });

  it('shows non-zero defaults the pflag way', () => {
    expect(SERVER_USAGE).toContain('(default 3284)');
    expect(SERVER_USAGE).toContain('(default "/chat")');
    expect(SERVER_USAGE).toContain('(default [localhost,127.0.0.1,[::1]])');
    expect(SERVER_USAGE).toMatch(/--term-width uint16 +Width of the emulated terminal \(default 80\)/);
  });

  it('aligns the help column and ends with a newline', () => {
    const flagLines = SERVER_USAGE.split('\n').filter((l) => /^ {2}(-\w, | {4})--/.test(l));
    const columns = new Set(flagLines.map((l) => /^ {2}(?:-\w, | {4})--[\w-]+(?: \w+)? +/.exec(l)![0].length));
    expect(flagLines.length).toBe(SERVER_FLAGS.filter((f) => f.hidden !== true).length + 1); // + --help
    expect(columns.size).toBe(1);
    expect(SERVER_USAGE.endsWith('\n')).toBe(true);
  });
});
