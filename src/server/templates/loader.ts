// Loads template modules (server.md §4.1): every `.ts`/`.mts`/`.js`/`.mjs`
// file at the top of the templates directory, plus the package's built-ins.
// A template's name is its file name without extension, its version the
// SHA-256 of its content. Modules are imported through tsx's programmatic
// `tsImport` (TypeScript and JavaScript alike), each load in a fresh module
// namespace so changed content is really re-imported. It never renders a
// template (see render.ts) and never writes into the templates directory.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { issuePath, TEMPLATE_NAME_PATTERN, templateMetadataSchema, type TemplateMetadata } from '../../protocol/template.js';
import { errorMessage, TemplateError } from './errors.js';
import { builtinTemplateFiles } from './package-root.js';
import { registerTemplateModuleHooks } from './module-hooks.js';

export const TEMPLATE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

/** A template's default export: `(ctx) => WorkspaceSpec | Promise<WorkspaceSpec>` (validated by renderTemplate). */
export type TemplateFunction = (ctx: unknown) => unknown;

export interface Template {
  name: string;
  /** Absolute path of the module file. */
  path: string;
  /** SHA-256 (hex) of the file content. */
  version: string;
  /** The file content (UTF-8), e.g. to store with the template version. */
  content: string;
  builtin: boolean;
  metadata: TemplateMetadata;
  /** The module's default export. */
  render: TemplateFunction;
}

/** The template name of a file, or undefined when the file is not a template module. */
export function templateFileName(file: string): string | undefined {
  const base = path.basename(file);
  if (base.startsWith('.') || /\.d\.m?ts$/.test(base)) return undefined;
  const ext = TEMPLATE_EXTENSIONS.find((e) => base.endsWith(e));
  return ext ? base.slice(0, -ext.length) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Imports one template module and checks its shape. */
export async function loadTemplateFile(file: string, options: { builtin?: boolean } = {}): Promise<Template> {
  const absolute = path.resolve(file);
  const base = path.basename(absolute);
  const name = templateFileName(absolute);
  if (name === undefined) {
    throw new TemplateError('invalid_template_name', `template file "${base}": not a ${TEMPLATE_EXTENSIONS.join('/')} module`);
  }
  if (!TEMPLATE_NAME_PATTERN.test(name)) {
    throw new TemplateError(
      'invalid_template_name',
      `template file "${base}": name "${name}" does not match ${TEMPLATE_NAME_PATTERN.source}`,
    );
  }
  const bytes = readFileSync(absolute);
  const version = createHash('sha256').update(bytes).digest('hex');

  registerTemplateModuleHooks(path.dirname(absolute));
  let mod: unknown;
  try {
    mod = await tsImport(pathToFileURL(absolute).href, import.meta.url);
  } catch (err) {
    throw new TemplateError('template_import_failed', `template "${name}": import failed: ${errorMessage(err)}`, { cause: err });
  }
  if (!isObject(mod) || typeof mod.default !== 'function') {
    throw new TemplateError('invalid_template_module', `template "${name}": the default export must be a function (ctx) => WorkspaceSpec`);
  }
  const parsed = templateMetadataSchema.safeParse(mod.metadata ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    throw new TemplateError(
      'invalid_template_metadata',
      `template "${name}": invalid metadata: ${issuePath(['metadata', ...issue.path, ...keys])}: ${issue.message}`,
    );
  }
  const render = mod.default as TemplateFunction;
  return {
    name,
    path: absolute,
    version,
    content: bytes.toString('utf8'),
    builtin: options.builtin ?? false,
    metadata: parsed.data,
    render,
  };
}

/** Template files directly in `dir` (none when it does not exist), sorted by name. */
function templateFilesIn(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    if (isObject(err) && err.code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((entry) => templateFileName(entry) !== undefined)
    .map((entry) => path.join(dir, entry))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/**
 * Loads the built-in templates, then every template of `dir` (a missing
 * directory has none). A directory template replaces a built-in of the same
 * name; two directory files with one name (`a.ts`, `a.mjs`) are an error.
 */
export async function loadTemplates(dir: string, builtins: readonly string[] = builtinTemplateFiles()): Promise<Template[]> {
  const byName = new Map<string, Template>();
  for (const file of builtins) {
    const template = await loadTemplateFile(file, { builtin: true });
    byName.set(template.name, template);
  }
  const fromDir = new Map<string, string>();
  for (const file of templateFilesIn(dir)) {
    const name = templateFileName(file)!;
    const other = fromDir.get(name);
    if (other !== undefined) {
      throw new TemplateError(
        'duplicate_template',
        `template "${name}" is defined twice: ${path.basename(other)} and ${path.basename(file)}`,
      );
    }
    fromDir.set(name, file);
    byName.set(name, await loadTemplateFile(file));
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
