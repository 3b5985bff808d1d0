// The Prometheus metrics of server.md §9.2, registered once per server on its
// own registry (so tests can run several servers in one process), plus
// prom-client's default process metrics. Other modules receive this object
// through the ServerContext and only increment/set; they never register
// metrics of their own on the global registry.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpRequestDuration: Histogram<'method' | 'route'>;
  /** Set by whoever counts tasks per status (e.g. a collect hook of the tasks module). */
  tasks: Gauge<'status'>;
  workspaceBuilds: Counter<'transition' | 'reason' | 'status'>;
  provisionerJobsRunning: Gauge;
  agentsConnected: Gauge;
  logSnapshots: Counter<'result'>;
  taskAutoPauses: Counter;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'taskyard_http_requests_total',
      help: 'HTTP requests by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'taskyard_http_request_duration_seconds',
      help: 'HTTP request duration by method and route pattern.',
      labelNames: ['method', 'route'],
      registers,
    }),
    tasks: new Gauge({ name: 'taskyard_tasks', help: 'Tasks by derived status.', labelNames: ['status'], registers }),
    workspaceBuilds: new Counter({
      name: 'taskyard_workspace_builds_total',
      help: 'Finished workspace builds by transition, reason and job status.',
      labelNames: ['transition', 'reason', 'status'],
      registers,
    }),
    provisionerJobsRunning: new Gauge({ name: 'taskyard_provisioner_jobs_running', help: 'Provisioner jobs running on this replica.', registers }),
    agentsConnected: new Gauge({ name: 'taskyard_agents_connected', help: 'Agents with an open event stream on this replica.', registers }),
    logSnapshots: new Counter({
      name: 'taskyard_log_snapshots_total',
      help: 'Task log snapshot uploads by result.',
      labelNames: ['result'],
      registers,
    }),
    taskAutoPauses: new Counter({ name: 'taskyard_task_auto_pauses_total', help: 'Tasks paused for inactivity.', registers }),
  };
}
