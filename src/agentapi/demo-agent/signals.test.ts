// Stop handlers (§10.6) against a fake process and terminal.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installStopHandlers, type StopSignal } from './signals.js';

function setup() {
  const signals = new EventEmitter();
  const output = Object.assign(new EventEmitter(), { written: '' as string, write(chunk: string) { output.written += chunk; } });
  const exits: number[] = [];
  const remove = installStopHandlers(signals, output, (code) => exits.push(code));
  return { signals, output, exits, remove };
}

describe('installStopHandlers', () => {
  it.each([
    ['SIGINT', 'Exiting...\n'],
    ['SIGTERM', ''],
    ['SIGHUP', ''],
  ] as const)('%s exits 0 and prints %j', (signal: StopSignal, printed) => {
    const { signals, output, exits, remove } = setup();
    signals.emit(signal);
    expect(exits).toEqual([0]);
    expect(output.written).toBe(printed);
    remove();
  });

  it('losing the terminal is a hangup', () => {
    const { output, exits, remove } = setup();
    output.emit('error', new Error('EIO'));
    expect(exits).toEqual([0]);
    remove();
  });

  it('the returned function removes every handler', () => {
    const { signals, output, remove } = setup();
    remove();
    expect(signals.eventNames()).toEqual([]);
    expect(output.listenerCount('error')).toBe(0);
  });
});
