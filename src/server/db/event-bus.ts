// The cross-replica event bus (spec §2.3): NOTIFY on `taskyard_events` to
// publish, one LISTEN connection to receive. A replica hears its own events
// through PostgreSQL too, so local and remote subscribers behave the same,
// and an event published inside a transaction is delivered only on commit.
// It never carries secrets and never lets a subscriber's error escape.
import type { Logger } from 'pino';
import { MAX_EVENT_PAYLOAD_BYTES, serverEventSchema, TASKYARD_EVENTS_CHANNEL, type ServerEvent, type ServerEventKind } from '../../protocol/server-events.js';
import { StorageError } from './errors.js';
import type { Queryable, Sql } from './storage.js';

export type Unsubscribe = () => void;
type Handler = (event: ServerEvent) => void;

export class EventBus {
  private readonly handlers = new Set<Handler>();
  private readonly relistenHandlers = new Set<() => void>();
  private unlisten: (() => Promise<void>) | undefined;
  private listenedOnce = false;

  private constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
  ) {}

  /** Starts listening; resolves once LISTEN is active. */
  static async start(sql: Sql, logger: Logger): Promise<EventBus> {
    const bus = new EventBus(sql, logger);
    const meta = await sql.listen(
      TASKYARD_EVENTS_CHANNEL,
      (payload) => bus.deliver(payload),
      () => bus.onListen(),
    );
    bus.unlisten = () => meta.unlisten();
    return bus;
  }

  /**
   * NOTIFY `event`. Pass a transaction as `via` to deliver it only if that
   * transaction commits.
   */
  async publish(event: ServerEvent, via: Queryable = this.sql): Promise<void> {
    const payload = JSON.stringify(serverEventSchema.parse(event));
    if (Buffer.byteLength(payload) > MAX_EVENT_PAYLOAD_BYTES) {
      throw new StorageError('event_payload', `event ${event.kind} payload exceeds ${MAX_EVENT_PAYLOAD_BYTES} bytes`);
    }
    await via`select pg_notify(${TASKYARD_EVENTS_CHANNEL}, ${payload})`;
  }

  /** Every event, from every replica. */
  subscribe(handler: Handler): Unsubscribe {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Events of one kind. */
  on<K extends ServerEventKind>(kind: K, handler: (event: Extract<ServerEvent, { kind: K }>) => void): Unsubscribe {
    return this.subscribe((event) => {
      if (event.kind === kind) handler(event as Extract<ServerEvent, { kind: K }>);
    });
  }

  /**
   * Called after the LISTEN connection was re-established: events sent while
   * it was down are lost, so subscribers re-read what they care about.
   */
  onRelisten(handler: () => void): Unsubscribe {
    this.relistenHandlers.add(handler);
    return () => this.relistenHandlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.relistenHandlers.clear();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    if (unlisten) await unlisten().catch(() => undefined);
  }

  private deliver(payload: string): void {
    let parsed: ServerEvent;
    try {
      parsed = serverEventSchema.parse(JSON.parse(payload));
    } catch {
      this.logger.warn({ channel: TASKYARD_EVENTS_CHANNEL }, 'ignoring malformed event payload');
      return;
    }
    for (const handler of [...this.handlers]) {
      try {
        handler(parsed);
      } catch (err) {
        this.logger.error({ err, kind: parsed.kind }, 'event subscriber failed');
      }
    }
  }

  private onListen(): void {
    if (!this.listenedOnce) {
      this.listenedOnce = true;
      return;
    }
    this.logger.info({ channel: TASKYARD_EVENTS_CHANNEL }, 'event listener reconnected');
    for (const handler of [...this.relistenHandlers]) {
      try {
        handler();
      } catch (err) {
        this.logger.error({ err }, 'event relisten handler failed');
      }
    }
  }
}
