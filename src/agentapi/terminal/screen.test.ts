import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalScreen, TerminalScreenError } from './screen.js';

const screens: TerminalScreen[] = [];
function open(cols: number, rows: number): TerminalScreen {
  const screen = new TerminalScreen(cols, rows);
  screens.push(screen);
  return screen;
}

afterEach(async () => {
  await Promise.all(screens.splice(0).map((s) => s.dispose()));
});

describe('rendering (§4.1)', () => {
  // name, cols, rows, output fed, expected screen
  it.each([
    ['an empty screen is rows of spaces', 4, 2, '', '    \n    '],
    ['each row is padded to the width', 6, 3, 'ab\r\ncde', 'ab    \ncde   \n      '],
    ['a wide character is emitted once for its two cells', 6, 1, '世界x', '世界x '],
    ['wide characters filling the row need no padding', 4, 1, '世界', '世界'],
    ['only the visible rows remain after scrolling', 3, 2, '1\r\n2\r\n3\r\n4', '3  \n4  '],
    ['cursor addressing and erase-in-line apply', 5, 2, 'hello\x1b[2;3HX\x1b[1;2H\x1b[K', 'h    \n  X  '],
    ['long lines wrap at the width', 3, 2, 'abcdef', 'abc\ndef'],
  ])('%s', async (_name, cols, rows, input, expected) => {
    const screen = open(cols, rows);
    screen.feed(input);
    const rendered = await screen.read();
    expect(rendered).toBe(expected);
    expect(rendered.split('\n')).toHaveLength(rows);
    expect(rendered.endsWith('\n')).toBe(false);
  });
});

describe('ordering (§4.3)', () => {
  const numbered = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => `line ${String(from + i).padStart(7, '0')}`).join('\r\n') + '\r\n';

  it('a read reflects everything fed before it, with megabytes still in flight', async () => {
    const screen = open(40, 3);
    // ~8 MB in ~4 KB chunks, as a PTY delivers them, without waiting for the worker.
    const chunkLines = 250;
    const total = 500_000;
    for (let from = 0; from < total; from += chunkLines) screen.feed(numbered(from, from + chunkLines));
    screen.feed('tail');
    const rendered = await screen.read();
    expect(rendered.split('\n').map((l) => l.trimEnd())).toEqual([`line ${String(total - 2).padStart(7, '0')}`, `line ${String(total - 1).padStart(7, '0')}`, 'tail']);
  });

  it('every read sees the output fed before it and nothing is reordered', async () => {
    const screen = open(10, 1);
    const reads: Promise<string>[] = [];
    for (let i = 0; i < 50; i++) {
      screen.feed(`\r${String(i).padEnd(10)}`);
      reads.push(screen.read());
    }
    const screensSeen = (await Promise.all(reads)).map((s) => Number(s.trim()));
    // Each read runs after its vsync, so it may show later output, never earlier.
    screensSeen.forEach((seen, i) => expect(seen).toBeGreaterThanOrEqual(i));
    expect(screensSeen.at(-1)).toBe(49);
  });

  it('flush resolves once everything fed is parsed', async () => {
    const screen = open(20, 2);
    screen.feed(numbered(0, 20_000));
    await screen.flush();
    screen.feed('x');
    expect((await screen.read()).split('\n')[1]?.trimEnd()).toBe('x');
  });

  it('a repeated read without new output returns the same screen', async () => {
    const screen = open(8, 2);
    screen.feed('same');
    const first = await screen.read();
    expect(await screen.read()).toBe(first);
    screen.feed('!');
    expect(await screen.read()).toBe('same!   \n        ');
  });
});

describe('vsync (§4.2)', () => {
  // A scripted clock: each sleep advances time, feeding the output scheduled
  // inside the slept interval at its own instant.
  // name, output times relative to the read (ms), expected sleeps
  it.each<[string, number[], number[]]>([
    ['no output for a while: reads at once', [-100], []],
    ['output just now: one 16 ms wait', [0], [16]],
    ['output 6 ms ago: one wait, then the re-check passes', [-6], [16]],
    ['output stops during the first wait: two waits', [0, 10], [16, 16]],
    ['output keeps coming: capped at three waits (48 ms)', [0, 10, 26, 42, 47], [16, 16, 16]],
  ])('%s', async (_name, feedsAt, sleeps) => {
    let now = 0;
    const slept: number[] = [];
    const scheduled = feedsAt.slice(1);
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        const end = now + ms;
        for (let at = scheduled[0]; at !== undefined && at <= end; at = scheduled[0]) {
          scheduled.shift();
          now = at;
          screen.feed(`,${at}`);
        }
        now = end;
      },
    };
    const screen = new TerminalScreen(40, 1, clock);
    screens.push(screen);
    const [first = 0] = feedsAt;
    now = first;
    screen.feed(String(first));
    now = 0;
    const rendered = await screen.read();
    expect(slept).toEqual(sleeps);
    // The read happens after the waits, so it shows everything fed during them.
    expect(rendered.trimEnd()).toBe(feedsAt.filter((at) => at <= sleeps.length * 16).join(','));
  });
});

describe('lifetime and misuse', () => {
  it('dispose stops the worker thread and may be repeated', async () => {
    const screen = open(10, 2);
    await screen.read();
    await screen.dispose();
    await screen.dispose();
    expect(process.getActiveResourcesInfo()).not.toContain('MessagePort');
  });

  const requests: [string, (s: TerminalScreen) => Promise<unknown>][] = [
    ['read', (s) => s.read()],
    ['flush', (s) => s.flush()],
  ];

  it.each(requests)('%s after dispose rejects with screen_disposed', async (_name, call) => {
    const screen = open(10, 2);
    await screen.dispose();
    const err: unknown = await call(screen).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerminalScreenError);
    expect(err).toMatchObject({ code: 'screen_disposed', message: 'terminal screen is disposed' });
  });

  it.each(requests)('%s pending at dispose rejects with screen_disposed', async (_name, call) => {
    const screen = open(10, 2);
    await screen.flush();
    screen.feed('x'.repeat(4_000_000));
    const pending = call(screen);
    void screen.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'screen_disposed' });
  });

  it('feed after dispose is ignored', async () => {
    const screen = open(10, 2);
    await screen.dispose();
    expect(() => screen.feed('late output')).not.toThrow();
  });

  // Run in a child process: whether the process exits is the thing under test.
  // name, script (TerminalScreen imported), expected stdout
  it.each([
    [
      'an idle, undisposed screen does not keep the process alive',
      `const s = new TerminalScreen(10, 1); s.feed('idle'); await s.read(); console.log('done');`,
      'done',
    ],
    [
      'a pending read keeps the process alive until it resolves',
      `const s = new TerminalScreen(10, 1); s.feed('pending'); void s.read().then((x) => console.log(x.trim()));`,
      'pending',
    ],
  ])('%s', (_name, script, stdout) => {
    const screenModule = new URL('./screen.ts', import.meta.url).href;
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `import { TerminalScreen } from ${JSON.stringify(screenModule)}; ${script}`],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(stdout);
  });
});
