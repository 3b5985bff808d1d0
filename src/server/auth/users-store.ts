// SQL for users and API keys (tables `users`, `api_keys` of migration 0001).
// Rows come back as the API's User JSON. It stores only token ids and
// SHA-256 hashes, never a secret, and holds no authorization rules.
import type { Queryable } from '../db/storage.js';
import type { User, UserRole } from '../../protocol/users.js';

interface UserRow {
  id: string;
  username: string;
  email: string;
  role: UserRole;
  created_at: Date;
}

export function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, email: row.email, role: row.role, created_at: row.created_at.toISOString() };
}

const USER_COLUMNS = ['id', 'username', 'email', 'role', 'created_at'] as const;

export async function countUsers(sql: Queryable): Promise<number> {
  const rows = await sql<{ count: string }[]>`select count(*) from users`;
  return Number(rows[0]!.count);
}

export async function insertUser(sql: Queryable, user: { username: string; email: string; role: UserRole }): Promise<User> {
  const rows = await sql<UserRow[]>`
    insert into users (username, email, role) values (${user.username}, ${user.email}, ${user.role})
    returning ${sql(USER_COLUMNS)}`;
  return toUser(rows[0]!);
}

export async function findUserById(sql: Queryable, id: string): Promise<User | undefined> {
  const rows = await sql<UserRow[]>`select ${sql(USER_COLUMNS)} from users where id = ${id}`;
  return rows[0] && toUser(rows[0]);
}

/** Usernames are unique regardless of case. */
export async function findUserByUsername(sql: Queryable, username: string): Promise<User | undefined> {
  const rows = await sql<UserRow[]>`select ${sql(USER_COLUMNS)} from users where lower(username) = lower(${username})`;
  return rows[0] && toUser(rows[0]);
}

export async function insertApiKey(sql: Queryable, key: { id: string; userId: string; hashedSecret: Buffer; name: string }): Promise<void> {
  await sql`insert into api_keys (id, user_id, hashed_secret, name) values (${key.id}, ${key.userId}, ${key.hashedSecret}, ${key.name})`;
}

export interface ApiKeyWithUser {
  hashedSecret: Buffer;
  expiresAt: Date | null;
  user: User;
}

export async function findApiKeyWithUser(sql: Queryable, keyId: string): Promise<ApiKeyWithUser | undefined> {
  const rows = await sql<(UserRow & { hashed_secret: Buffer; expires_at: Date | null })[]>`
    select u.id, u.username, u.email, u.role, u.created_at, k.hashed_secret, k.expires_at
    from api_keys k join users u on u.id = k.user_id
    where k.id = ${keyId}`;
  const row = rows[0];
  return row && { hashedSecret: row.hashed_secret, expiresAt: row.expires_at, user: toUser(row) };
}

/** True when the key existed and belonged to `userId`. */
export async function deleteApiKey(sql: Queryable, userId: string, keyId: string): Promise<boolean> {
  const rows = await sql`delete from api_keys where id = ${keyId} and user_id = ${userId} returning id`;
  return rows.length > 0;
}
