// The network between workspace agents and the control plane, for the soak's
// "control plane unreachable" fault: `taskyard server --access-url` points
// here, so every agent (and every script using CODER_AGENT_URL) reaches the
// server through this HTTP forwarder. Cutting an agent token resets that
// agent's open connections (its events stream included) and every later
// request carrying that token, as if the server were unreachable for that
// one workspace, while all other agents keep going. It forwards bytes as they
// come (SSE stays unbuffered) and must never change a request or a response.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export class ControlPlaneProxy {
  private readonly server: http.Server;
  private readonly upstreamAgent = new http.Agent({ keepAlive: true });
  private readonly cut = new Set<string>();
  private readonly socketsByToken = new Map<string, Set<Socket>>();
  private target: { host: string; port: number } | undefined;
  /** Requests refused because their token was cut. */
  refused = 0;

  private constructor() {
    this.server = http.createServer((req, res) => this.forward(req, res));
    // Agents hold an events stream per workspace: no request timeout here.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
  }

  static async start(): Promise<ControlPlaneProxy> {
    const proxy = new ControlPlaneProxy();
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Where requests go (set once the server's port is known). */
  setTarget(host: string, port: number): void {
    this.target = { host, port };
  }

  /** From now on the agent with this token cannot reach the control plane. */
  cutToken(token: string): void {
    this.cut.add(token);
    for (const socket of this.socketsByToken.get(token) ?? []) socket.destroy();
    this.socketsByToken.delete(token);
  }

  restoreToken(token: string): void {
    this.cut.delete(token);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.upstreamAgent.destroy();
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const header = req.headers['coder-session-token'];
    const token = typeof header === 'string' ? header : undefined;
    if (token !== undefined && this.cut.has(token)) {
      this.refused++;
      req.socket.destroy();
      return;
    }
    if (token !== undefined) this.track(token, req.socket);
    if (!this.target) {
      res.writeHead(503).end();
      return;
    }
    const upstream = http.request(
      { ...this.target, method: req.method, path: req.url, headers: req.headers, agent: this.upstreamAgent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    // A client gone mid-answer (e.g. a cut events stream) ends the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private track(token: string, socket: Socket): void {
    let sockets = this.socketsByToken.get(token);
    if (!sockets) this.socketsByToken.set(token, (sockets = new Set()));
    if (sockets.has(socket)) return;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }
}
