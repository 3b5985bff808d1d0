// The task log snapshot (server.md §5.1 steps 3, 6, 7): the query and body
// rules of `POST …/tasks/{task}/log-snapshot?format=agentapi`, and the
// envelope stored in task_snapshots.log_snapshot,
// `{"format":"agentapi","data":{"messages":[{id, content, role, time}…]}}`.
// Pure: no database, no HTTP; every rejection is an AgentApiError with the
// spec's text. The tasks API reads stored envelopes with the same schema.
import { z } from 'zod';
import type { Validation } from '../api/errors.js';
import { decodeUtf8 } from './body.js';
import { AgentApiError } from './errors.js';

/** §5.1 step 5: 64 KiB; exactly this many bytes are accepted. */
export const SNAPSHOT_MAX_BYTES = 65_536;
export const SNAPSHOT_FORMAT = 'agentapi';

export const snapshotMessageSchema = z.object({
  id: z.number().int(),
  content: z.string(),
  role: z.enum(['user', 'agent']),
  time: z.iso.datetime({ offset: true }),
});
export type SnapshotMessage = z.infer<typeof snapshotMessageSchema>;

/** What task_snapshots.log_snapshot holds for format `agentapi`. */
export const snapshotEnvelopeSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  data: z.object({ messages: z.array(snapshotMessageSchema) }),
});
export type SnapshotEnvelope = z.infer<typeof snapshotEnvelopeSchema>;

/**
 * Step 3: `format` given once and non-empty, nothing else → its value;
 * otherwise 400 `Invalid query parameters.` with validations; a value other
 * than `agentapi` → 400 `Invalid format parameter.`.
 */
export function checkSnapshotQuery(query: URLSearchParams): void {
  const validations: Validation[] = [];
  for (const key of new Set(query.keys())) {
    if (key !== 'format') validations.push({ field: key, detail: `Query param "${key}" is not a valid query param` });
  }
  const formats = query.getAll('format');
  if (formats.length === 0 || formats[0] === '') {
    validations.unshift({ field: 'format', detail: 'Query param "format" is required and cannot be empty' });
  } else if (formats.length > 1) {
    validations.unshift({ field: 'format', detail: 'Query param "format" must be given once' });
  }
  if (validations.length > 0) throw new AgentApiError('invalidQuery', undefined, validations);
  if (formats[0] !== SNAPSHOT_FORMAT) throw new AgentApiError('invalidFormat', `Only "${SNAPSHOT_FORMAT}" is supported.`);
}

const messagesSchema = z.array(snapshotMessageSchema);

/**
 * Step 6: a JSON object whose `messages` is an array of well-formed messages
 * (other keys ignored). Missing or null `messages` → 400 `Missing required
 * "messages" field.`; anything else wrong → 400 `Failed to decode request payload.`.
 */
export function decodeSnapshotBody(body: Uint8Array): SnapshotMessage[] {
  const text = decodeUtf8(body);
  if (text === undefined) throw new AgentApiError('decodeFailed', 'body is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AgentApiError('decodeFailed', err instanceof Error ? err.message : undefined);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentApiError('decodeFailed', 'body must be a JSON object');
  }
  const messages = (value as Record<string, unknown>).messages;
  if (messages === undefined || messages === null) throw new AgentApiError('missingMessages');
  const parsed = messagesSchema.safeParse(messages);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentApiError('decodeFailed', `messages${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Step 7's envelope: exactly `{id, content, role, time}` per message, in the order received. */
export function snapshotEnvelope(messages: SnapshotMessage[]): SnapshotEnvelope {
  return {
    format: SNAPSHOT_FORMAT,
    data: { messages: messages.map(({ id, content, role, time }) => ({ id, content, role, time })) },
  };
}
