# The agentapi module (module.md): installs and starts AgentAPI on workspace
# start and, on stop, saves its state, posts a task log snapshot and stops it.
# The coder_script heredocs below must stay byte-compatible with the TS port
# (templates/agentapi-wrappers.ts): all function calls live in locals, every
# free-form value reaches a wrapper base64-encoded, and `$${` is the only escape.

terraform {
  required_version = ">= 1.0"

  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.13"
    }
  }
}

variable "agent_id" {
  type        = string
  description = "The ID of a Coder agent."
}

variable "web_app_order" {
  type        = number
  description = "The order determines the position of the web app in the UI presentation. The lowest order is shown first and apps with equal order are sorted by name (ascending order)."
  default     = null
}

variable "web_app_group" {
  type        = string
  description = "The name of a group that the web app belongs to."
  default     = null
}

variable "web_app_icon" {
  type        = string
  description = "The icon to use for the web app and both scripts."
}

variable "web_app_display_name" {
  type        = string
  description = "The display name for the web app."
}

variable "web_app_slug" {
  type        = string
  description = "The slug for the web app."
}

variable "folder" {
  type        = string
  description = "The folder AgentAPI runs in."
  default     = "/home/coder"
}

variable "web_app" {
  type        = bool
  description = "Whether to create the web app. Always created when the workspace runs a task."
  default     = true
}

variable "cli_app" {
  type        = bool
  description = "Whether to create the CLI app."
  default     = false
}

variable "cli_app_order" {
  type        = number
  description = "The order determines the position of the CLI app in the UI presentation."
  default     = null
}

variable "cli_app_group" {
  type        = string
  description = "The name of a group that the CLI app belongs to."
  default     = null
}

variable "cli_app_icon" {
  type        = string
  description = "The icon to use for the CLI app."
  default     = "/icon/claude.svg"
}

variable "cli_app_display_name" {
  type        = string
  description = "The display name for the CLI app."
}

variable "cli_app_slug" {
  type        = string
  description = "The slug for the CLI app."
}

variable "pre_install_script" {
  type        = string
  description = "Custom script to run before installing the agent used by AgentAPI."
  default     = null
}

variable "install_script" {
  type        = string
  description = "Script to install the agent used by AgentAPI."
  default     = ""
}

variable "post_install_script" {
  type        = string
  description = "Custom script to run after installing the agent used by AgentAPI."
  default     = null
}

variable "start_script" {
  type        = string
  description = "Script that starts AgentAPI (it must run `agentapi server`); called as `<script> true <port>`."
}

variable "install_agentapi" {
  type        = bool
  description = "Whether to download and install the AgentAPI binary."
  default     = true
}

variable "agentapi_version" {
  type        = string
  description = "The AgentAPI version to install: \"latest\" or a version like \"v0.12.1\"."
  default     = "v0.12.1"

  validation {
    condition     = var.agentapi_version == "latest" || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.agentapi_version))
    error_message = "agentapi_version must be \"latest\" or a version like \"v0.12.1\"."
  }
}

variable "agentapi_port" {
  type        = number
  description = "The port AgentAPI listens on."
  default     = 3284
}

variable "task_log_snapshot" {
  type        = bool
  description = "Whether to post the last task messages to Coder when the workspace stops."
  default     = true
}

variable "agentapi_subdomain" {
  type        = bool
  description = "Whether the web app is served on a subdomain. false requires agentapi >= v0.3.3."
  default     = true

  # Terraform cannot compare versions, hence a regex for "a version >= v0.3.3"
  # (the chat base path env var arrived in v0.3.3). Strings that are not
  # vX.Y.Z (such as "latest") pass.
  validation {
    condition     = var.agentapi_subdomain || can(regex("^v(0\\.(3\\.([3-9]|[1-9][0-9]+)|[4-9]\\.[0-9]+|[1-9][0-9]+\\.[0-9]+)|[1-9][0-9]*\\.[0-9]+\\.[0-9]+)$", var.agentapi_version)) || !can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.agentapi_version))
    error_message = "Running with subdomain = false is only supported by agentapi >= v0.3.3."
  }
}

