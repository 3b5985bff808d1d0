// Migration 0003: a workspace whose deletion was requested gives up its name
// at once. The row itself stays live (deleted_at null) until its delete build
// has stopped the processes and removed the files, because the build needs
// it; but the owner may create a task of the same name right after deleting
// the old one (server.md §6.3: names are unique among non-deleted tasks, and
// a task's workspace carries the task's name). So the unique name index
// skips workspaces with delete_requested_at set. The index keeps its name:
// the provisioner maps its violation to `workspace_exists` by that name.
// Live workspaces of deleted tasks, or with a delete build, are backfilled.
import type { Migration } from './types.js';

export const migration0003: Migration = {
  version: 3,
  name: 'workspace_delete_requested',
  sql: /* sql */ `
alter table workspaces add column delete_requested_at timestamptz;
update workspaces w set delete_requested_at = coalesce(
    (select t.deleted_at from tasks t where t.workspace_id = w.id and t.deleted_at is not null),
    (select min(b.created_at) from builds b where b.workspace_id = w.id and b.transition = 'delete'))
  where w.deleted_at is null;
drop index workspaces_owner_name_key;
create unique index workspaces_owner_name_key on workspaces (owner_id, name) where deleted_at is null and delete_requested_at is null;
`,
};
