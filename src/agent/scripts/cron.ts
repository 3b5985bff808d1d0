// Cron scheduling of scripts (agent.md §2.5): upstream's robfig/cron parser
// with seconds first — `sec min hour dom month [dow]`, so five fields mean
// "every day of the week", NOT the classic minute-first form — plus its
// `@hourly`-style descriptors, run by croner. Overlapping runs are allowed.
// Validation happens at init; timers exist only between start() and stop(),
// and this module must never run a job after stop().
import { Cron, CronPattern } from 'croner';
import type { Logger } from 'pino';
import { errorText } from './errors.js';

export type CronParse = { ok: true; pattern: string } | { ok: false; error: string };

// robfig/cron's descriptors, in the six-field form.
const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

const CRONER_OPTIONS = {
  // Always six fields by the time croner sees them: never let it guess minute-first.
  mode: '6-part',
  // robfig accepts `5/15` (from 5 every 15).
  sloppyRanges: true,
} as const;

/** Normalises `expression` to six seconds-first fields and validates it. */
export function parseCronExpression(expression: string): CronParse {
  const trimmed = expression.trim();
  let pattern: string;
  if (trimmed.startsWith('@')) {
    const expanded = DESCRIPTORS[trimmed.toLowerCase()];
    if (expanded === undefined) return { ok: false, error: `unrecognized descriptor: ${trimmed}` };
    pattern = expanded;
  } else {
    const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
    if (fields.length === 5) fields.push('*');
    if (fields.length !== 6) {
      const found = `found ${fields.length}: ${JSON.stringify(trimmed)}`;
      return { ok: false, error: `expected 5 or 6 fields (sec min hour dom month [dow]), ${found}` };
    }
    pattern = fields.join(' ');
  }
  try {
    new CronPattern(pattern, undefined, CRONER_OPTIONS);
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
  return { ok: true, pattern };
}

interface CronEntry {
  pattern: string;
  run: () => void;
}

export class CronScheduler {
  private readonly entries: CronEntry[] = [];
  private readonly jobs: Cron[] = [];
  private state: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(private readonly logger: Logger) {}

  /** Registers a validated pattern (from parseCronExpression); `run` must not throw. */
  add(pattern: string, run: () => void): void {
    this.entries.push({ pattern, run });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Arms every job. Idempotent; a stopped scheduler stays stopped. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    for (const entry of this.entries) {
      const options = {
        ...CRONER_OPTIONS,
        catch: (err: unknown) => this.logger.error({ error: errorText(err) }, 'cron job failed'),
      };
      const job = new Cron(entry.pattern, options, () => {
        if (this.state === 'running') entry.run();
      });
      this.jobs.push(job);
    }
  }

  /** Disarms every job for good. Idempotent. */
  stop(): void {
    this.state = 'stopped';
    for (const job of this.jobs.splice(0)) job.stop();
  }
}
