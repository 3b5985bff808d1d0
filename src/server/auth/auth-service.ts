// Users and session tokens (server.md §3.1–§3.4): authenticating a presented
// token, creating the first user (once, across replicas), users and API keys,
// and resolving `{user}` path parameters with owner/member visibility. Token
// secrets exist only in the value returned to the caller; only SHA-256
// hashes reach the database, compared in constant time.
import postgres from 'postgres';
import type { User, UserRole } from '../../protocol/users.js';
import type { Sql } from '../db/storage.js';
import { AuthError } from './errors.js';
import { generateSessionToken, hashesEqual, parseSessionToken, sha256 } from './tokens.js';
import * as store from './users-store.js';

/** pg_advisory_xact_lock key serialising first-user creation: 'tyfu' in ASCII. */
const FIRST_USER_LOCK_KEY = 0x74796675;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Compared against when a token id is unknown, so both paths hash and compare. */
const NO_SUCH_KEY_HASH = sha256('taskyard: no such key');

export interface NewUser {
  username: string;
  email?: string;
  role?: UserRole;
}

export class AuthService {
  constructor(private readonly sql: Sql) {}

  /** The user a session token belongs to; AuthError `token_missing` / `token_invalid` otherwise. */
  async authenticate(token: string | undefined): Promise<User> {
    if (token === undefined || token === '') throw new AuthError('token_missing');
    const parts = parseSessionToken(token);
    if (!parts) throw new AuthError('token_invalid');
    const key = await store.findApiKeyWithUser(this.sql, parts.id);
    const matches = hashesEqual(sha256(parts.secret), key?.hashedSecret ?? NO_SUCH_KEY_HASH);
    if (!key || !matches) throw new AuthError('token_invalid');
    if (key.expiresAt !== null && key.expiresAt.getTime() <= Date.now()) throw new AuthError('token_invalid');
    return key.user;
  }

  /**
   * Creates the first user (owner) and a session token for it, only while no
   * user exists; AuthError `first_user_exists` otherwise. Serialised with an
   * advisory lock so two replicas (or two requests) cannot both succeed.
   */
  async createFirstUser(request: NewUser): Promise<{ user: User; token: string }> {
    return this.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${FIRST_USER_LOCK_KEY})`;
      if ((await store.countUsers(tx)) > 0) throw new AuthError('first_user_exists');
      const user = await store.insertUser(tx, { username: request.username, email: request.email ?? '', role: 'owner' });
      const token = generateSessionToken();
      await store.insertApiKey(tx, { id: token.id, userId: user.id, hashedSecret: token.hashedSecret, name: 'first-user' });
      return { user, token: token.token };
    });
  }

  /** AuthError `user_exists` when the username is taken (case-insensitively). */
  async createUser(request: NewUser): Promise<User> {
    try {
      return await store.insertUser(this.sql, { username: request.username, email: request.email ?? '', role: request.role ?? 'member' });
    } catch (err) {
      if (err instanceof postgres.PostgresError && err.code === '23505') throw new AuthError('user_exists');
      throw err;
    }
  }

  /** A new session token for `userId`: the only time its secret exists outside its owner. */
  async createApiKey(userId: string, name = ''): Promise<string> {
    const token = generateSessionToken();
    await store.insertApiKey(this.sql, { id: token.id, userId, hashedSecret: token.hashedSecret, name });
    return token.token;
  }

  async deleteApiKey(userId: string, keyId: string): Promise<boolean> {
    return store.deleteApiKey(this.sql, userId, keyId);
  }

  /**
   * `{user}` = `me`, a user UUID or a username, as `actor` may see it:
   * owners see everyone, members only themselves (others → undefined, i.e. 404).
   */
  async resolveUser(param: string, actor: User): Promise<User | undefined> {
    let user: User | undefined;
    if (param === 'me') user = actor;
    else if (GUID.test(param)) user = await store.findUserById(this.sql, param);
    else user = await store.findUserByUsername(this.sql, param);
    if (!user) return undefined;
    return actor.role === 'owner' || user.id === actor.id ? user : undefined;
  }
}
