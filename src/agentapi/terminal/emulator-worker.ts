// Entry point of the emulator thread started by TerminalScreen: parses agent
// output off the main thread so PTY reading and VT parsing run in parallel.
// It only relays messages to the Emulator; it must never be imported from the
// main thread (it takes over `parentPort`).
import { parentPort, workerData } from 'node:worker_threads';
import { Emulator } from './emulator.js';
import type { EmulatorInit, FromEmulator, ToEmulator } from './emulator-protocol.js';

if (parentPort === null) throw new Error('emulator-worker must run in a worker thread');
const port = parentPort;
yieldWithImmediates();
const { cols, rows } = workerData as EmulatorInit;
const emulator = new Emulator(cols, rows);

const reply = (message: FromEmulator) => port.postMessage(message);

port.on('message', (message: ToEmulator) => {
  switch (message.kind) {
    case 'output':
      emulator.write(message.data);
      break;
    case 'flush':
      emulator.whenParsed(() => reply({ kind: 'flushed', id: message.id }));
      break;
    case 'render':
      emulator.whenParsed(() => reply({ kind: 'screen', id: message.id, screen: emulator.render() }));
      break;
  }
});

/**
 * xterm parses in 12 ms slices and yields between them (and before the first
 * slice of every burst) with a zero-delay setTimeout, which Node clamps to
 * 1 ms: this thread idles ~1 ms in 13 exactly when it is behind the PTY. Only
 * xterm runs here, so in this thread zero-delay timers become immediates:
 * still a yield (messages are received between slices), minus the clamp.
 * Measured: a 32 MiB burst parses about 20 % faster in this thread. Timers
 * with a real delay are untouched.
 */
function yieldWithImmediates(): void {
  const { setTimeout: setTimer, clearTimeout: clearTimer } = globalThis;
  const immediates = new WeakSet<object>();
  const schedule = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    if (delay !== undefined && delay >= 1) return setTimer(callback, delay, ...args);
    const immediate = setImmediate(callback, ...args);
    immediates.add(immediate);
    return immediate;
  };
  const cancel = (handle: NodeJS.Timeout | NodeJS.Immediate | string | number | undefined) => {
    if (typeof handle === 'object' && immediates.has(handle)) clearImmediate(handle as NodeJS.Immediate);
    else clearTimer(handle as NodeJS.Timeout | string | number | undefined);
  };
  globalThis.setTimeout = schedule as unknown as typeof setTimeout;
  globalThis.clearTimeout = cancel as typeof clearTimeout;
}
