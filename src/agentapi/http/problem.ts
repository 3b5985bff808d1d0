// RFC 7807 problem answers (`application/problem+json`, ErrorModel) as typed
// error values with stable text. Handlers throw an HttpProblem; the app's error
// handler renders it. Nothing here may put a stack trace or an unbounded
// internal message into `detail`: unexpected failures become the fixed
// `unexpected error occurred` with the cause in `errors[0].message`.
import type { Context } from 'hono';
import { schemaJsonResponse } from './json-body.js';

export interface ErrorDetail {
  location?: string;
  message?: string;
  value?: unknown;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

export type ProblemCode =
  | 'bad_request'
  | 'body_too_large'
  | 'body_read_timeout'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'file_too_large'
  | 'unexpected';

export class HttpProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly status: number,
    readonly detail: string,
    readonly errors: readonly ErrorDetail[] = [],
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  get title(): string {
    return TITLES[this.status] ?? 'Error';
  }
}

export const MAX_JSON_BODY_BYTES = 1_048_576;

export const bodyTooLarge = (limit: number): HttpProblem =>
  new HttpProblem('body_too_large', 413, `request body is too large limit=${limit} bytes`);

export const bodyReadTimeout = (): HttpProblem =>
  new HttpProblem('body_read_timeout', 408, 'request body read timeout');

export const validationFailed = (errors: readonly ErrorDetail[], status = 422): HttpProblem =>
  new HttpProblem('validation_failed', status, 'validation failed', errors);

/** A handler failure: 500 with the cause text in `errors[0].message`. */
export const unexpectedError = (cause: string): HttpProblem =>
  new HttpProblem('unexpected', 500, 'unexpected error occurred', [{ message: cause }]);

/** The text of a thrown value, for `errors[].message` and wrapped causes. */
export function causeText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** ErrorDetail keys in upstream order, empty ones left out. */
function detailJson(d: ErrorDetail): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (d.message) out.message = d.message;
  if (d.location) out.location = d.location;
  if (d.value !== undefined && d.value !== null) out.value = d.value;
  return out;
}

export function problemResponse(c: Context, problem: HttpProblem): Response {
  const fields: Record<string, unknown> = { title: problem.title, status: problem.status };
  if (problem.detail) fields.detail = problem.detail;
  if (problem.errors.length > 0) fields.errors = problem.errors.map(detailJson);
  return schemaJsonResponse(c, 'ErrorModel', fields, {
    status: problem.status,
    contentType: 'application/problem+json',
  });
}
