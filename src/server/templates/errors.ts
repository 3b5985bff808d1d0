// Typed errors of the template machinery, each with a stable `code` and a
// message that names the template file and, for specs, the offending field.
// It holds no behaviour.

export type TemplateErrorCode =
  | 'invalid_template_name'
  | 'duplicate_template'
  | 'template_import_failed'
  | 'invalid_template_module'
  | 'invalid_template_metadata'
  | 'invalid_template_context'
  | 'template_render_failed'
  | 'invalid_workspace_spec';

export class TemplateError extends Error {
  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

/** The message of anything thrown, for wrapping. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
