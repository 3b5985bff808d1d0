// Human-readable progress for `taskyard up`, derived from the JSON log lines
// `taskyard server` writes on stderr (server.md §9.1, which stay JSON; the
// raw lines go to <data-dir>/server.log). It tells the long steps — the
// first PostgreSQL start (initdb), workspace builds (queued / started /
// succeeded / failed with the workspace name and duration), the pause on
// shutdown — and every warning or error. It holds only per-build timing
// state: it never reads files, never calls the API (workspace names come
// from the caller) and never prints anything itself.

export interface ServerLogLine {
  time?: string;
  level?: string;
  msg?: string;
  [field: string]: unknown;
}

export type ParsedLine = { kind: 'log'; line: ServerLogLine } | { kind: 'text'; text: string };

/** A §9.1 JSON object with a string `msg`; anything else (e.g. `error: …`) is plain text to pass through. */
export function parseServerLine(raw: string): ParsedLine {
  const text = raw.replace(/\r?\n$/, '');
  if (!text.startsWith('{')) return { kind: 'text', text };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as ServerLogLine).msg === 'string') {
      return { kind: 'log', line: value as ServerLogLine };
    }
  } catch {
    // not JSON after all
  }
  return { kind: 'text', text };
}

/** The workspace a line is about, when the formatter would name it. */
export function workspaceOf(line: ServerLogLine): string | undefined {
  return BUILD_MESSAGES.has(line.msg ?? '') && typeof line.workspace_id === 'string' ? line.workspace_id : undefined;
}

const BUILD_MESSAGES = new Set([
  'workspace build queued',
  'provisioner job started',
  'provisioner job succeeded',
  'provisioner job failed',
  'provisioner job interrupted by shutdown; it keeps its state',
]);

/** Messages the formatter already tells in its own words (never repeated as warnings). */
const TOLD = new Set([...BUILD_MESSAGES, 'pausing workspaces for shutdown cut short; workspace processes killed']);

const ACTIONS: Readonly<Record<string, string>> = {
  'start/initiator': 'start',
  'start/task_resume': 'resume',
  'stop/task_manual_pause': 'pause',
  'stop/task_auto_pause': 'auto-pause',
  'stop/initiator': 'stop',
  'delete/initiator': 'delete',
};

interface BuildProgress {
  label: string;
  queuedAt?: number;
  startedAt?: number;
}

export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** Printed before the server starts when `<data-dir>/postgres` has no cluster yet. */
export function firstPostgresStartNotice(clusterDir: string): string {
  return `PostgreSQL: first start, creating the database cluster in ${clusterDir} (initdb takes a while)…`;
}

export class ProgressFormatter {
  private readonly builds = new Map<string, BuildProgress>();
  /** Told with `server started`: the templates a task can be created from. */
  private readonly templates: string[] = [];
  private phaseAt: number;

  /** `startedAt`: when the server process was spawned (durations of the startup phases count from it). */
  constructor(startedAt: number) {
    this.phaseAt = startedAt;
  }

  /** Zero or more human lines for one server log line. `nameOf` maps a workspace id to `owner/name`. */
  format(line: ServerLogLine, nameOf: (workspaceId: string) => string | undefined = () => undefined): string[] {
    const at = timeOf(line);
    const since = (from: number | undefined): string => formatSeconds(at - (from ?? at));
    const phase = (): string => {
      const text = since(this.phaseAt);
      this.phaseAt = at;
      return text;
    };
    const field = (name: string): string | undefined => (typeof line[name] === 'string' ? (line[name] as string) : undefined);

    switch (line.msg) {
      case 'embedded postgres initialised':
        return [`PostgreSQL: database cluster created in ${phase()}`];
      case 'embedded postgres started':
        return [`PostgreSQL: started in ${phase()}`];
      case 'using external postgres':
        phase();
        return [`PostgreSQL: using ${field('postgres_url') ?? 'an external database'}`];
      case 'database migrated':
        return [Array.isArray(line.versions) ? `Database: migrations applied (${line.versions.join(', ')})` : 'Database: migrations applied'];
      case 'template registered':
        if (typeof line.template === 'string' && !this.templates.includes(line.template)) this.templates.push(line.template);
        return [];
      case 'server started':
        return [`Server: started in ${phase()}${this.templates.length > 0 ? `; templates: ${this.templates.join(', ')}` : ''}`];
      case 'server stopping':
        return ['Server: stopping…'];
      case 'server stopped':
        return ['Server: stopped (PostgreSQL too)'];
      case 'pausing workspaces for shutdown':
        return [Number(line.count) > 0 ? `Pausing ${String(line.count)} workspace(s) so their tasks can be resumed later…` : 'No running workspace to pause.'];
      case 'workspaces paused for shutdown':
        return Number(line.count) > 0 ? [`All workspaces paused in ${formatSeconds(Number(line.duration_ms))}`] : [];
      case 'pausing workspaces for shutdown cut short; workspace processes killed': {
        const count = Array.isArray(line.workspace_ids) ? line.workspace_ids.length : 0;
        const why = line.outcome === 'timed_out' ? 'the stop grace period is over' : 'stopping faster';
        return [`Pausing cut short (${why}): killed the processes of ${count} workspace(s); they finish pausing on the next start`];
      }
    }

    const buildId = field('build_id');
    const workspaceId = field('workspace_id');
    if (BUILD_MESSAGES.has(line.msg ?? '') && buildId !== undefined) {
      const name = (workspaceId && nameOf(workspaceId)) ?? (workspaceId ? `workspace ${workspaceId.slice(0, 8)}` : 'a workspace');
      let build = this.builds.get(buildId);
      if (!build || line.msg === 'workspace build queued' || line.msg === 'provisioner job started') {
        const action = ACTIONS[`${field('transition') ?? ''}/${field('reason') ?? ''}`] ?? field('transition') ?? 'build';
        const number = typeof line.build_number === 'number' ? ` #${line.build_number}` : '';
        build = { ...build, label: build?.label ?? `Build${number} (${action}) of ${name}` };
        this.builds.set(buildId, build);
      }
      switch (line.msg) {
        case 'workspace build queued':
          build.queuedAt = at;
          return [`${build.label}: queued`];
        case 'provisioner job started':
          build.startedAt = at;
          // The queue wait is only worth telling when someone had to wait for it.
          return [`${build.label}: started${build.queuedAt !== undefined && at - build.queuedAt >= 1000 ? ` after ${since(build.queuedAt)} in the queue` : ''}`];
        case 'provisioner job succeeded':
          this.builds.delete(buildId);
          return [`${build.label}: succeeded in ${since(build.startedAt ?? build.queuedAt)}`];
        case 'provisioner job failed':
          this.builds.delete(buildId);
          return [`${build.label}: FAILED after ${since(build.startedAt ?? build.queuedAt)}: ${field('error') ?? 'unknown error'}`];
        default:
          this.builds.delete(buildId);
          return [`${build.label}: interrupted by the shutdown; it continues on the next start`];
      }
    }

    if ((line.level === 'warn' || line.level === 'error') && !TOLD.has(line.msg ?? '')) {
      return [`${line.level === 'warn' ? 'warning' : 'error'}: ${line.msg ?? ''}${describeError(line.err)}`];
    }
    return [];
  }
}

function timeOf(line: ServerLogLine): number {
  const ms = typeof line.time === 'string' ? Date.parse(line.time) : NaN;
  return Number.isNaN(ms) ? Date.now() : ms;
}

function describeError(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return `: ${(err as { message: string }).message}`;
  return '';
}
