// `{user}`/`{task}` path parameters (server.md §3.1, §6.3): `{user}` is
// `me`, a username or a user UUID; `{task}` a task UUID or a name of that
// user. Owners see every task, members only their own; everything a caller
// may not see is the same 404 as a missing one. Read-only.
import type { User } from '../../protocol/users.js';
import type { AuthService } from '../auth/auth-service.js';
import { notFound } from '../api/errors.js';
import type { Queryable } from '../db/storage.js';
import { findTaskById, findTaskByName } from './task-query.js';
import type { TaskRecord } from './task-record.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function canSee(actor: User, ownerId: string): boolean {
  return actor.role === 'owner' || actor.id === ownerId;
}

/** The user `{user}` names, as `actor` may see it; 404 otherwise. */
export async function resolveOwner(auth: AuthService, actor: User, userParam: string): Promise<User> {
  const user = await auth.resolveUser(userParam, actor);
  if (!user) throw notFound();
  return user;
}

/**
 * The task `{task}` names. A UUID is looked up by id alone (so an owner can
 * address any task by id under `me`); a name within `{user}`'s tasks.
 */
export async function resolveTask(sql: Queryable, auth: AuthService, actor: User, userParam: string, taskParam: string): Promise<TaskRecord> {
  const owner = await resolveOwner(auth, actor, userParam);
  const record = GUID.test(taskParam) ? await findTaskById(sql, taskParam) : await findTaskByName(sql, owner.id, taskParam);
  if (!record || !canSee(actor, record.task.owner_id)) throw notFound();
  return record;
}
