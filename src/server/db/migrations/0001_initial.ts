// Migration 0001: the initial schema covering every table of spec §2.5 with
// the columns §3–§6 need. Applied migrations are immutable: never edit this
// SQL once committed — add 0002+ instead. SQL lives in a TypeScript module so
// it ships inside dist/ without a copy step.
import type { Migration } from './types.js';

/** The single organization (spec §6.1) that this migration creates. */
export const DEFAULT_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000001';

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  sql: /* sql */ `
create table organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  created_at timestamptz not null default now()
);
insert into organizations (id, name) values ('${DEFAULT_ORGANIZATION_ID}', 'default');

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null,
  email text not null default '',
  role text not null check (role in ('owner', 'member')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Usernames are unique regardless of case; look them up with lower(username).
create unique index users_username_key on users (lower(username));

-- API tokens "<id>-<secret>": only the id and SHA-256(secret) are stored (§3.2).
create table api_keys (
  id text primary key check (id ~ '^[a-zA-Z0-9]{10}$'),
  user_id uuid not null references users (id) on delete cascade,
  hashed_secret bytea not null check (octet_length(hashed_secret) = 32),
  name text not null default '',
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz
);
create index api_keys_user_id_idx on api_keys (user_id);

create table templates (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (name ~ '^[a-z0-9][a-z0-9-]*$'),
  display_name text not null default '',
  description text not null default '',
  icon text not null default '',
  active_version_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);

-- A version = SHA-256 of the module file (§4.1.1); the source is kept so an
-- old version can still be rendered after the file changed (resume).
create table template_versions (
  id uuid primary key default gen_random_uuid(),
  template_id uuid not null references templates (id) on delete cascade,
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  source_path text not null,
  source text not null,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  unique (template_id, hash)
);
alter table templates add constraint templates_active_version_id_fkey
  foreign key (active_version_id) references template_versions (id) on delete set null;

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  owner_id uuid not null references users (id),
  template_id uuid not null references templates (id),
  name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create unique index workspaces_owner_name_key on workspaces (owner_id, name) where deleted_at is null;

create table provisioner_jobs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  status text not null default 'pending'
    check (status in ('pending', 'running', 'succeeded', 'failed', 'canceled')),
  error text,
  -- Replica that acquired the job (FOR UPDATE SKIP LOCKED, §4.4.3).
  worker_id text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  heartbeat_at timestamptz,
  updated_at timestamptz not null default now()
);
-- §4.4.2: at most one pending/running build job per workspace.
create unique index provisioner_jobs_one_active_per_workspace
  on provisioner_jobs (workspace_id) where status in ('pending', 'running');
create index provisioner_jobs_pending_idx on provisioner_jobs (created_at) where status = 'pending';

create table builds (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  build_number integer not null check (build_number > 0),
  transition text not null check (transition in ('start', 'stop', 'delete')),
  reason text not null default 'initiator'
    check (reason in ('initiator', 'task_manual_pause', 'task_auto_pause', 'task_resume')),
  template_version_id uuid not null references template_versions (id),
  job_id uuid not null unique references provisioner_jobs (id) on delete cascade,
  initiator_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, build_number)
);

-- One agent per start build; the token is stored only as SHA-256 (§3.5).
create table agents (
  id uuid primary key default gen_random_uuid(),
  build_id uuid not null unique references builds (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null default 'main',
  token_hash bytea not null unique check (octet_length(token_hash) = 32),
  lifecycle_state text not null default 'created'
    check (lifecycle_state in ('created', 'starting', 'start_timeout', 'start_error', 'ready',
                               'shutting_down', 'shutdown_timeout', 'shutdown_error', 'off')),
  lifecycle_changed_at timestamptz,
  directory text not null default '',
  environment jsonb not null default '{}',
  pid integer,
  pgid integer,
  first_connected_at timestamptz,
  last_connected_at timestamptz,
  disconnected_at timestamptz,
  -- Running total for the 16 MiB per-agent log cap (§5: 413 Logs limit exceeded.).
  logs_bytes bigint not null default 0,
  logs_overflowed boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index agents_workspace_id_idx on agents (workspace_id);

create table log_sources (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references agents (id) on delete cascade,
  display_name text not null,
  icon text not null default '',
  created_at timestamptz not null default now()
);
create index log_sources_agent_id_idx on log_sources (agent_id);

create table scripts (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references agents (id) on delete cascade,
  log_source_id uuid not null references log_sources (id) on delete cascade,
  -- Position in the template's scripts list: manifests keep the template's order.
  ordinal integer not null,
  display_name text not null,
  resource_address text not null default '',
  script text not null,
  run_on_start boolean not null default false,
  run_on_stop boolean not null default false,
  cron text not null default '',
  timeout_ms integer not null default 0 check (timeout_ms >= 0),
  depends_on text[] not null default '{}',
  log_path text not null default '',
  start_blocks_login boolean not null default false,
  created_at timestamptz not null default now()
);
create index scripts_agent_id_idx on scripts (agent_id);

-- Stage stored lowercase (the wire's START/STOP/CRON lowercased), as the timings API returns it.
create table script_timings (
  script_id uuid not null references scripts (id) on delete cascade,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  exit_code integer not null,
  stage text not null check (stage in ('start', 'stop', 'cron')),
  status text not null check (status in ('ok', 'exit_failure', 'timed_out', 'pipes_left_open')),
  created_at timestamptz not null default now(),
  constraint script_timings_script_id_started_at_key unique (script_id, started_at)
);

create table agent_logs (
  id bigint generated always as identity primary key,
  agent_id uuid not null references agents (id) on delete cascade,
  log_source_id uuid not null references log_sources (id) on delete cascade,
  created_at timestamptz not null,
  output text not null,
  level text not null check (level in ('trace', 'debug', 'info', 'warn', 'error'))
);
create index agent_logs_agent_id_id_idx on agent_logs (agent_id, id);

create table apps (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references agents (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9](-?[a-z0-9])*$'),
  display_name text not null,
  url text not null,
  icon text not null default '',
  healthcheck_url text,
  healthcheck_interval_s integer,
  healthcheck_threshold integer,
  health text not null default 'disabled'
    check (health in ('disabled', 'initializing', 'healthy', 'unhealthy')),
  task_app boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (agent_id, slug)
);

-- App status reports (§5 app-status); the latest one of the task app is the task's current_state.
create table app_statuses (
  id uuid primary key default gen_random_uuid(),
  app_id uuid not null references apps (id) on delete cascade,
  agent_id uuid not null references agents (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  state text not null check (state in ('working', 'idle', 'complete', 'failed')),
  message text not null default '' check (char_length(message) <= 160),
  uri text not null default '',
  created_at timestamptz not null default now()
);
create index app_statuses_app_id_created_at_idx on app_statuses (app_id, created_at desc);
create index app_statuses_workspace_id_created_at_idx on app_statuses (workspace_id, created_at desc);

-- Latest unit snapshot per agent (agent.md §3.5.3), replaced on each report.
create table unit_snapshots (
  agent_id uuid primary key references agents (id) on delete cascade,
  snapshot jsonb not null,
  updated_at timestamptz not null default now()
);

-- Ports are stable per workspace across stop/start (§4.1.3) and unique on the host.
create table port_allocations (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  port integer not null unique check (port between 1 and 65535),
  created_at timestamptz not null default now(),
  primary key (workspace_id, name)
);

create table tasks (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  owner_id uuid not null references users (id),
  name text not null,
  display_name text not null default '',
  template_id uuid not null references templates (id),
  template_version_id uuid not null references template_versions (id),
  workspace_id uuid unique references workspaces (id) on delete set null,
  -- The task's input: the prompt rendered into the template (PATCH input replaces it).
  initial_prompt text not null check (initial_prompt <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_activity_at timestamptz not null default now(),
  deleted_at timestamptz
);
create unique index tasks_owner_name_key on tasks (owner_id, name) where deleted_at is null;
create index tasks_last_activity_at_idx on tasks (last_activity_at) where deleted_at is null;

-- Exactly as spec §2.5: one row per task.
create table task_snapshots (
  task_id uuid PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
  log_snapshot jsonb NOT NULL,
  log_snapshot_created_at timestamptz NOT NULL DEFAULT now()
);
`,
};
