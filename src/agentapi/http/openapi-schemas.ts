// The 17 component schemas of the OpenAPI document (bodies, enums, errors),
// plus the small builders the document is written with. Pure data: it must
// never diverge from upstream's `components.schemas`, and never hold route
// behaviour (openapi.ts assembles the paths; routes live elsewhere).

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Names of `components.schemas`; each is also served at `/schemas/<Name>.json`. */
export type SchemaName =
  | 'AgentStatus'
  | 'ConversationRole'
  | 'ErrorBody'
  | 'ErrorDetail'
  | 'ErrorLevel'
  | 'ErrorModel'
  | 'Message'
  | 'MessageRequestBody'
  | 'MessageResponseBody'
  | 'MessageType'
  | 'MessageUpdateBody'
  | 'MessagesResponseBody'
  | 'ScreenUpdateBody'
  | 'StatusChangeBody'
  | 'StatusResponseBody'
  | 'Transport'
  | 'UploadResponseBody';

export const ref = (name: SchemaName): JsonObject => ({ $ref: `#/components/schemas/${name}` });

export const refWithDescription = (name: SchemaName, description: string): JsonObject => ({
  ...ref(name),
  description,
});

const str = (description: string, extra: JsonObject = {}): JsonObject => ({ description, type: 'string', ...extra });

/** A closed object: upstream marks every body `additionalProperties: false`. */
const object = (properties: JsonObject, required: string[]): JsonObject => ({
  additionalProperties: false,
  properties,
  ...(required.length > 0 ? { required: [...required].sort() } : {}),
  type: 'object',
});

const enumSchema = (title: string, values: string[], example: string): JsonObject => ({
  enum: values,
  example,
  title,
  type: 'string',
});

/** The read-only `$schema` link every response body carries first. */
const schemaLink = (name: SchemaName): JsonObject =>
  str('A URL to the JSON Schema for this object.', {
    example: `https://example.com/schemas/${name}.json`,
    format: 'uri',
    readOnly: true,
  });

/** A response body: `$schema` plus the given properties. */
const responseBody = (name: SchemaName, properties: JsonObject, required: string[]): JsonObject =>
  object({ $schema: schemaLink(name), ...properties }, required);

const MESSAGE_ID = {
  description:
    'Unique identifier for the message. This identifier also represents the order of the message in the conversation history.',
  format: 'int64',
  type: 'integer',
};
const MESSAGE_TEXT =
  "Message content. The message is formatted as it appears in the agent's terminal session, meaning that, by default, it consists of lines of text with 80 characters per line.";
const MESSAGE_ROLE = refWithDescription('ConversationRole', 'Role of the message author');
const MESSAGE_TIME = str('Timestamp of the message', { format: 'date-time' });
const AGENT_TYPE = str('Type of the agent being used by the server.');

export const COMPONENT_SCHEMAS: Readonly<Record<SchemaName, JsonObject>> = {
  AgentStatus: enumSchema('AgentStatus', ['running', 'stable'], 'stable'),
  ConversationRole: enumSchema('ConversationRole', ['agent', 'user'], 'user'),
  ErrorBody: object(
    {
      level: refWithDescription('ErrorLevel', 'Error level'),
      message: str('Error message'),
      time: str('Timestamp when the error occurred', { format: 'date-time' }),
    },
    ['level', 'message', 'time'],
  ),
  ErrorDetail: object(
    {
      location: str("Where the error occurred, e.g. 'body.items[3].tags' or 'path.thing-id'"),
      message: str('Error message text'),
      value: { description: 'The value at the given location' },
    },
    [],
  ),
  ErrorLevel: enumSchema('ErrorLevel', ['error', 'warning'], 'warning'),
  ErrorModel: object(
    {
      $schema: schemaLink('ErrorModel'),
      detail: str('A human-readable explanation specific to this occurrence of the problem.', {
        example: 'Property foo is required but is missing.',
      }),
      errors: {
        description: 'Optional list of individual error details',
        items: ref('ErrorDetail'),
        nullable: true,
        type: 'array',
      },
      instance: str('A URI reference that identifies the specific occurrence of the problem.', {
        example: 'https://example.com/error-log/abc123',
        format: 'uri',
      }),
      status: { description: 'HTTP status code', example: 400, format: 'int64', type: 'integer' },
      title: str(
        'A short, human-readable summary of the problem type. This value should not change between occurrences of the error.',
        { example: 'Bad Request' },
      ),
      type: str('A URI reference to human-readable documentation for the error.', {
        default: 'about:blank',
        example: 'https://example.com/errors/example',
        format: 'uri',
      }),
    },
    [],
  ),
  Message: object(
    {
      content: str(MESSAGE_TEXT, { example: 'Hello world' }),
      id: MESSAGE_ID,
      role: MESSAGE_ROLE,
      time: MESSAGE_TIME,
    },
    ['content', 'id', 'role', 'time'],
  ),
  MessageRequestBody: object(
    {
      $schema: schemaLink('MessageRequestBody'),
      content: str('Message content', { example: 'Hello, agent!' }),
      type: refWithDescription(
        'MessageType',
        "A 'user' type message will be logged as a user message in the conversation history and submitted to the agent. AgentAPI will wait until the agent starts carrying out the task described in the message before responding. A 'raw' type message will be written directly to the agent's terminal session as keystrokes and will not be saved in the conversation history. 'raw' messages are useful for sending escape sequences to the terminal.",
      ),
    },
    ['content', 'type'],
  ),
  MessageResponseBody: responseBody(
    'MessageResponseBody',
    {
      ok: {
        description:
          "Indicates whether the message was sent successfully. For messages of type 'user', success means detecting that the agent began executing the task described. For messages of type 'raw', success means the keystrokes were sent to the terminal.",
        type: 'boolean',
      },
    },
    ['ok'],
  ),
  MessageType: enumSchema('MessageType', ['raw', 'user'], 'user'),
  MessageUpdateBody: object(
    { id: MESSAGE_ID, message: str(MESSAGE_TEXT), role: MESSAGE_ROLE, time: MESSAGE_TIME },
    ['id', 'message', 'role', 'time'],
  ),
  MessagesResponseBody: responseBody(
    'MessagesResponseBody',
    { messages: { description: 'List of messages', items: ref('Message'), type: 'array' } },
    ['messages'],
  ),
  ScreenUpdateBody: object({ screen: { type: 'string' } }, ['screen']),
  StatusChangeBody: object(
    { agent_type: AGENT_TYPE, status: refWithDescription('AgentStatus', 'Agent status') },
    ['agent_type', 'status'],
  ),
  StatusResponseBody: responseBody(
    'StatusResponseBody',
    {
      agent_type: AGENT_TYPE,
      status: refWithDescription(
        'AgentStatus',
        "Current agent status. 'running' means that the agent is processing a message, 'stable' means that the agent is idle and waiting for input.",
      ),
      transport: refWithDescription('Transport', "Backend transport being used ('acp' or 'pty')."),
    },
    ['agent_type', 'status', 'transport'],
  ),
  Transport: enumSchema('Transport', ['acp', 'pty'], 'pty'),
  UploadResponseBody: responseBody(
    'UploadResponseBody',
    {
      filePath: str('Path of the file'),
      ok: { description: 'Indicates whether the files were uploaded successfully.', type: 'boolean' },
    },
    ['filePath', 'ok'],
  ),
};
