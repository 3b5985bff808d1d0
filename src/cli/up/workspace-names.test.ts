// Workspace names for progress lines: cached lookups, retries for a task
// whose transaction has not committed yet, misses remembered, and an API
// that is down never throws.
import { describe, expect, it } from 'vitest';
import { WorkspaceNames } from './workspace-names.js';

describe('WorkspaceNames', () => {
  it('knows nothing before the API is there', async () => {
    const names = new WorkspaceNames();
    expect(await names.resolve('w1')).toBeUndefined();
    expect(names.get('w1')).toBeUndefined();
  });

  it('fetches once, then answers from the cache', async () => {
    let calls = 0;
    const names = new WorkspaceNames(3, 1);
    names.useApi(async () => {
      calls++;
      return new Map([['w1', 'admin/a'], ['w2', 'admin/b']]);
    });
    expect(await names.resolve('w1')).toBe('admin/a');
    expect(await names.resolve('w2')).toBe('admin/b');
    expect(names.get('w2')).toBe('admin/b');
    expect(calls).toBe(1);
  });

  it('retries a miss (the task may not be committed yet), then remembers it', async () => {
    let calls = 0;
    const names = new WorkspaceNames(3, 1);
    names.useApi(async () => (++calls >= 2 ? new Map([['late', 'admin/late']]) : new Map()));
    expect(await names.resolve('late')).toBe('admin/late');
    expect(await names.resolve('never')).toBeUndefined();
    const after = calls;
    expect(await names.resolve('never')).toBeUndefined();
    expect(calls).toBe(after);
  });

  it('does not throw when the API fails', async () => {
    const names = new WorkspaceNames(3, 1);
    names.useApi(() => Promise.reject(new Error('connection refused')));
    expect(await names.resolve('w1')).toBeUndefined();
  });
});
