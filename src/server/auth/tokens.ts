// Token material of server.md §3: session tokens `<10-char id>-<22-char
// secret>` (alphanumeric) and agent tokens (UUID v4), their SHA-256 hashes,
// and constant-time hash comparison. Only hashes may be stored or compared;
// nothing here logs, and a secret never leaves this module except inside the
// token handed to its owner once.
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { SESSION_TOKEN_PATTERN } from '../../protocol/users.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const SESSION_TOKEN_ID_LENGTH = 10;
export const SESSION_TOKEN_SECRET_LENGTH = 22;

export interface SessionTokenParts {
  id: string;
  secret: string;
}

export interface NewSessionToken extends SessionTokenParts {
  /** `<id>-<secret>`: shown to its owner once, never stored. */
  token: string;
  hashedSecret: Buffer;
}

/** Uniform random alphanumerics (randomInt avoids modulo bias). */
function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export function generateSessionToken(): NewSessionToken {
  const id = randomAlphanumeric(SESSION_TOKEN_ID_LENGTH);
  const secret = randomAlphanumeric(SESSION_TOKEN_SECRET_LENGTH);
  return { id, secret, token: `${id}-${secret}`, hashedSecret: sha256(secret) };
}

/** Splits a presented token; undefined when it does not have the §3.2 shape. */
export function parseSessionToken(token: string): SessionTokenParts | undefined {
  const match = SESSION_TOKEN_PATTERN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time equality of two hashes (false for different lengths). */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new agent token (§3.5: random UUID v4) and the hash to store for it. */
export function generateAgentToken(): { token: string; hash: Buffer } {
  const token = randomUUID();
  return { token, hash: hashAgentToken(token) };
}

/** The stored form of an agent token: SHA-256 of its text, lower-cased as UUIDs compare. */
export function hashAgentToken(token: string): Buffer {
  return sha256(token.toLowerCase());
}
