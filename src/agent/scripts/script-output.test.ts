import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from './collaborators.js';
import { openLogFile, ScriptOutput } from './script-output.js';
import { RecordingSink, recordingLogger, tempDir } from './testdata/harness.js';

const clock: Clock = { now: () => new Date('2026-01-02T03:04:05.678Z') };
const SOURCE = '9d1f8f5e-0000-4000-8000-00000000000a';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('script-output-')));
afterEach(() => dir.cleanup());

function output(logFd?: number): { out: ScriptOutput; sink: RecordingSink } {
  const sink = new RecordingSink();
  return { out: new ScriptOutput({ logFd, sink, logSourceId: SOURCE, clock, logger: recordingLogger().logger }), sink };
}

describe('ScriptOutput', () => {
  it.each([
    ['one line', ['hello\n'], ['hello']],
    ['split across chunks', ['hel', 'lo\nwor', 'ld\n'], ['hello', 'world']],
    ['CRLF stripped once', ['a\r\n', 'b\r\r\n'], ['a', 'b\r']],
    ['final partial line flushed at end', ['a\nlast'], ['a', 'last']],
    ['empty lines kept', ['\n\nx\n'], ['', '', 'x']],
    ['multi-byte character split between chunks', [Buffer.from('é\n').subarray(0, 1), Buffer.from('é\n').subarray(1)], ['é']],
  ])('%s', (_name, chunks, lines) => {
    const { out, sink } = output();
    for (const chunk of chunks) out.write('stdout', Buffer.from(chunk));
    out.end();
    expect(sink.outputs(SOURCE)).toEqual(lines);
  });

  it('tags stdout info and stderr error, with the clock time and source', () => {
    const { out, sink } = output();
    out.write('stdout', Buffer.from('out\n'));
    out.write('stderr', Buffer.from('err\n'));
    out.end();
    expect(sink.sent).toEqual([
      { logSourceId: SOURCE, created_at: '2026-01-02T03:04:05.678Z', output: 'out', level: 'info' },
      { logSourceId: SOURCE, created_at: '2026-01-02T03:04:05.678Z', output: 'err', level: 'error' },
    ]);
  });

  it('keeps stdout and stderr partial lines apart', () => {
    const { out, sink } = output();
    out.write('stdout', Buffer.from('o1'));
    out.write('stderr', Buffer.from('e1'));
    out.write('stdout', Buffer.from('o2\n'));
    out.write('stderr', Buffer.from('e2\n'));
    expect(sink.sent.map((l) => [l.level, l.output])).toEqual([
      ['info', 'o1o2'],
      ['error', 'e1e2'],
    ]);
    out.end();
  });

  it('writes raw bytes to a truncated 0600 log file and closes it at end', () => {
    const file = path.join(dir.dir, 'run.log');
    const first = output(openLogFile(file));
    first.out.write('stdout', Buffer.from('a long first run\r\n'));
    first.out.end();
    const second = output(openLogFile(file));
    second.out.write('stdout', Buffer.from('two\r\n'));
    second.out.write('stderr', Buffer.from('err'));
    second.out.writeLine('stderr', '!');
    second.out.end();
    expect(readFileSync(file, 'utf8')).toBe('two\r\nerr!\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    second.out.write('stdout', Buffer.from('after end\n'));
    expect(second.sink.outputs(SOURCE)).toEqual(['two', 'err!']);
  });

  it('survives a throwing sink', () => {
    const { logger, records } = recordingLogger();
    const out = new ScriptOutput({
      sink: { send: () => { throw new Error('boom'); } },
      logSourceId: SOURCE,
      clock,
      logger,
    });
    expect(() => out.write('stdout', Buffer.from('x\n'))).not.toThrow();
    out.end();
    expect(records.some((r) => r.msg === 'sending script output failed')).toBe(true);
  });
});
