// Typed errors of the agent API (server.md §5) with the spec's fixed texts.
// Each is an HttpError, so throwing one inside a request answers with exactly
// its status and body; callers and tests tell them apart by `code`, never by
// message. No text here may ever contain a token or a request body.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError, type Validation } from '../api/errors.js';

export const AGENT_API_MESSAGES = {
  invalidTaskId: 'Invalid task ID format.',
  invalidQuery: 'Invalid query parameters.',
  invalidFormat: 'Invalid format parameter.',
  snapshotTooLarge: 'Log snapshot payload exceeds 65536 bytes.',
  decodeFailed: 'Failed to decode request payload.',
  missingMessages: 'Missing required "messages" field.',
  storeSnapshotFailed: 'Internal error storing snapshot.',
  logsLimitExceeded: 'Logs limit exceeded.',
  tooManyLogLines: 'Too many log lines in one request.',
  tooManyLogBytes: 'Too many log bytes in one request.',
  unknownLogSource: 'Unknown log source.',
  unknownScript: 'Unknown script.',
  unknownApp: 'Unknown app.',
  statusMessageTooLong: 'Status message is too long.',
  invalidManifest: 'Internal error building the agent manifest.',
} as const;

export type AgentApiErrorCode = keyof typeof AGENT_API_MESSAGES;

const STATUS: Record<AgentApiErrorCode, ContentfulStatusCode> = {
  invalidTaskId: 400,
  invalidQuery: 400,
  invalidFormat: 400,
  snapshotTooLarge: 413,
  decodeFailed: 400,
  missingMessages: 400,
  storeSnapshotFailed: 500,
  logsLimitExceeded: 413,
  tooManyLogLines: 400,
  tooManyLogBytes: 400,
  unknownLogSource: 400,
  unknownScript: 400,
  unknownApp: 400,
  statusMessageTooLong: 400,
  invalidManifest: 500,
};

export class AgentApiError extends HttpError {
  constructor(
    readonly code: AgentApiErrorCode,
    detail?: string,
    validations?: Validation[],
  ) {
    super(STATUS[code], AGENT_API_MESSAGES[code], detail, validations);
    this.name = 'AgentApiError';
  }
}
