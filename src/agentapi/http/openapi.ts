// The OpenAPI 3.0.3 document of the agentapi HTTP API, written as our own
// definition (users' clones have no shared fixtures to read it from). It must
// stay deep-equal to upstream's document: it never describes behaviour the
// routes do not have, and never gains fields upstream's document lacks.
// `renderOpenApi()` is the byte form served by `--print-openapi`.
import { AGENTAPI_COMPAT_VERSION } from '../version.js';
import {
  COMPONENT_SCHEMAS,
  ref,
  refWithDescription,
  type Json,
  type JsonObject,
  type SchemaName,
} from './openapi-schemas.js';

export type { Json, JsonObject, SchemaName };

const jsonContent = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

/** The 200 answer plus huma's `default` problem answer every operation has. */
const responses = (okContent: JsonObject): JsonObject => ({
  200: { content: okContent, description: 'OK' },
  default: {
    content: { 'application/problem+json': { schema: ref('ErrorModel') } },
    description: 'Error',
  },
});

interface OperationSpec {
  operationId: string;
  summary: string;
  description: string;
  ok: JsonObject;
  requestBody?: JsonObject;
}

const operation = (spec: OperationSpec): JsonObject => ({
  description: spec.description,
  operationId: spec.operationId,
  ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
  responses: responses(spec.ok),
  summary: spec.summary,
});

/** One `oneOf` branch of the `/events` stream description. */
const sseEvent = (event: string, data: SchemaName): JsonObject => ({
  properties: {
    data: ref(data),
    event: { const: event, description: 'The event name.', type: 'string' },
    id: { description: 'The event ID.', type: 'integer' },
    retry: { description: 'The retry time in milliseconds.', type: 'integer' },
  },
  required: ['data', 'event'],
  title: `Event ${event}`,
  type: 'object',
});

const paths: JsonObject = {
  '/events': {
    get: operation({
      operationId: 'subscribeEvents',
      summary: 'Subscribe to events',
      description:
        "The events are sent as Server-Sent Events (SSE). Initially, the endpoint returns a list of events needed to reconstruct the current state of the conversation and the agent's status. After that, it only returns events that have occurred since the last event was sent.\n\nNote: When an agent is running, the last message in the conversation history is updated frequently, and the endpoint sends a new message update event each time.",
      ok: {
        'text/event-stream': {
          schema: {
            description:
              'Each oneOf object in the array represents one possible Server Sent Events (SSE) message, serialized as UTF-8 text according to the SSE specification.',
            items: {
              oneOf: [
                sseEvent('agent_error', 'ErrorBody'),
                sseEvent('message_update', 'MessageUpdateBody'),
                sseEvent('status_change', 'StatusChangeBody'),
              ],
            },
            title: 'Server Sent Events',
            type: 'array',
          },
        },
      },
    }),
  },
  '/message': {
    post: operation({
      operationId: 'post-message',
      summary: 'Post message',
      description:
        "Send a message to the agent. For messages of type 'user', the agent's status must be 'stable' for the operation to complete successfully. Otherwise, this endpoint will return an error.",
      requestBody: {
        content: jsonContent(refWithDescription('MessageRequestBody', 'Message content and type')),
        required: true,
      },
      ok: jsonContent(ref('MessageResponseBody')),
    }),
  },
  '/messages': {
    get: operation({
      operationId: 'get-messages',
      summary: 'Get messages',
      description: 'Returns a list of messages representing the conversation history with the agent.',
      ok: jsonContent(ref('MessagesResponseBody')),
    }),
  },
  '/status': {
    get: operation({
      operationId: 'get-status',
      summary: 'Get status',
      description: 'Returns the current status of the agent.',
      ok: jsonContent(ref('StatusResponseBody')),
    }),
  },
  '/upload': {
    post: operation({
      operationId: 'post-upload',
      summary: 'Post upload',
      description: 'Upload files to the specified upload path.',
      requestBody: {
        content: {
          'multipart/form-data': {
            encoding: { file: { contentType: 'application/octet-stream' } },
            schema: {
              properties: {
                file: {
                  contentEncoding: 'binary',
                  contentMediaType: 'application/octet-stream',
                  description: 'file that needs to be uploaded',
                  format: 'binary',
                  type: 'string',
                },
              },
              required: ['file'],
              type: 'object',
            },
          },
        },
      },
      ok: jsonContent(ref('UploadResponseBody')),
    }),
  },
};

/** Builds a fresh copy of the document; callers may mutate what they get. */
export function openApiDocument(): JsonObject {
  return structuredClone({
    components: { schemas: COMPONENT_SCHEMAS },
    info: {
      description: 'HTTP API for Claude Code, Goose, and Aider.\n\nhttps://github.com/coder/agentapi',
      title: 'AgentAPI',
      version: AGENTAPI_COMPAT_VERSION,
    },
    openapi: '3.0.3',
    paths,
  });
}

export const SCHEMA_NAMES = Object.keys(COMPONENT_SCHEMAS) as SchemaName[];

export function isSchemaName(name: string): name is SchemaName {
  return Object.hasOwn(COMPONENT_SCHEMAS, name);
}

/** `components.schemas.<name>` as a fresh copy. */
export function componentSchema(name: SchemaName): JsonObject {
  return structuredClone(COMPONENT_SCHEMAS[name]);
}

/** Recursively rebuilds objects with their keys in code-point order (Go's map order). */
export function sortKeysDeep(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep(value[key] as Json);
  return out;
}

/**
 * The document as upstream prints it: keys sorted recursively, 2-space
 * indentation, trailing newline. Byte-identical to upstream's openapi.json.
 */
export function renderOpenApi(): string {
  return `${JSON.stringify(sortKeysDeep(openApiDocument()), null, 2)}\n`;
}