variable "module_dir_name" {
  type        = string
  description = "Name of the directory under $HOME holding the module's files."
}

variable "enable_state_persistence" {
  type        = bool
  description = "Whether AgentAPI saves its conversation to state_file_path and restores it on start (agentapi >= v0.12.0)."
  default     = true
}

variable "state_file_path" {
  type        = string
  description = "Absolute path of AgentAPI's state file; keep it on persistent storage."
  default     = "/home/coder/.agentapi/state.json"

  validation {
    condition     = startswith(var.state_file_path, "/")
    error_message = "state_file_path must be an absolute path."
  }
}

variable "pid_file_path" {
  type        = string
  description = "Absolute path of the PID file AgentAPI writes; the shutdown script signals only that process."
  default     = "/tmp/agentapi.pid"

  validation {
    condition     = startswith(var.pid_file_path, "/")
    error_message = "pid_file_path must be an absolute path."
  }
}

data "coder_workspace" "me" {}

data "coder_workspace_owner" "me" {}

data "coder_task" "me" {}

locals {
  is_task                 = try(data.coder_task.me.enabled, false)
  web_app                 = var.web_app || local.is_task
  workdir                 = trimsuffix(var.folder, "/")
  agentapi_chat_base_path = var.agentapi_subdomain ? "" : "/@${data.coder_workspace_owner.me.name}/${data.coder_workspace.me.name}.${var.agent_id}/apps/${var.web_app_slug}/chat"

  # One base64 value per free-form string the wrappers pass (module.md §4.2).
  main_script_b64             = base64encode(file("${path.module}/scripts/main.sh"))
  lib_script_b64              = base64encode(file("${path.module}/scripts/lib.sh"))
  wait_for_start_script_b64   = base64encode(file("${path.module}/scripts/wait-for-start.sh"))
  shutdown_script_b64         = base64encode(file("${path.module}/scripts/shutdown.sh"))
  module_dir_name_b64         = base64encode(var.module_dir_name)
  workdir_b64                 = base64encode(local.workdir)
  pre_install_script_b64      = base64encode(var.pre_install_script == null ? "" : var.pre_install_script)
  install_script_b64          = base64encode(var.install_script)
  post_install_script_b64     = base64encode(var.post_install_script == null ? "" : var.post_install_script)
  start_script_b64            = base64encode(var.start_script)
  agentapi_version_b64        = base64encode(var.agentapi_version)
  agentapi_chat_base_path_b64 = base64encode(local.agentapi_chat_base_path)
  state_file_path_b64         = base64encode(var.state_file_path)
  pid_file_path_b64           = base64encode(var.pid_file_path)
}

resource "coder_script" "agentapi" {
  agent_id     = var.agent_id
  display_name = "Install and start AgentAPI"
  icon         = var.web_app_icon
  run_on_start = true
  script       = <<EOT
#!/bin/bash
set -euo pipefail

scripts_dir="$(mktemp -d "$${TMPDIR:-/tmp}/agentapi-module.XXXXXX")"
trap 'rm -rf "$scripts_dir"' EXIT

printf '%s' '${local.main_script_b64}' | base64 -d > "$scripts_dir/main.sh"
chmod +x "$scripts_dir/main.sh"
printf '%s' '${local.lib_script_b64}' | base64 -d > "$scripts_dir/lib.sh"
chmod +x "$scripts_dir/lib.sh"
printf '%s' '${local.wait_for_start_script_b64}' | base64 -d > "$scripts_dir/wait-for-start.sh"
chmod +x "$scripts_dir/wait-for-start.sh"

ARG_MODULE_DIR_NAME="$(printf '%s' '${local.module_dir_name_b64}' | base64 -d)" \
ARG_WORKDIR="$(printf '%s' '${local.workdir_b64}' | base64 -d)" \
ARG_PRE_INSTALL_SCRIPT="$(printf '%s' '${local.pre_install_script_b64}' | base64 -d)" \
ARG_INSTALL_SCRIPT="$(printf '%s' '${local.install_script_b64}' | base64 -d)" \
ARG_POST_INSTALL_SCRIPT="$(printf '%s' '${local.post_install_script_b64}' | base64 -d)" \
ARG_START_SCRIPT="$(printf '%s' '${local.start_script_b64}' | base64 -d)" \
ARG_INSTALL_AGENTAPI='${var.install_agentapi}' \
ARG_AGENTAPI_VERSION="$(printf '%s' '${local.agentapi_version_b64}' | base64 -d)" \
ARG_AGENTAPI_PORT='${var.agentapi_port}' \
ARG_AGENTAPI_CHAT_BASE_PATH="$(printf '%s' '${local.agentapi_chat_base_path_b64}' | base64 -d)" \
ARG_TASK_ID='${try(data.coder_task.me.id, "")}' \
ARG_TASK_LOG_SNAPSHOT='${var.task_log_snapshot}' \
ARG_ENABLE_STATE_PERSISTENCE='${var.enable_state_persistence}' \
ARG_STATE_FILE_PATH="$(printf '%s' '${local.state_file_path_b64}' | base64 -d)" \
ARG_PID_FILE_PATH="$(printf '%s' '${local.pid_file_path_b64}' | base64 -d)" \
"$scripts_dir/main.sh"
EOT
}

