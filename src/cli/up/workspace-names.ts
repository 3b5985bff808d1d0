// Names for the workspace ids in the server's log lines, so progress says
// `admin/fix-bug` rather than a UUID: looked up through the tasks API
// (`GET /api/v2/tasks?q=owner:*`, every task the first user — an owner — may
// see; a task's workspace has the task's name) and cached, as names never
// change. A lookup never throws and is bounded in time: progress must go on
// when the API is not there (yet or any more).
import { z } from 'zod';
import { ApiClient } from '../api-client.js';

const taskNamesSchema = z.object({ tasks: z.array(z.object({ workspace_id: z.string().nullable(), owner_name: z.string(), name: z.string() })) });

export type ListWorkspaceNames = () => Promise<Map<string, string>>;

export function listWorkspaceNamesFromApi(url: string, token: string, timeoutMs = 2_000): ListWorkspaceNames {
  const client = new ApiClient(url, token);
  return async () => {
    const { tasks } = await client.request('GET', `/api/v2/tasks?q=${encodeURIComponent('owner:*')}`, taskNamesSchema, { signal: AbortSignal.timeout(timeoutMs) });
    const names = new Map<string, string>();
    for (const task of tasks) if (task.workspace_id !== null) names.set(task.workspace_id, `${task.owner_name}/${task.name}`);
    return names;
  };
}

export class WorkspaceNames {
  private readonly names = new Map<string, string>();
  /** Ids that stayed unknown (workspaces without a task): never looked up again. */
  private readonly misses = new Set<string>();
  private list: ListWorkspaceNames | undefined;

  constructor(
    private readonly retries = 3,
    private readonly retryDelayMs = 250,
  ) {}

  /** Lookups start once the server listens and the token is known. */
  useApi(list: ListWorkspaceNames): void {
    this.list = list;
  }

  get(workspaceId: string): string | undefined {
    return this.names.get(workspaceId);
  }

  /**
   * The name, fetching the task list when unknown. A build of a new task is
   * logged before the task's transaction commits, so a miss is retried a few times.
   */
  async resolve(workspaceId: string): Promise<string | undefined> {
    if (this.misses.has(workspaceId)) return undefined;
    for (let attempt = 0; this.list && !this.names.has(workspaceId) && attempt < this.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.retryDelayMs));
      try {
        for (const [id, name] of await this.list()) this.names.set(id, name);
      } catch {
        return undefined; // API gone or not ready: the caller falls back to the id
      }
    }
    const name = this.names.get(workspaceId);
    if (name === undefined && this.list) this.misses.add(workspaceId);
    return name;
  }
}
