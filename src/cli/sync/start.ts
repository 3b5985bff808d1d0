// `taskyard sync start <unit>` (spec agent.md §5.3): wait until the unit's
// dependencies are satisfied, then mark it started. Waiting is driven by the
// socket's watch stream — one `ready` request per change, none while nothing
// changes; only an agent without the stream (404) is polled once a second.
// It must never start a unit the server has not re-checked as ready.
import { AgentSocketError, type AgentSocketClient, type WatchStream } from '../../agent/socket/client.js';
import { withContext } from './errors.js';
import { nameList, quoteName } from './render.js';

export const POLL_INTERVAL_MS = 1000;
/** setTimeout's limit (~24.8 days); longer timeouts are as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface StartOptions {
  /** 0 (or negative) = wait forever. */
  timeoutMs: number;
  write: (text: string) => void;
}

export async function runStart(client: AgentSocketClient, unit: string, options: StartOptions): Promise<void> {
  const deadline = new Deadline(options.timeoutMs, `timeout waiting for dependencies of unit '${unit}'`);
  let stream: WatchStream | undefined;
  try {
    // 1. Subscribe before reading state, so no change can slip between the two.
    stream = await deadline.race(openWatch(client));
    const events = stream?.[Symbol.asyncIterator]();
    // The first event only confirms the subscription: the status read below is newer.
    if (events !== undefined) await deadline.race(events.next());

    // 2. What are we waiting for?
    const status = await deadline.race(withContext('get status failed', client.status(unit)));
    // The server lists dependencies sorted by name (§1.3.7, Go string order).
    const all = status.dependencies.map((d) => d.depends_on);
    const unsatisfied = status.dependencies.filter((d) => !d.is_satisfied).map((d) => d.depends_on);

    // 3. Wait.
    if (!status.is_ready) {
      options.write(`Unit ${quoteName(unit)} is waiting for dependencies to be satisfied: ${nameList(unsatisfied)}\n`);
      const isReady = (): Promise<boolean> => deadline.race(withContext('error checking dependencies', client.ready(unit)));
      if (events !== undefined) {
        for (;;) {
          const next = await deadline.race(events.next());
          if (next.done === true) throw new Error('error checking dependencies: the agent closed the watch stream');
          if (await isReady()) break;
        }
      } else {
        do await deadline.race(sleep(POLL_INTERVAL_MS));
        while (!(await isReady()));
      }
    }

    // 4. Start: the server re-checks readiness.
    await deadline.race(withContext('start unit failed', client.start(unit)));

    // 5. Report.
    if (all.length === 0) options.write(`Unit ${quoteName(unit)} started with no dependencies\n`);
    else if (status.is_ready) options.write(`Unit ${quoteName(unit)} started immediately, dependencies already satisfied: ${nameList(all)}\n`);
    else options.write(`Unit ${quoteName(unit)} finished waiting for dependencies: ${nameList(unsatisfied)}\n`);
  } finally {
    stream?.close();
    deadline.cancel();
  }
}

/** The watch stream, or undefined when the agent predates it (404 → poll). */
async function openWatch(client: AgentSocketClient): Promise<WatchStream | undefined> {
  try {
    return await client.watch();
  } catch (err) {
    if (err instanceof AgentSocketError && err.kind === 'server' && err.status === 404) return undefined;
    if (err instanceof AgentSocketError && err.kind === 'connect') throw err;
    throw new Error(`watch units failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Rejects every raced promise with `message` once `timeoutMs` has passed. Owns its timer. */
class Deadline {
  private readonly expired: Promise<never>;
  private timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number, message: string) {
    this.expired = new Promise<never>((_, reject) => {
      if (timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) this.timer = setTimeout(() => reject(new Error(message)), timeoutMs);
    });
    this.expired.catch(() => undefined); // rejection is observed through race()
  }

  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.expired]);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
