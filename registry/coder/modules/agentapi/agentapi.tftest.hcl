mock_provider "coder" {}

variables {
  agent_id             = "test-agent"
  web_app_icon         = "/icon/test.svg"
  web_app_display_name = "Test"
  web_app_slug         = "test"
  cli_app_display_name = "Test CLI"
  cli_app_slug         = "test-cli"
  start_script         = "echo test"
  module_dir_name      = ".test-module"
}

run "default_values" {
  command = plan

  assert {
    condition     = var.enable_state_persistence == true
    error_message = "enable_state_persistence should default to true"
  }

  assert {
    condition     = var.state_file_path == "/home/coder/.agentapi/state.json"
    error_message = "state_file_path should default to /home/coder/.agentapi/state.json"
  }

  assert {
    condition     = var.pid_file_path == "/tmp/agentapi.pid"
    error_message = "pid_file_path should default to /tmp/agentapi.pid"
  }

  assert {
    condition     = strcontains(coder_script.agentapi.script, "ARG_ENABLE_STATE_PERSISTENCE")
    error_message = "start script should pass ARG_ENABLE_STATE_PERSISTENCE"
  }

  assert {
    condition     = strcontains(coder_script.agentapi.script, "ARG_STATE_FILE_PATH")
    error_message = "start script should pass ARG_STATE_FILE_PATH"
  }

  assert {
    condition     = strcontains(coder_script.agentapi.script, "ARG_PID_FILE_PATH")
    error_message = "start script should pass ARG_PID_FILE_PATH"
  }

  assert {
    condition     = strcontains(coder_script.shutdown.script, "ARG_PID_FILE_PATH")
    error_message = "shutdown script should pass ARG_PID_FILE_PATH"
  }

  assert {
    condition     = strcontains(coder_script.shutdown.script, "ARG_STATE_FILE_PATH")
    error_message = "shutdown script should pass ARG_STATE_FILE_PATH"
  }

  assert {
    condition     = strcontains(coder_script.shutdown.script, "ARG_ENABLE_STATE_PERSISTENCE")
    error_message = "shutdown script should pass ARG_ENABLE_STATE_PERSISTENCE"
  }

  assert {
    condition     = strcontains(coder_script.shutdown.script, "ARG_TASK_ID")
    error_message = "shutdown script should pass ARG_TASK_ID"
  }

  assert {
    condition     = strcontains(coder_script.shutdown.script, "ARG_MODULE_DIR_NAME")
    error_message = "shutdown script should pass ARG_MODULE_DIR_NAME"
  }

  assert {
    condition     = coder_script.shutdown.run_on_stop == true
    error_message = "the shutdown script should run on stop"
  }
}

run "state_persistence_disabled" {
  command = plan

  variables {
    enable_state_persistence = false
  }

  assert {
    condition     = strcontains(coder_script.agentapi.script, "ARG_ENABLE_STATE_PERSISTENCE='false'")
    error_message = "start script should pass ARG_ENABLE_STATE_PERSISTENCE='false'"
  }
}

run "custom_paths" {
  command = plan

  variables {
    state_file_path = "/custom/state.json"
    pid_file_path   = "/custom/agentapi.pid"
  }

  assert {
    condition     = strcontains(coder_script.agentapi.script, base64encode("/custom/state.json"))
    error_message = "start script should carry the custom state file path"
  }

  assert {
    condition     = strcontains(coder_script.agentapi.script, base64encode("/custom/agentapi.pid"))
    error_message = "start script should carry the custom PID file path"
  }

  assert {
    condition     = strcontains(coder_script.shutdown.script, base64encode("/custom/agentapi.pid"))
    error_message = "shutdown script should carry the custom PID file path"
  }
}

run "relative_path_rejected" {
  command = plan

  variables {
    state_file_path = "state.json"
  }

  expect_failures = [var.state_file_path]
}
