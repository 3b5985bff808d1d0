// The demo agent's script (spec §10.4, §10.6): the zod schema of the JSON
// array, and loading it from a file with stable error values. It must never
// print or exit; the composition root decides what a failure does.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const scriptEntrySchema = z.object({
  expectMessage: z.string(),
  thinkDurationMS: z.number().int().optional(),
  responseMessage: z.string(),
});
export const scriptSchema = z.array(scriptEntrySchema);

export type ScriptEntry = z.infer<typeof scriptEntrySchema>;
export type Script = readonly ScriptEntry[];

export type ScriptErrorCode = 'script_unreadable' | 'script_invalid' | 'script_empty';

/**
 * A script that cannot be used. `message` is the cause alone; `printedLine`
 * is the exact line the agent prints before exiting 1.
 */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';

  constructor(
    readonly code: ScriptErrorCode,
    message: string,
  ) {
    super(message);
  }

  get printedLine(): string {
    return this.code === 'script_empty' ? this.message : `Error loading script: ${this.message}`;
  }
}

/** Validates script text. Throws ScriptError (`script_invalid` / `script_empty`). */
export function parseScript(text: string): Script {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScriptError('script_invalid', `failed to parse script JSON: ${describe(err)}`);
  }
  const result = scriptSchema.safeParse(json);
  if (!result.success) {
    // The first issue is enough to fix the file; the message stays one line.
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : `${formatPath(issue.path)}: `;
    throw new ScriptError('script_invalid', `invalid script: ${where}${issue?.message ?? 'invalid input'}`);
  }
  if (result.data.length === 0) throw new ScriptError('script_empty', 'Script is empty');
  return result.data;
}

/** Reads and validates a script file. Throws ScriptError. */
export async function loadScript(
  path: string,
  read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<Script> {
  let text: string;
  try {
    text = await read(path);
  } catch (err) {
    throw new ScriptError('script_unreadable', `failed to read script file: ${describe(err)}`);
  }
  return parseScript(text);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = 'script';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
