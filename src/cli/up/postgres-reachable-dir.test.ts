// The root fallback's two decisions: whether OS user `postgres` can reach a
// directory (others' search bit on every existing ancestor) and the stable
// relocated path.
import { describe, expect, it } from 'vitest';
import { othersCanReach, relocatedDataDir } from './postgres-reachable-dir.js';

const modes = (table: Record<string, number>) => (p: string) => (p in table ? { mode: table[p]! } : undefined);

describe('othersCanReach', () => {
  it.each<[string, string, Record<string, number>, boolean]>([
    ['all ancestors 0755', '/srv/repo/.taskyard', { '/': 0o755, '/srv': 0o755, '/srv/repo': 0o755, '/srv/repo/.taskyard': 0o755 }, true],
    ['a checkout under /root (0700)', '/root/repo/.taskyard', { '/': 0o755, '/root': 0o700, '/root/repo': 0o755 }, false],
    ['a clone inside a mkdtemp dir (0700)', '/tmp/x/repo/.taskyard', { '/': 0o755, '/tmp': 0o1777, '/tmp/x': 0o700, '/tmp/x/repo': 0o755 }, false],
    ['missing parts are created 0755 later', '/srv/repo/.taskyard', { '/': 0o755, '/srv': 0o755 }, true],
    ['search without read is enough', '/srv/repo/.taskyard', { '/': 0o755, '/srv': 0o711 }, true],
  ])('%s', (_name, dir, table, expected) => {
    expect(othersCanReach(dir, modes(table))).toBe(expected);
  });
});

describe('relocatedDataDir', () => {
  it('is stable per checkout and differs between checkouts', () => {
    expect(relocatedDataDir('/root/a/.taskyard')).toBe(relocatedDataDir('/root/a/.taskyard'));
    expect(relocatedDataDir('/root/a/.taskyard')).not.toBe(relocatedDataDir('/root/b/.taskyard'));
    expect(relocatedDataDir('/root/a/.taskyard', '/x')).toMatch(/^\/x\/[0-9a-f]{16}$/);
  });
});
