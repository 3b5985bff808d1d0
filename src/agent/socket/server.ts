// The agent socket server (spec agent.md §4): HTTP/JSON over a Unix socket on
// the unit manager it is GIVEN — the agent (composition root) builds exactly
// one manager and shares it with the script runner, so `taskyard sync` and
// scripts see the same units. It must never create its own manager and never
// talk to the control plane except through the forwardAppStatus callback.
import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { AppStatus } from '../../protocol/app-status.js';
import type { UnitManagerApi } from '../units/types.js';
import { DEFAULT_SOCKET_PATH } from './protocol.js';
import { handleRequest, type RouteContext } from './routes.js';
import { listenOnSocket, prepareSocketPath, removeSocketFile } from './socket-path.js';
import { DEFAULT_PING_INTERVAL_MS, WatchStreams } from './watch-streams.js';

export interface SocketServerOptions {
  /** Default `/tmp/coder-agent.sock` (the agent passes `--socket-path`). */
  path?: string;
  logger?: Logger;
  /**
   * Sends a `POST /api/v1/app-status` body on to the control plane. Absent,
   * or rejecting, means 502 `agent not connected to control plane`.
   */
  forwardAppStatus?: (status: AppStatus) => Promise<void>;
  /** `: ping` comment interval on watch streams; default 15 s. */
  pingIntervalMs?: number;
  /** Observes every request as it arrives (metrics, request logs, tests). */
  onRequest?: (method: string, path: string) => void;
}

export class SocketServer {
  readonly path: string;
  private readonly http: Server;
  private readonly watch: WatchStreams;
  private readonly logger: Logger;
  private starting: Promise<void> | undefined;
  private listening = false;
  private closing: Promise<void> | undefined;

  constructor(manager: UnitManagerApi, options: SocketServerOptions = {}) {
    // A runtime check on top of the type: JavaScript callers can still pass nothing.
    if ((manager as UnitManagerApi | null | undefined) == null) throw new Error('unit manager must not be nil');
    this.path = options.path ?? DEFAULT_SOCKET_PATH;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.watch = new WatchStreams(manager, options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
    const context: RouteContext = {
      manager,
      watch: this.watch,
      logger: this.logger,
      forwardAppStatus: options.forwardAppStatus,
    };
    const onRequest = options.onRequest;
    this.http = createServer((req, res) => {
      onRequest?.(req.method ?? '', req.url ?? '');
      // One request per connection: nothing idles on keep-alive, so close()
      // only waits for requests that are actually in flight.
      res.setHeader('Connection', 'close');
      void handleRequest(context, req, res);
    });
  }

  /**
   * Claims the path (§4.1.3) and listens. Throws `socket path <path> is not
   * available` when a live server answers there. Callable once.
   */
  start(): Promise<void> {
    if (this.starting !== undefined || this.closing !== undefined) {
      return Promise.reject(new Error(`socket server already ${this.closing !== undefined ? 'closed' : 'started'}`));
    }
    this.starting = this.listen();
    return this.starting;
  }

  private async listen(): Promise<void> {
    try {
      await prepareSocketPath(this.path);
      await listenOnSocket(this.http, this.path);
    } catch (err) {
      this.watch.closeAll(); // a server that never listened must not stay subscribed to the manager
      throw err;
    }
    this.listening = true;
    this.logger.info({ path: this.path }, 'agent socket server listening');
  }

  /**
   * Shutdown order: refuse new watch streams and end the open ones, stop
   * accepting connections, wait for in-flight requests, then unlink the
   * socket file. Idempotent: every call returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.watch.closeAll();
    // A start() in progress finishes first (or fails), so nothing listens after close().
    await this.starting?.catch(() => undefined);
    if (!this.listening) return;
    this.listening = false;
    this.watch.closeAll(); // streams opened while start() was finishing
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
    });
    await removeSocketFile(this.path);
    this.logger.info({ path: this.path }, 'agent socket server closed');
  }
}
