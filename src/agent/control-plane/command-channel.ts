// The control plane's command channel, `GET .../events` (agent.md §3.2.3):
// kept open for the agent's whole life and reopened with backoff (1 s
// doubling to 30 s) whenever it fails or ends. Each successful (re)connect is
// announced through `onConnect` (so the client can re-post its state after a
// reconnect); a
// valid `shutdown` event reaches `onShutdown` once, repeats are ignored;
// `: ping` comments only keep the idle watchdog quiet. It must never post
// anything itself and never retry a request other than its own stream.
import type { Logger } from 'pino';
import { SHUTDOWN_EVENT, shutdownEventSchema, type ShutdownEvent } from '../../protocol/agent-events.js';
import { Backoff, sleep, type BackoffTiming } from './backoff.js';
import { errorText } from './errors.js';
import { readSseEvents, type SseEvent } from './sse-stream.js';

export const EVENTS_PATH = 'events';

export interface CommandChannelOptions {
  /** Opens the stream (the transport's `open('events')`). */
  open: (signal: AbortSignal) => Promise<Response>;
  /** Feeds each answer's status to the 401 clock. */
  noteStatus: (status: number) => void;
  /** Aborted when the client dies (token rejected, closed): the channel stops. */
  stopSignal: AbortSignal;
  /** `reconnect` is false for the channel's first connection. */
  onConnect: (reconnect: boolean) => void;
  onShutdown: (event: ShutdownEvent) => void;
  logger: Logger;
  backoff: BackoffTiming;
  /** Reconnect when nothing arrived for this long (the server pings every 15 s). */
  idleTimeoutMs: number;
}

export class CommandChannel {
  private readonly stopper = new AbortController();
  private running: Promise<void> | undefined;
  private shutdownSeen = false;
  private connections = 0;

  constructor(private readonly options: CommandChannelOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Closes the stream and stops reconnecting; resolves once the loop has ended. */
  async close(): Promise<void> {
    this.stopper.abort(new Error('command channel closed'));
    await this.running;
  }

  private async loop(): Promise<void> {
    const { logger } = this.options;
    const signal = AbortSignal.any([this.stopper.signal, this.options.stopSignal]);
    const backoff = new Backoff(this.options.backoff);
    while (!signal.aborted) {
      try {
        const res = await this.options.open(signal);
        this.options.noteStatus(res.status);
        if (res.status === 200 && res.body) {
          backoff.reset();
          logger.info('connected to the control plane command channel');
          this.options.onConnect(this.connections++ > 0);
          await readSseEvents(res.body, (event) => this.dispatch(event), { signal, idleTimeoutMs: this.options.idleTimeoutMs });
          if (!signal.aborted) logger.warn('control plane command channel ended; reconnecting');
        } else {
          await res.body?.cancel().catch(() => undefined);
          logger.warn({ status: res.status }, 'control plane refused the command channel; retrying');
        }
      } catch (err) {
        if (signal.aborted) break;
        logger.warn({ error: errorText(err) }, 'control plane command channel failed; reconnecting');
      }
      if (signal.aborted) break;
      await sleep(backoff.next(), signal);
    }
  }

  private dispatch(event: SseEvent): void {
    if (event.event !== SHUTDOWN_EVENT) {
      this.options.logger.debug({ event: event.event }, 'ignoring unknown control plane event');
      return;
    }
    let parsed: ShutdownEvent;
    try {
      parsed = shutdownEventSchema.parse(JSON.parse(event.data));
    } catch (err) {
      // The server falls back to SIGTERM when no `shutting_down` follows (server.md §4.4.5).
      this.options.logger.warn({ data: event.data, error: errorText(err) }, 'ignoring malformed shutdown event');
      return;
    }
    if (this.shutdownSeen) {
      this.options.logger.info({ build_id: parsed.build_id }, 'repeated shutdown event ignored');
      return;
    }
    this.shutdownSeen = true;
    this.options.onShutdown(parsed);
  }
}
