// Workspace build status (server.md §4.4.1) for every transition × job
// status, and the Build JSON shape. Pure; no database.
import { describe, expect, it } from 'vitest';
import { buildJson, workspaceBuildStatus, type BuildTransition, type JobStatus, type WorkspaceBuildStatus } from './builds.js';

describe('workspaceBuildStatus', () => {
  it.each<[BuildTransition, JobStatus, WorkspaceBuildStatus]>([
    ['start', 'pending', 'pending'],
    ['start', 'running', 'starting'],
    ['start', 'succeeded', 'running'],
    ['start', 'failed', 'failed'],
    ['start', 'canceled', 'failed'],
    ['stop', 'pending', 'pending'],
    ['stop', 'running', 'stopping'],
    ['stop', 'succeeded', 'stopped'],
    ['stop', 'failed', 'failed'],
    ['delete', 'pending', 'deleting'],
    ['delete', 'running', 'deleting'],
    ['delete', 'succeeded', 'deleted'],
    ['delete', 'failed', 'failed'],
  ])('%s + job %s → %s', (transition, job, expected) => {
    expect(workspaceBuildStatus(transition, job)).toBe(expected);
  });
});

describe('buildJson', () => {
  it('has the §4.4.1 fields with RFC 3339 times and null for unset ones', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const json = buildJson({
      id: 'b',
      workspaceId: 'w',
      buildNumber: 2,
      transition: 'stop',
      reason: 'task_manual_pause',
      templateVersionId: 'v',
      initiatorId: null,
      createdAt: at,
      job: { id: 'j', status: 'running', error: null, createdAt: at, startedAt: at, completedAt: null },
    });
    expect(json).toEqual({
      id: 'b',
      workspace_id: 'w',
      build_number: 2,
      transition: 'stop',
      reason: 'task_manual_pause',
      template_version_id: 'v',
      job: { id: 'j', status: 'running', error: null, created_at: '2026-01-02T03:04:05.678Z', started_at: '2026-01-02T03:04:05.678Z', completed_at: null },
      status: 'stopping',
      created_at: '2026-01-02T03:04:05.678Z',
    });
  });
});
