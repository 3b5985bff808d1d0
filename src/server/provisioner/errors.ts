// Typed errors of the provisioner with stable codes and texts. Callers (task
// routes, the job runner) test them by `code` with isProvisionerError; the
// texts are what a failed job records and an API answers, so they must never
// contain a token, a prompt or a database URL.

export type ProvisionerErrorCode =
  | 'build_active'
  | 'workspace_not_found'
  | 'workspace_exists'
  | 'template_not_found'
  | 'template_version_not_found'
  | 'build_not_found'
  | 'ports_exhausted'
  | 'agent_still_running'
  | 'agent_spawn_failed'
  | 'unsafe_socket_dir'
  | 'job_abandoned';

/** Fixed texts; the ones the API shows verbatim are spelled as the spec does. */
export const PROVISIONER_MESSAGES = {
  buildActive: 'A workspace build is already active.',
  workspaceNotFound: 'workspace not found',
  workspaceExists: 'A workspace with this name already exists.',
  templateNotFound: 'template not found',
  templateVersionNotFound: 'template version not found',
  buildNotFound: 'build not found',
  jobAbandoned: 'provisioner job abandoned',
} as const;

export class ProvisionerError extends Error {
  constructor(
    readonly code: ProvisionerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProvisionerError';
  }
}

/** True when `err` (or any error in its `cause` chain) is a ProvisionerError with `code`. */
export function isProvisionerError(err: unknown, code?: ProvisionerErrorCode): boolean {
  for (let current: unknown = err; current instanceof Error; current = current.cause) {
    if (current instanceof ProvisionerError && (code === undefined || current.code === code)) return true;
  }
  return false;
}

/** The message of anything thrown (job error texts). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
