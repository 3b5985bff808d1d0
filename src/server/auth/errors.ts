// Typed auth errors with the fixed texts of server.md §3 and the HTTP status
// each maps to. Routes and middleware turn them into responses; callers test
// them by `code`, never by message. Being HttpErrors, they become their
// response wherever they are thrown inside a request.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError } from '../api/errors.js';

export const AUTH_MESSAGES = {
  tokenMissing: 'Session token must be provided.',
  tokenInvalid: 'Invalid session token.',
  firstUserExists: 'The first user has already been created.',
  userExists: 'User already exists.',
  agentNotAuthorized: 'Workspace agent not authorized.',
} as const;

export type AuthErrorCode = 'token_missing' | 'token_invalid' | 'first_user_exists' | 'user_exists' | 'agent_not_authorized';

const STATUS: Record<AuthErrorCode, ContentfulStatusCode> = {
  token_missing: 401,
  token_invalid: 401,
  first_user_exists: 409,
  user_exists: 409,
  agent_not_authorized: 401,
};

const MESSAGE: Record<AuthErrorCode, string> = {
  token_missing: AUTH_MESSAGES.tokenMissing,
  token_invalid: AUTH_MESSAGES.tokenInvalid,
  first_user_exists: AUTH_MESSAGES.firstUserExists,
  user_exists: AUTH_MESSAGES.userExists,
  agent_not_authorized: AUTH_MESSAGES.agentNotAuthorized,
};

export class AuthError extends HttpError {
  constructor(readonly code: AuthErrorCode) {
    super(STATUS[code], MESSAGE[code]);
    this.name = 'AuthError';
  }
}
