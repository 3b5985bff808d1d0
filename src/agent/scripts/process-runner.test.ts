import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from './collaborators.js';
import { isScriptError } from './errors.js';
import { pipesLeftOpenWarning, runScriptProcess, type ProcessRunSpec } from './process-runner.js';
import { ScriptOutput } from './script-output.js';
import { isProcessAlive, killGroup, RecordingSink, recordingLogger, tempDir, waitFor } from './testdata/harness.js';

const SOURCE = 'source';
let dir: ReturnType<typeof tempDir>;
let spawned: number[];

beforeEach(() => {
  dir = tempDir('process-runner-');
  spawned = [];
});
afterEach(() => {
  for (const pid of spawned) killGroup(pid);
  dir.cleanup();
});

function run(script: string, overrides: Partial<ProcessRunSpec> = {}) {
  const sink = new RecordingSink();
  const output = new ScriptOutput({ sink, logSourceId: SOURCE, clock: systemClock, logger: recordingLogger().logger });
  const started = Date.now();
  const result = runScriptProcess({
    script,
    cwd: dir.dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DIR: dir.dir },
    timeoutMs: 0,
    signal: new AbortController().signal,
    killGraceMs: 10_000,
    pipesGraceMs: 10_000,
    output,
    onSpawn: (pid) => spawned.push(pid),
    ...overrides,
  }).then((r) => {
    output.end();
    return { ...r, ms: Date.now() - started, lines: sink.sent.map((l) => [l.level, l.output]) };
  });
  return result;
}

const pidIn = (name: string): number => Number(readFileSync(path.join(dir.dir, name), 'utf8').trim());

describe('runScriptProcess', () => {
  it('runs bash -c in cwd with stdin from /dev/null and streams both pipes', async () => {
    const result = await run('cat; pwd; echo "$BASH_VERSION" | cut -c1 >/dev/null && echo bash; echo oops >&2');
    expect(result.exitCode).toBe(0);
    expect(result.error).toBeUndefined();
    expect(result.lines).toEqual([
      ['info', dir.dir],
      ['info', 'bash'],
      ['error', 'oops'],
    ]);
  });

  it('falls back to /bin/sh when bash is absent', async () => {
    const result = await run('echo "$0"', { shells: ['/nonexistent/bash', '/bin/sh'] });
    expect(result.lines).toEqual([['info', '/bin/sh']]);
  });

  it.each([
    ['exit 3', 3, 'exit status 3'],
    ['kill -TERM $$', -1, 'signal: SIGTERM'],
  ])('%s → exit code %i', async (script, exitCode, message) => {
    const result = await run(script);
    expect(result.exitCode).toBe(exitCode);
    expect(result.error?.code).toBe('EXIT_FAILURE');
    expect(result.error?.message).toBe(message);
  });

  it('times out: SIGHUP to the whole group, exit 255, every member gone', async () => {
    const result = await run('sleep infinity & echo $! > "$DIR/bg.pid"; echo $$ > "$DIR/main.pid"; sleep infinity', {
      timeoutMs: 300,
    });
    expect(result.exitCode).toBe(255);
    expect(isScriptError(result.error, 'SCRIPT_TIMED_OUT')).toBe(true);
    expect(result.error?.message).toBe('script timed out');
    expect(result.ms).toBeLessThan(5_000);
    expect(isProcessAlive(pidIn('main.pid'))).toBe(false);
    expect(isProcessAlive(pidIn('bg.pid'))).toBe(false);
  });

  it('delivers SIGHUP to a child that traps it', async () => {
    const marker = path.join(dir.dir, 'hup');
    const result = await run(
      `bash -c 'trap "echo hup > \\"${marker}\\"; exit 0" HUP; echo $$ > "$DIR/child.pid"; while :; do sleep 0.05; done' & wait`,
      { timeoutMs: 400 },
    );
    expect(isScriptError(result.error, 'SCRIPT_TIMED_OUT')).toBe(true);
    expect(readFileSync(marker, 'utf8')).toBe('hup\n');
    expect(isProcessAlive(pidIn('child.pid'))).toBe(false);
  });

  it('SIGKILLs the group after the grace when SIGHUP is ignored', async () => {
    const result = await run('trap "" HUP; echo $$ > "$DIR/main.pid"; sleep infinity', { timeoutMs: 100, killGraceMs: 300 });
    expect(isScriptError(result.error, 'SCRIPT_TIMED_OUT')).toBe(true);
    expect(result.exitCode).toBe(255);
    expect(result.ms).toBeGreaterThanOrEqual(390);
    expect(isProcessAlive(pidIn('main.pid'))).toBe(false);
  });

  it('cancels on abort like a timeout, with its own error', async () => {
    const controller = new AbortController();
    const pending = run('echo $$ > "$DIR/main.pid"; sleep infinity', { signal: controller.signal });
    await waitFor(() => existsSync(path.join(dir.dir, 'main.pid')));
    controller.abort();
    const result = await pending;
    expect(result.exitCode).toBe(255);
    expect(isScriptError(result.error, 'SCRIPT_CANCELED')).toBe(true);
    expect(isProcessAlive(pidIn('main.pid'))).toBe(false);
  });

  it('does not spawn when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await run('touch "$DIR/ran"', { signal: controller.signal });
    expect(isScriptError(result.error, 'SCRIPT_CANCELED')).toBe(true);
    expect(existsSync(path.join(dir.dir, 'ran'))).toBe(false);
  });

  it('closes pipes a background child keeps open after a clean exit, with the WARNING line', async () => {
    const result = await run('sleep 30 & echo $! > "$DIR/bg.pid"; echo started', { pipesGraceMs: 300 });
    expect(result.exitCode).toBe(255);
    expect(isScriptError(result.error, 'PIPES_LEFT_OPEN')).toBe(true);
    expect(result.error?.message).toBe('script exited without closing output pipes');
    expect(result.ms).toBeGreaterThanOrEqual(290);
    expect(result.lines).toEqual([
      ['info', 'started'],
      ['error', pipesLeftOpenWarning(300)],
    ]);
    expect(pipesLeftOpenWarning(10_000)).toBe(
      'WARNING: script exited successfully, but output pipes were not closed after 10s. Background processes must redirect their output (for example: cmd > /dev/null 2>&1 &).',
    );
  });

  it('keeps a non-zero exit code when pipes stay open too (no WARNING)', async () => {
    const result = await run('sleep 30 & exit 4', { pipesGraceMs: 200 });
    expect(result.exitCode).toBe(4);
    expect(result.error?.code).toBe('EXIT_FAILURE');
    expect(result.lines).toEqual([]);
  });

  it('does not wait for background children that redirected their output', async () => {
    const result = await run('sleep 30 > /dev/null 2>&1 & echo ok');
    expect(result.exitCode).toBe(0);
    expect(result.ms).toBeLessThan(5_000);
  });

  it('reports a spawn failure as exit 255', async () => {
    const result = await run('true', { cwd: path.join(dir.dir, 'missing') });
    expect(result.exitCode).toBe(255);
    expect(result.error?.code).toBe('SPAWN_FAILED');
    expect(result.error?.message).toMatch(/^start command: /);
  });
});
