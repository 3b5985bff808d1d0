// The workspace agent's manifest: what `GET /api/v2/workspaceagents/me/manifest`
// returns and what `taskyard agent --manifest FILE` reads. One schema for the
// server (producer) and the agent (consumer); it holds no behaviour.
import { z } from 'zod';

export const scriptRecordSchema = z.object({
  id: z.guid(),
  log_source_id: z.guid(),
  log_path: z.string().default(''),
  script: z.string(),
  cron: z.string().default(''),
  run_on_start: z.boolean().default(false),
  run_on_stop: z.boolean().default(false),
  start_blocks_login: z.boolean().default(false),
  timeout_ms: z.number().int().nonnegative().default(0),
  display_name: z.string().default(''),
  resource_address: z.string().default(''),
  depends_on: z.array(z.string()).default([]),
});
export type ScriptRecord = z.infer<typeof scriptRecordSchema>;

export const healthcheckSchema = z.object({
  url: z.string(),
  interval_s: z.number().int().positive(),
  threshold: z.number().int().positive(),
});

export const appSchema = z.object({
  id: z.guid(),
  slug: z.string().min(1),
  display_name: z.string().default(''),
  url: z.string().default(''),
  healthcheck: healthcheckSchema.nullish(),
});
export type ManifestApp = z.infer<typeof appSchema>;

export const manifestSchema = z.object({
  agent_id: z.guid(),
  agent_name: z.string().default('main'),
  workspace_id: z.guid(),
  workspace_name: z.string(),
  owner_name: z.string(),
  build_id: z.guid().optional(),
  build_number: z.number().int().optional(),
  directory: z.string().default(''),
  environment_variables: z.record(z.string(), z.string()).default({}),
  scripts: z.array(scriptRecordSchema).default([]),
  apps: z.array(appSchema).default([]),
  task: z.object({ id: z.guid(), app_slug: z.string() }).nullish(),
  log_sources: z.array(z.object({ id: z.guid(), display_name: z.string() })).default([]),
});
export type Manifest = z.infer<typeof manifestSchema>;

export class ManifestError extends Error {
  readonly code = 'invalid_manifest';
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Validates a manifest; the error names the offending field, e.g. `scripts[2].timeout_ms`. */
export function parseManifest(raw: unknown): Manifest {
  const result = manifestSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`),
    '',
  );
  throw new ManifestError(`invalid manifest: ${field || '(root)'}: ${issue.message}`);
}

/** Parses manifest JSON text; bad JSON gets its own clear message. */
export function parseManifestText(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`invalid manifest: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseManifest(raw);
}
