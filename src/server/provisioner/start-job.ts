// The start job (server.md §4.4.4), in this order: refuse while the previous
// agent still runs; SIGKILL leftovers of a dead one; create the workspace
// directories (home only on the first start); allocate the workspace's
// ports; render the build's template version with the task's CURRENT input;
// store agent, log sources, scripts and apps; spawn `taskyard agent`; record
// its pid/pgid. Any error fails the job with its message. It never touches
// an existing home directory and never logs the agent token.
import path from 'node:path';
import type { TemplateContext } from '../../protocol/template.js';
import { generateAgentToken } from '../auth/tokens.js';
import { renderTemplate } from '../templates/index.js';
import { agentEnvironment } from './agent-env.js';
import { recordAgentProcess, storeAgentRecords } from './agent-records.js';
import { spawnAgent } from './agent-spawn.js';
import type { Build } from './builds.js';
import { PROVISIONER_MESSAGES, ProvisionerError } from './errors.js';
import type { JobDeps } from './job-deps.js';
import { writePackageBinShims } from './package-bin.js';
import { allocatePorts, portNames } from './ports.js';
import { isAgentProcess, killWorkspaceProcesses } from './processes.js';
import { latestAgent, taskOfWorkspace } from './queries.js';
import { agentSocketPath, prepareSocketDir, prepareWorkspaceDirs, workspacePaths } from './workspace-dirs.js';

interface WorkspaceOwnerRow {
  id: string;
  name: string;
  owner_id: string;
  owner_username: string;
  owner_email: string;
}

export async function runStartJob(deps: JobDeps, build: Build, signal: AbortSignal): Promise<void> {
  const { sql, logger } = deps;
  const log = logger.child({ workspace_id: build.workspaceId, build_id: build.id, job_id: build.job.id });
  const [workspace] = await sql<WorkspaceOwnerRow[]>`
    select w.id, w.name, u.id as owner_id, u.username as owner_username, u.email as owner_email
    from workspaces w join users u on u.id = w.owner_id
    where w.id = ${build.workspaceId}`;
  if (!workspace) throw new ProvisionerError('workspace_not_found', PROVISIONER_MESSAGES.workspaceNotFound);

  const previous = await latestAgent(sql, workspace.id);
  if (previous && previous.buildId !== build.id && isAgentProcess(previous.pid, previous.tokenHash)) {
    throw new ProvisionerError('agent_still_running', `the agent of build ${previous.buildNumber} is still running (pid ${previous.pid}); stop the workspace first`);
  }
  const leftovers = await killWorkspaceProcesses(workspace.id);
  if (leftovers.length > 0) log.warn({ pids: leftovers }, 'killed leftover workspace processes before start');

  const paths = workspacePaths(deps.dataDir, workspace.id);
  const { homeCreated } = prepareWorkspaceDirs(paths);
  if (homeCreated) log.info({ home: paths.home }, 'workspace home created');
  signal.throwIfAborted();

  const version = await deps.templates.forVersion(build.templateVersionId);
  const ports = await allocatePorts(sql, workspace.id, portNames(version.metadata.ports), deps.portRange);
  const task = await taskOfWorkspace(sql, workspace.id);
  const context: TemplateContext = {
    task: task ? { id: task.id, name: task.name, prompt: task.prompt } : null,
    workspace: { id: workspace.id, name: workspace.name, build_number: build.buildNumber },
    owner: { id: workspace.owner_id, username: workspace.owner_username, email: workspace.owner_email },
    home_dir: paths.home,
    ports,
    access_url: deps.accessUrl,
  };
  const spec = await renderTemplate(version.template, context);
  signal.throwIfAborted();

  const { token, hash } = generateAgentToken();
  const stored = await sql.begin((tx) =>
    storeAgentRecords(tx, { buildId: build.id, workspaceId: workspace.id, tokenHash: hash, spec, homeDir: paths.home }),
  );
  prepareSocketDir(deps.host.uid);
  const env = agentEnvironment({
    accessUrl: deps.accessUrl,
    token,
    paths,
    socketPath: agentSocketPath(deps.host.uid, workspace.id),
    workspaceId: workspace.id,
    workspaceName: workspace.name,
    ownerName: workspace.owner_username,
    binDir: writePackageBinShims(path.join(deps.dataDir, 'bin')),
    basePath: deps.host.path,
    user: deps.host.user,
    lang: deps.host.lang,
  });
  const spawned = await spawnAgent({ cwd: paths.home, env, logFile: paths.agentLog, logger: log });
  await recordAgentProcess(sql, stored.agentId, spawned.pid, spawned.pgid);
  log.info({ agent_id: stored.agentId, pid: spawned.pid, ports }, 'workspace agent spawned');
}
