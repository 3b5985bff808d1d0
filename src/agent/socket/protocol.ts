// The agent socket's wire contract (spec agent.md §4.2) as plain types and
// constants: paths, the default socket path and the JSON shapes both sides
// exchange. Shared by the server and the `taskyard sync` client; it must never
// import zod or anything with runtime weight — the CLI loads it on every call.
// The zod schemas that validate these shapes live in schemas.ts.

/** Used when neither `--socket-path` nor `CODER_AGENT_SOCKET_PATH` is set. */
export const DEFAULT_SOCKET_PATH = '/tmp/coder-agent.sock';

export const SOCKET_ROUTES = {
  ping: '/api/v1/ping',
  start: '/api/v1/sync/start',
  want: '/api/v1/sync/want',
  complete: '/api/v1/sync/complete',
  ready: '/api/v1/sync/ready',
  status: '/api/v1/sync/status',
  list: '/api/v1/sync/list',
  /** Accepts `?labels=true` (taskyard extension for `sync graph --labels`). */
  graph: '/api/v1/sync/graph',
  watch: '/api/v1/sync/watch',
  appStatus: '/api/v1/app-status',
} as const;

/** Raw statuses on the wire: `""` = not registered. */
export type WireUnitStatus = 'pending' | 'started' | 'completed' | '';

export interface UnitRequest {
  unit: string;
}

export interface WantRequest {
  unit: string;
  depends_on: string;
}

export interface ReadyResponse {
  ready: boolean;
}

export interface WireDependency {
  unit: string;
  depends_on: string;
  required_status: WireUnitStatus;
  current_status: WireUnitStatus;
  is_satisfied: boolean;
}

export interface StatusResponse {
  unit: string;
  status: WireUnitStatus;
  is_ready: boolean;
  dependencies: WireDependency[];
}

export interface WireUnit {
  unit: string;
  status: WireUnitStatus;
  is_ready: boolean;
}

export interface ListResponse {
  units: WireUnit[];
}

export interface ErrorResponse {
  error: string;
}

/** `data` of every `event: change` on the watch stream. */
export interface ChangeEvent {
  seq: number;
}

export const WATCH_EVENT = 'change';
export const GRAPH_CONTENT_TYPE = 'text/vnd.graphviz; charset=utf-8';
