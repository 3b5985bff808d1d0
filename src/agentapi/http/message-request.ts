// The POST /message request body: its zod schema, and the translation of a
// raw body into either the parsed request or huma's error texts (§3.6.2,
// §3.6.3). It must never accept properties outside the schema, and never
// invent error strings a huma client would not recognise.
import { z } from 'zod';
import { causeText, validationFailed, type ErrorDetail } from './problem.js';

export const MESSAGE_TYPES = ['raw', 'user'] as const;

export const messageRequestSchema = z.strictObject({
  // huma accepts (and ignores) the read-only `$schema` link a client echoes back.
  $schema: z.string().optional(),
  content: z.string(),
  type: z.enum(MESSAGE_TYPES),
});

export type MessageRequest = z.infer<typeof messageRequestSchema>;

/** Property order huma validates in: declared properties (sorted), then unknown ones. */
const PROPERTY_ORDER: readonly string[] = ['$schema', 'content', 'type'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps zod issues to huma's `{message, location, value}` details. */
export function issuesToDetails(body: unknown, issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  if (!isRecord(body)) return [{ message: 'expected object', location: 'body', value: body }];
  const byProperty: { order: number; detail: ErrorDetail }[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        byProperty.push({
          order: PROPERTY_ORDER.length,
          detail: { message: 'unexpected property', location: `body.${key}`, value: body },
        });
      }
      continue;
    }
    const key = String(issue.path[0] ?? '');
    const order = PROPERTY_ORDER.indexOf(key);
    const value = body[key];
    let detail: ErrorDetail;
    if (!Object.hasOwn(body, key)) {
      detail = { message: `expected required property ${key} to be present`, location: 'body', value: body };
    } else if (issue.code === 'invalid_type') {
      detail = { message: `expected ${issue.expected}`, location: `body.${key}`, value };
    } else if (issue.code === 'invalid_value' && typeof value !== 'string') {
      // huma checks the JSON type before the enum.
      detail = { message: 'expected string', location: `body.${key}`, value };
    } else if (issue.code === 'invalid_value') {
      const values = issue.values.map(String).join(', ');
      detail = { message: `expected value to be one of "${values}"`, location: `body.${key}`, value };
    } else {
      detail = { message: issue.message, location: `body.${key}`, value };
    }
    byProperty.push({ order: order < 0 ? PROPERTY_ORDER.length : order, detail });
  }
  return byProperty.sort((a, b) => a.order - b.order).map((e) => e.detail);
}

/** `application/json`, `…+json`, or no content type at all (huma assumes JSON). */
function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const mediaType = (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
  return mediaType === '' || mediaType === 'application/json' || mediaType.endsWith('+json');
}

/** Parses and validates a POST /message body; throws an HttpProblem on any failure. */
export function parseMessageRequest(raw: Uint8Array, contentType: string | undefined): MessageRequest {
  const text = Buffer.from(raw).toString('utf8');
  if (raw.byteLength === 0) {
    throw validationFailed([{ message: 'request body is required', location: 'body' }]);
  }
  if (!isJsonContentType(contentType)) {
    throw validationFailed(
      [{ message: `unknown content type: ${contentType ?? ''}`, location: 'body', value: text }],
      415,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw validationFailed([{ message: causeText(err), location: 'body', value: text }], 400);
  }
  const result = messageRequestSchema.safeParse(body);
  if (!result.success) throw validationFailed(issuesToDetails(body, result.error.issues));
  return result.data;
}
