// Users and API tokens of the control plane (server.md §3): the user JSON,
// the bodies of the user endpoints and the token format. One schema for the
// server's routes and the CLI (`taskyard login`, the API client). No
// behaviour: hashing, storage and auth live in src/server/auth/.
import { z } from 'zod';

/** §3.4 username rule (1–32 chars, inner dashes only). */
export const USERNAME_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
/** §3.2 token `<10-char id>-<22-char secret>`, alphanumeric. */
export const SESSION_TOKEN_PATTERN = /^([a-zA-Z0-9]{10})-([a-zA-Z0-9]{22})$/;

export const SESSION_TOKEN_HEADER = 'Coder-Session-Token';
export const SESSION_TOKEN_COOKIE = 'coder_session_token';

export const userRoleSchema = z.enum(['owner', 'member']);
export type UserRole = z.infer<typeof userRoleSchema>;

export const userSchema = z.object({
  id: z.guid(),
  username: z.string(),
  email: z.string(),
  role: userRoleSchema,
  created_at: z.string(),
});
export type User = z.infer<typeof userSchema>;

const usernameSchema = z.string().regex(USERNAME_PATTERN, { message: `must match ${USERNAME_PATTERN.source}` });
const emailSchema = z.union([z.literal(''), z.email({ message: 'must be a valid email address' })]);

/** `POST /api/v2/users/first`. */
export const createFirstUserRequestSchema = z.object({ username: usernameSchema, email: emailSchema.optional() });
export type CreateFirstUserRequest = z.infer<typeof createFirstUserRequestSchema>;
export const createFirstUserResponseSchema = z.object({ user: userSchema, session_token: z.string() });
export type CreateFirstUserResponse = z.infer<typeof createFirstUserResponseSchema>;

/** `POST /api/v2/users` (owners only); role defaults to member. */
export const createUserRequestSchema = z.object({
  username: usernameSchema,
  email: emailSchema.optional(),
  role: userRoleSchema.optional(),
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

/** `POST /api/v2/users/{user}/keys` → 201. */
export const createApiKeyResponseSchema = z.object({ key: z.string() });
export type CreateApiKeyResponse = z.infer<typeof createApiKeyResponseSchema>;
