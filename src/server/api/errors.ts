// The API's error responses (server.md: `{"message", "detail"?,
// "validations"?}`) and JSON body reading with zod. Routes throw HttpError
// (or return errorResponse) with a fixed message; the app's onError turns
// anything else into a 500 without leaking internals.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ApiError } from '../../protocol/api-error.js';

export type Validation = { field: string; detail: string };

export const MESSAGES = {
  notFound: 'Resource not found or you do not have access to this resource.',
  routeNotFound: 'Route not found.',
  internal: 'Internal error.',
  invalidJson: 'Request body must be valid JSON.',
  validationFailed: 'Validation failed.',
  bodyTooLarge: 'Request body is too large.',
  forbidden: 'Forbidden.',
} as const;

/** An error that becomes exactly this HTTP response. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly detail?: string,
    readonly validations?: Validation[],
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get body(): ApiError {
    return errorBody(this.message, this.detail, this.validations);
  }
}

export function errorBody(message: string, detail?: string, validations?: Validation[]): ApiError {
  const body: ApiError = { message };
  if (detail !== undefined) body.detail = detail;
  if (validations !== undefined) body.validations = validations;
  return body;
}

export function errorResponse(c: Context, status: ContentfulStatusCode, message: string, detail?: string, validations?: Validation[]): Response {
  return c.json(errorBody(message, detail, validations), status);
}

/** 404 with the spec's text, for unknown resources and resources the caller may not see. */
export function notFound(): HttpError {
  return new HttpError(404, MESSAGES.notFound);
}

/** Zod issues as `validations` entries (`field` is the dotted path, `""` for the body itself). */
export function zodValidations(error: z.ZodError): Validation[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), detail: issue.message }));
}

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Reads and validates a JSON body: not JSON → 400 `Request body must be valid
 * JSON.`; schema mismatch → 400 `Validation failed.` with validations; larger
 * than `limitBytes` (declared or received) → 413.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, limitBytes = DEFAULT_BODY_LIMIT): Promise<z.infer<S>> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > limitBytes) throw new HttpError(413, MESSAGES.bodyTooLarge);
  const raw = await c.req.arrayBuffer();
  if (raw.byteLength > limitBytes) throw new HttpError(413, MESSAGES.bodyTooLarge);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    throw new HttpError(400, MESSAGES.invalidJson, err instanceof Error ? err.message : undefined);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, MESSAGES.validationFailed, undefined, zodValidations(parsed.error));
  return parsed.data;
}
