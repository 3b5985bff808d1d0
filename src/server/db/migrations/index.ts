// The ordered list of schema migrations (spec §2.4). To add one, create
// `NNNN_<name>.ts` exporting a Migration with the next version and append it
// here. Never reorder, renumber or edit entries that have shipped.
import { migration0001 } from './0001_initial.js';
import { migration0002 } from './0002_job_attempts.js';
import { migration0003 } from './0003_workspace_delete_requested.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
];
