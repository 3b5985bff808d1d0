// The CLI's client for the control plane API (server.md §3.7, §7): where the
// URL and session token come from (flag > env > files saved by `taskyard
// login`), typed JSON requests checked with zod, API errors as CliErrors, and
// the `error: <message>` + `<detail>` printing every command uses. It never
// prints or logs the token.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { apiErrorSchema } from '../protocol/api-error.js';
import { SESSION_TOKEN_HEADER } from '../protocol/users.js';

export const NOT_LOGGED_IN_MESSAGE = 'not logged in; run "taskyard login <url>"';

/** An error a command prints as `error: <message>` (+ `<detail>` line), exit 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A non-2xx answer of the API, with its `{message, detail?, validations?}`. */
export class ApiRequestError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    detail?: string,
    readonly validations: { field: string; detail: string }[] = [],
  ) {
    super(message, detail);
    this.name = 'ApiRequestError';
  }
}

/** Prints `error: <message>`, then `<detail>` and one `<field>: <detail>` line per validation when present. */
export function printCliError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): void {
  const message = err instanceof Error ? err.message : String(err);
  let text = `error: ${message}\n`;
  if (err instanceof CliError && err.detail) text += `${err.detail}\n`;
  if (err instanceof ApiRequestError) for (const v of err.validations) text += `${v.field}: ${v.detail}\n`;
  stderr.write(text);
}

/** `$TASKYARD_CONFIG_DIR`, default `~/.config/taskyard`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TASKYARD_CONFIG_DIR || join(homedir(), '.config', 'taskyard');
}

export interface Credentials {
  url: string;
  token: string;
}

export interface CredentialFlags {
  url?: string;
  token?: string;
}

function readSaved(dir: string, name: string): string | undefined {
  try {
    return readFileSync(join(dir, name), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `--url`/`TASKYARD_URL`/saved `url`, `--token`/`TASKYARD_SESSION_TOKEN`/saved `session`; else not logged in. */
export function resolveCredentials(flags: CredentialFlags, env: NodeJS.ProcessEnv = process.env): Credentials {
  const dir = configDir(env);
  const url = flags.url || env.TASKYARD_URL || readSaved(dir, 'url');
  const token = flags.token || env.TASKYARD_SESSION_TOKEN || readSaved(dir, 'session');
  if (!url || !token) throw new CliError(NOT_LOGGED_IN_MESSAGE);
  return { url: normalizeUrl(url), token };
}

/** Saves `url` and `session` (files 0600 in a 0700 dir). */
export function saveCredentials(credentials: Credentials, env: NodeJS.ProcessEnv = process.env): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const [name, value] of [['url', credentials.url], ['session', credentials.token]] as const) {
    const file = join(dir, name);
    writeFileSync(file, `${value}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
}

/** An http(s) URL without trailing slashes; CliError otherwise. */
export function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`invalid URL ${JSON.stringify(url)}: expected an http or https URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`invalid URL ${JSON.stringify(url)}: expected an http or https URL`);
  return url.replace(/\/+$/, '');
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
}

export class ApiClient {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  static fromFlags(flags: CredentialFlags, env: NodeJS.ProcessEnv = process.env): ApiClient {
    const { url, token } = resolveCredentials(flags, env);
    return new ApiClient(url, token);
  }

  /** A JSON request whose 2xx body must match `schema`. */
  async request<S extends z.ZodType>(method: string, path: string, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
    const response = await this.send(method, path, options);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new CliError(`unexpected response from ${method} ${path}`);
    return parsed.data;
  }

  /** A request whose 2xx answer has no body worth reading (204, 202 …). */
  async requestNoContent(method: string, path: string, options: RequestOptions = {}): Promise<void> {
    const response = await this.send(method, path, options);
    await response.body?.cancel();
  }

  /** The raw 2xx response (SSE streams, proxied bodies); API errors still throw. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers[SESSION_TOKEN_HEADER] = this.token;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      throw new CliError(`cannot reach ${this.url}: ${cause}`);
    }
    if (response.ok) return response;
    const body = apiErrorSchema.safeParse(await response.json().catch(() => undefined));
    if (!body.success) throw new ApiRequestError(response.status, `${method} ${path}: HTTP ${response.status}`);
    throw new ApiRequestError(response.status, body.data.message, body.data.detail, body.data.validations);
  }
}
