// The provisioner's public surface (server.md §4): build requests, the
// queries other modules serve from (agent API, tasks), connection
// bookkeeping, and the composition hooks. Import from here, not from the
// individual modules.
export { currentAgents, isAgentAlive, markTaskAppUnhealthy, type CurrentAgent } from './agent-connections.js';
export { BuildService, type CreateWorkspaceInput, type RequestBuildInput, type Workspace } from './build-service.js';
export { buildJson, isJobActive, workspaceBuildStatus, type Build, type BuildJson, type BuildReason, type BuildTransition, type JobStatus, type WorkspaceBuildStatus } from './builds.js';
export { isProvisionerError, PROVISIONER_MESSAGES, ProvisionerError, type ProvisionerErrorCode } from './errors.js';
export { registerTemplatesOnStart, reconcileOnStart, startProvisionerLoop } from './provisioner.js';
export {
  agentForBuild,
  findAgentByTokenHash,
  getAgent,
  getBuild,
  latestAgent,
  latestBuild,
  taskOfWorkspace,
  type AgentRecord,
  type WorkspaceTask,
} from './queries.js';
export { TemplateRegistry, type TemplateSummary, type TemplateVersion } from './template-registry.js';
