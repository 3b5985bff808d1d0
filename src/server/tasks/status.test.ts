// Table of the §6.2 status rules: every branch of every step, the first
// non-active rule winning, and the synthesised `current_state` while a task
// is pending or initializing. Pure: no database, no clock.
import { describe, expect, it } from 'vitest';
import type { AppHealth } from '../../protocol/app-health.js';
import type { LifecycleState } from '../../protocol/lifecycle.js';
import type { BuildTransition, JobStatus, TaskStatus } from './protocol.js';
import { deriveTaskStatus, type TaskStatusInput, type TaskStatusReason } from './status.js';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const T_BUILD = new Date('2030-01-01T00:00:01.000Z');
const T_AGENT = new Date('2030-01-01T00:00:02.000Z');
const T_APP = new Date('2030-01-01T00:00:03.000Z');
const T_REPORT = new Date('2030-01-01T00:00:04.000Z');

type Build = [BuildTransition, JobStatus | null] | null;

function input(build: Build, lifecycle: LifecycleState | null = null, health: AppHealth | null = null, hasWorkspace = true): TaskStatusInput {
  return {
    taskCreatedAt: T0,
    hasWorkspace,
    build: build && { transition: build[0], jobStatus: build[1], createdAt: T_BUILD },
    agent: lifecycle && { lifecycle, changedAt: T_AGENT },
    taskApp: health && { health, changedAt: T_APP },
    latestReport: null,
  };
}

const READY: [LifecycleState, AppHealth] = ['ready', 'healthy'];

describe('deriveTaskStatus rules', () => {
  it.each<[string, TaskStatusInput, TaskStatus, TaskStatusReason]>([
    // 1. Workspace.
    ['no workspace', input(null, null, null, false), 'pending', 'no_workspace'],
    // 2. Build step.
    ['no build', input(null), 'pending', 'no_job'],
    ['build without job status', input(['start', null]), 'pending', 'no_job'],
    ['start failed', input(['start', 'failed'], ...READY), 'error', 'job_failed'],
    ['start canceled', input(['start', 'canceled']), 'error', 'job_failed'],
    ['stop failed', input(['stop', 'failed']), 'error', 'job_failed'],
    ['delete canceled', input(['delete', 'canceled']), 'error', 'job_failed'],
    ['stop succeeded', input(['stop', 'succeeded'], ...READY), 'paused', 'build_stopped'],
    ['delete succeeded', input(['delete', 'succeeded']), 'paused', 'build_stopped'],
    ['start pending', input(['start', 'pending'], ...READY), 'pending', 'start_pending'],
    ['stop pending', input(['stop', 'pending'], ...READY), 'unknown', 'build_in_transition'],
    ['stop running', input(['stop', 'running'], ...READY), 'unknown', 'build_in_transition'],
    ['delete pending', input(['delete', 'pending']), 'unknown', 'build_in_transition'],
    ['delete running', input(['delete', 'running']), 'unknown', 'build_in_transition'],
    // 3. Agent step (start running or succeeded).
    ['start running, no agent yet', input(['start', 'running']), 'initializing', 'agent_connecting'],
    ['start succeeded, no agent', input(['start', 'succeeded']), 'initializing', 'agent_connecting'],
    ['agent created', input(['start', 'succeeded'], 'created', 'healthy'), 'initializing', 'agent_connecting'],
    ['agent starting', input(['start', 'succeeded'], 'starting', 'healthy'), 'initializing', 'agent_starting'],
    ['agent shutting down', input(['start', 'succeeded'], 'shutting_down', 'healthy'), 'unknown', 'agent_not_running'],
    ['agent shutdown_timeout', input(['start', 'succeeded'], 'shutdown_timeout', 'healthy'), 'unknown', 'agent_not_running'],
    ['agent shutdown_error', input(['start', 'succeeded'], 'shutdown_error', 'healthy'), 'unknown', 'agent_not_running'],
    ['agent off', input(['start', 'succeeded'], 'off', 'healthy'), 'unknown', 'agent_not_running'],
    // 4. App step (lifecycle ready, start_timeout or start_error continue).
    ['app initializing', input(['start', 'succeeded'], 'ready', 'initializing'), 'initializing', 'app_initializing'],
    ['app unhealthy', input(['start', 'succeeded'], 'ready', 'unhealthy'), 'error', 'app_unhealthy'],
    ['app healthy', input(['start', 'succeeded'], 'ready', 'healthy'), 'active', 'app_ready'],
    ['app disabled', input(['start', 'succeeded'], 'ready', 'disabled'), 'active', 'app_ready'],
    ['app healthy, start running', input(['start', 'running'], 'ready', 'healthy'), 'active', 'app_ready'],
    ['start_timeout continues', input(['start', 'succeeded'], 'start_timeout', 'healthy'), 'active', 'app_ready'],
    ['start_error continues', input(['start', 'succeeded'], 'start_error', 'unhealthy'), 'error', 'app_unhealthy'],
    ['no task app', input(['start', 'succeeded'], 'ready', null), 'unknown', 'app_unknown'],
  ])('%s → %s', (_name, given, status, reason) => {
    expect(deriveTaskStatus(given)).toMatchObject({ status, reason });
  });
});

