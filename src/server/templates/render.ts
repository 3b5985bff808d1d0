// Renders a loaded template for one workspace build (server.md §4.1.3–4):
// validates the TemplateContext, calls the template's default export with a
// private copy of it, and validates the WorkspaceSpec it returns. Errors name
// the template and the offending field. It never provisions anything and
// does not check for a task app (the task API requires exactly one).
import {
  issuePath,
  templateContextSchema,
  workspaceSpecSchema,
  type TemplateContext,
  type WorkspaceSpec,
} from '../../protocol/template.js';
import { errorMessage, TemplateError } from './errors.js';
import type { Template } from './loader.js';

type Issue = { path: PropertyKey[]; message: string; code: string; keys?: string[] };

function describeIssue(issue: Issue): string {
  // Unknown keys are reported on their parent; name the key itself.
  const keys = issue.code === 'unrecognized_keys' && issue.keys ? issue.keys : [];
  return `${issuePath([...issue.path, ...keys])}: ${issue.message}`;
}

/** Calls `template` with `ctx` and returns its validated WorkspaceSpec. */
export async function renderTemplate(template: Template, ctx: TemplateContext): Promise<WorkspaceSpec> {
  const context = templateContextSchema.safeParse(ctx);
  if (!context.success) {
    throw new TemplateError(
      'invalid_template_context',
      `template "${template.name}": invalid context: ${describeIssue(context.error.issues[0]!)}`,
    );
  }
  const missing = ['agentapi', ...(template.metadata.ports ?? [])].filter((name) => context.data.ports[name] === undefined);
  if (missing.length > 0) {
    throw new TemplateError(
      'invalid_template_context',
      `template "${template.name}": invalid context: ports.${missing[0]}: no port allocated`,
    );
  }

  let result: unknown;
  try {
    result = await template.render(structuredClone(context.data));
  } catch (err) {
    throw new TemplateError('template_render_failed', `template "${template.name}": ${errorMessage(err)}`, { cause: err });
  }
  const spec = workspaceSpecSchema.safeParse(result);
  if (!spec.success) {
    throw new TemplateError(
      'invalid_workspace_spec',
      `template "${template.name}": invalid workspace spec: ${describeIssue(spec.error.issues[0]!)}`,
    );
  }
  return spec.data;
}
