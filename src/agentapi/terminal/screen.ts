// The text screen the conversation engine reads (§4). Agent output is parsed
// by a headless VT emulator on its own thread (emulator-worker.ts), so reading
// the PTY and parsing escapes run in parallel. It never drops or reorders
// output, and a read always reflects everything fed before it.
import { Worker } from 'node:worker_threads';
import type { EmulatorInit, FromEmulator, ToEmulator } from './emulator-protocol.js';

const VSYNC_WAIT_MS = 16;
const VSYNC_MAX_RETRIES = 3;
/**
 * Output is sent to the worker in batches of up to this many characters, at
 * the latest one timer tick (~1 ms) after it arrived. A PTY delivers ~4 KB per
 * read; one message per read costs the worker measurably more than one per
 * millisecond. Requests send the batch first, so nothing is reordered.
 */
const BATCH_MAX_CHARS = 64 * 1024;

export type TerminalScreenErrorCode = 'screen_disposed' | 'emulator_failed';

export class TerminalScreenError extends Error {
  constructor(
    readonly code: TerminalScreenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TerminalScreenError';
  }
}

export const screenDisposed = () => new TerminalScreenError('screen_disposed', 'terminal screen is disposed');
export const emulatorFailed = (cause: unknown) =>
  new TerminalScreenError('emulator_failed', `terminal emulator failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
    cause,
  });

/** The time the vsync reads and waits on; tests pass a scripted one. */
export interface ScreenClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const systemClock: ScreenClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface PendingAnswer {
  resolve(screen: string): void;
  reject(err: TerminalScreenError): void;
}

export class TerminalScreen {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly pending = new Map<number, PendingAnswer>();
  private nextRequestId = 0;
  private lastOutputAt = 0;
  /** Bumped by every feed; a rendered screen is reusable while it is unchanged. */
  private outputGeneration = 0;
  private lastRender: { generation: number; screen: string } | undefined;
  private disposed = false;
  private failure: TerminalScreenError | undefined;
  private batch: string[] = [];
  private batchChars = 0;
  private batchTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly cols: number,
    readonly rows: number,
    private readonly clock: ScreenClock = systemClock,
  ) {
    this.worker = startEmulatorWorker({ cols, rows });
    this.worker.on('message', (message: FromEmulator) => this.answer(message));
    this.worker.on('error', (err) => this.fail(emulatorFailed(err)));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.fail(emulatorFailed(`thread exited with code ${code}`));
        resolve();
      });
    });
    // The thread alone must not keep the process alive; request() refs it
    // while an answer is owed, so a pending read still resolves. (After the
    // listeners: adding a 'message' listener refs the worker again.)
    this.worker.unref();
  }

  /** Feeds agent output to the emulator, in arrival order. Ignored once disposed. */
  feed(data: string): void {
    this.lastOutputAt = this.clock.now();
    this.outputGeneration++;
    if (this.failure) return;
    this.batch.push(data);
    this.batchChars += data.length;
    if (this.batchChars >= BATCH_MAX_CHARS) this.sendBatch();
    else this.batchTimer ??= setTimeout(() => this.sendBatch(), 0);
  }

  /** Resolves once every byte fed so far has been parsed. */
  async flush(): Promise<void> {
    await this.request('flush');
  }

  /**
   * The screen after a "vsync" (§4.2): if output arrived in the last 16 ms,
   * wait and retry (at most 3 times) so a redraw in progress is not read
   * half-done; then render once everything fed so far is parsed.
   */
  async read(): Promise<string> {
    this.throwIfUnusable();
    for (let i = 0; i < VSYNC_MAX_RETRIES && this.clock.now() - this.lastOutputAt < VSYNC_WAIT_MS; i++) {
      await this.clock.sleep(VSYNC_WAIT_MS);
    }
    const generation = this.outputGeneration;
    if (this.lastRender?.generation === generation) {
      this.throwIfUnusable();
      return this.lastRender.screen;
    }
    const screen = await this.request('render');
    this.lastRender = { generation, screen };
    return screen;
  }

  /**
   * Stops the emulator thread; pending and later reads reject with
   * `screen_disposed`. Resolves once the thread has exited. Safe to repeat.
   */
  dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      this.fail(screenDisposed());
      void this.worker.terminate();
    }
    return this.exited;
  }

  private sendBatch(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.batchChars === 0) return;
    const data = this.batch.join('');
    this.batch = [];
    this.batchChars = 0;
    this.send({ kind: 'output', data });
  }

  private request(kind: 'flush' | 'render'): Promise<string> {
    this.throwIfUnusable();
    this.sendBatch();
    const id = this.nextRequestId++;
    return new Promise<string>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.send({ kind, id });
    });
  }

  private answer(message: FromEmulator): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    pending.resolve(message.kind === 'screen' ? message.screen : '');
  }

  /** Rejects every pending request with `err`; the first failure sticks. */
  private fail(err: TerminalScreenError): void {
    if (this.failure) return;
    this.failure = err;
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.batch = [];
    this.batchChars = 0;
    for (const pending of this.pending.values()) pending.reject(err);
    this.pending.clear();
    this.worker.unref();
  }

  private throwIfUnusable(): void {
    if (this.disposed) throw screenDisposed();
    if (this.failure) throw this.failure;
  }

  private send(message: ToEmulator): void {
    this.worker.postMessage(message);
  }
}

/**
 * Starts emulator-worker beside this module. Compiled (dist/, `import.meta.url`
 * ends in .js) that is emulator-worker.js. Run from sources (vitest, tsx: this
 * module is screen.ts) it is emulator-worker.ts, which a bare worker cannot
 * load: on Node 20 a worker neither inherits the parent's module hooks nor
 * gets working tsx hooks from `execArgv: ['--import', 'tsx']`. So the thread
 * starts from a one-line bootstrap that loads the .ts entry through tsx's
 * `tsImport` API, resolved from this module so the cwd does not matter. tsx is
 * a dev dependency, present whenever sources run; dist/ never takes this path.
 */
function startEmulatorWorker(init: EmulatorInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./emulator-worker.js', here), { workerData: init });
  const entry = JSON.stringify(new URL('./emulator-worker.ts', here).href);
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsxApi}).then((tsx) => tsx.tsImport(${entry}, ${entry}));`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}