describe('current_state', () => {
  it.each<[string, TaskStatusInput, string, Date]>([
    ['no workspace', input(null, null, null, false), 'Workspace is starting', T0],
    ['no build', input(null), 'Workspace is starting', T0],
    ['start pending', input(['start', 'pending']), 'Workspace is starting', T_BUILD],
    ['no agent yet', input(['start', 'running']), 'Agent is connecting', T_BUILD],
    ['agent created', input(['start', 'succeeded'], 'created'), 'Agent is connecting', T_AGENT],
    ['agent starting', input(['start', 'succeeded'], 'starting'), 'Agent is starting', T_AGENT],
    ['app initializing', input(['start', 'succeeded'], 'ready', 'initializing'), 'App is initializing', T_APP],
  ])('is synthesised while starting: %s → %s', (_name, given, message, at) => {
    expect(deriveTaskStatus(given).currentState).toEqual({ timestamp: at.toISOString(), state: 'working', message, uri: '' });
  });

  const report = (currentBuild: boolean): TaskStatusInput['latestReport'] => ({
    state: 'idle',
    message: 'Agent is idle',
    uri: 'file:///x',
    createdAt: T_REPORT,
    currentBuild,
  });
  const reported = { timestamp: T_REPORT.toISOString(), state: 'idle', message: 'Agent is idle', uri: 'file:///x' };

  it('is the report of the current build while starting', () => {
    expect(deriveTaskStatus({ ...input(['start', 'succeeded'], 'ready', 'initializing'), latestReport: report(true) }).currentState).toEqual(reported);
  });

  it('ignores a previous build\'s report while starting (resume)', () => {
    expect(deriveTaskStatus({ ...input(['start', 'pending']), latestReport: report(false) }).currentState).toMatchObject({
      state: 'working',
      message: 'Workspace is starting',
    });
  });

  it.each<[string, TaskStatusInput]>([
    ['active', input(['start', 'succeeded'], ...READY)],
    ['paused', input(['stop', 'succeeded'])],
    ['unknown', input(['stop', 'running'])],
    ['error', input(['start', 'failed'])],
  ])('is the latest report (any build) when %s', (_name, given) => {
    expect(deriveTaskStatus({ ...given, latestReport: report(false) }).currentState).toEqual(reported);
  });

  it.each<[string, TaskStatusInput]>([
    ['active', input(['start', 'succeeded'], ...READY)],
    ['paused', input(['stop', 'succeeded'])],
    ['error', input(['start', 'canceled'])],
  ])('is null without a report when %s', (_name, given) => {
    expect(deriveTaskStatus(given).currentState).toBeNull();
  });
});
