// Templates (server.md §4.1): the context a template module is called with and
// the WorkspaceSpec it returns. One schema for both sides — the template
// author's helpers (templates/, `taskyard/templates`) and the server's loader
// and provisioner (src/server/templates/). It holds no behaviour: no file
// access, no rendering, no provisioning.
import { z } from 'zod';

/** `^[a-z0-9][a-z0-9-]*$`: template names are file names without extension. */
export const TEMPLATE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
/** `^[a-z0-9](-?[a-z0-9])*$`: app slugs (server.md §4.1.4). */
export const APP_SLUG_PATTERN = /^[a-z0-9](-?[a-z0-9])*$/;

const port = z.number().int().min(1).max(65535);

export const templateContextSchema = z.object({
  task: z.object({ id: z.string(), name: z.string(), prompt: z.string() }).nullable(),
  workspace: z.object({ id: z.string(), name: z.string(), build_number: z.number().int().positive() }),
  owner: z.object({ id: z.string(), username: z.string(), email: z.string() }),
  home_dir: z.string().min(1),
  /** Every name of `metadata.ports` plus `agentapi`, stable across stop/start. */
  ports: z.record(z.string(), port),
  access_url: z.string(),
});
export type TemplateContext = z.infer<typeof templateContextSchema>;

export const templateMetadataSchema = z.strictObject({
  display_name: z.string().optional(),
  description: z.string().optional(),
  icon: z.string().optional(),
  ports: z.array(z.string().min(1)).optional(),
});
export type TemplateMetadata = z.infer<typeof templateMetadataSchema>;

export const scriptSpecSchema = z.strictObject({
  display_name: z.string().min(1),
  resource_address: z.string().optional(),
  script: z.string(),
  run_on_start: z.boolean().optional(),
  run_on_stop: z.boolean().optional(),
  cron: z.string().optional(),
  timeout_ms: z.number().int().nonnegative().optional(),
  depends_on: z.array(z.string().min(1)).optional(),
  log_path: z.string().optional(),
  start_blocks_login: z.boolean().optional(),
});
export type ScriptSpec = z.infer<typeof scriptSpecSchema>;

export const appSpecSchema = z.strictObject({
  slug: z.string().regex(APP_SLUG_PATTERN, { error: `slug must match ${APP_SLUG_PATTERN.source}` }),
  display_name: z.string().min(1),
  url: z.string().min(1),
  icon: z.string().optional(),
  healthcheck: z
    .strictObject({
      url: z.string().min(1),
      interval_s: z.number().int().positive(),
      threshold: z.number().int().positive(),
    })
    .optional(),
  task_app: z.boolean().optional(),
});
export type AppSpec = z.infer<typeof appSpecSchema>;

export const workspaceSpecSchema = z
  .strictObject({
    env: z.record(z.string(), z.string()).optional(),
    directory: z.string().optional(),
    scripts: z.array(scriptSpecSchema),
    apps: z.array(appSpecSchema).optional(),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    (spec.apps ?? []).forEach((app, index) => {
      if (seen.has(app.slug)) {
        ctx.addIssue({ code: 'custom', path: ['apps', index, 'slug'], message: `duplicate app slug "${app.slug}"` });
      }
      seen.add(app.slug);
    });
  });
export type WorkspaceSpec = z.infer<typeof workspaceSpecSchema>;

/** `apps[1].slug`-style path of a zod issue ("(root)" for the value itself). */
export function issuePath(path: readonly PropertyKey[]): string {
  const text = path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`),
    '',
  );
  return text || '(root)';
}