# The task ID only exists at provisioning time, so it is embedded here.
resource "coder_script" "shutdown" {
  agent_id     = var.agent_id
  display_name = "AgentAPI Shutdown"
  icon         = var.web_app_icon
  run_on_stop  = true
  timeout      = 120
  script       = <<EOT
#!/bin/bash
set -euo pipefail

scripts_dir="$(mktemp -d "$${TMPDIR:-/tmp}/agentapi-module.XXXXXX")"
trap 'rm -rf "$scripts_dir"' EXIT

printf '%s' '${local.shutdown_script_b64}' | base64 -d > "$scripts_dir/shutdown.sh"
chmod +x "$scripts_dir/shutdown.sh"
printf '%s' '${local.lib_script_b64}' | base64 -d > "$scripts_dir/lib.sh"
chmod +x "$scripts_dir/lib.sh"

ARG_TASK_ID='${try(data.coder_task.me.id, "")}' \
ARG_TASK_LOG_SNAPSHOT='${var.task_log_snapshot}' \
ARG_AGENTAPI_PORT='${var.agentapi_port}' \
ARG_ENABLE_STATE_PERSISTENCE='${var.enable_state_persistence}' \
ARG_STATE_FILE_PATH="$(printf '%s' '${local.state_file_path_b64}' | base64 -d)" \
ARG_PID_FILE_PATH="$(printf '%s' '${local.pid_file_path_b64}' | base64 -d)" \
ARG_MODULE_DIR_NAME="$(printf '%s' '${local.module_dir_name_b64}' | base64 -d)" \
"$scripts_dir/shutdown.sh"
EOT
}

resource "coder_app" "agentapi_web" {
  count        = local.web_app ? 1 : 0
  agent_id     = var.agent_id
  slug         = var.web_app_slug
  display_name = var.web_app_display_name
  icon         = var.web_app_icon
  order        = var.web_app_order
  group        = var.web_app_group
  subdomain    = var.agentapi_subdomain
  url          = "http://localhost:${var.agentapi_port}/"

  healthcheck {
    url       = "http://localhost:${var.agentapi_port}/status"
    interval  = 3
    threshold = 20
  }
}

resource "coder_app" "agentapi_cli" {
  count        = var.cli_app ? 1 : 0
  agent_id     = var.agent_id
  slug         = var.cli_app_slug
  display_name = var.cli_app_display_name
  icon         = var.cli_app_icon
  order        = var.cli_app_order
  group        = var.cli_app_group
  command      = <<-EOT
    #!/bin/bash
    set -e

    export LANG=en_US.UTF-8
    export LC_ALL=en_US.UTF-8

    agentapi attach --url "localhost:${var.agentapi_port}"
  EOT
}

output "task_app_id" {
  value = local.web_app ? coder_app.agentapi_web[0].id : ""
}
