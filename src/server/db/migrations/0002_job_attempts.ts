// Migration 0002: counts how often a provisioner job was acquired. A stop or
// delete job abandoned by a crashed replica is put back in the queue instead
// of failed (server.md §1.2.2 "resumed or failed by reconciliation"), and the
// count bounds that, so a job that kills every replica running it still ends.
import type { Migration } from './types.js';

export const migration0002: Migration = {
  version: 2,
  name: 'job_attempts',
  sql: /* sql */ `
alter table provisioner_jobs add column attempts integer not null default 0;
`,
};
