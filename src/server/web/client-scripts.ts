// The dashboard's browser scripts, one per page, each assembled from its
// parts into one IIFE (the parts are plain browser JS text sharing one
// scope, in dependency order: common first, the page's composition root
// last). Served as /assets/tasks.js and /assets/task.js: no bundler, no
// external files. This module only concatenates; behaviour lives in the parts.
import { AGENT_PANEL_SCRIPT } from './dashboard-client/agent-panel.js';
import { COMMON_SCRIPT } from './dashboard-client/common.js';
import { CONVERSATION_SCRIPT } from './dashboard-client/conversation.js';
import { TASK_PAGE_SCRIPT } from './dashboard-client/task-page.js';
import { TASKS_PAGE_SCRIPT } from './dashboard-client/tasks-page.js';

function iife(parts: readonly string[]): string {
  return `(function () {\n'use strict';\n${parts.join('\n')}\n})();\n`;
}

export const TASKS_SCRIPT_PARTS = [COMMON_SCRIPT, TASKS_PAGE_SCRIPT] as const;
export const TASK_SCRIPT_PARTS = [COMMON_SCRIPT, CONVERSATION_SCRIPT, AGENT_PANEL_SCRIPT, TASK_PAGE_SCRIPT] as const;

/** The /tasks page's script. */
export const TASKS_SCRIPT = iife(TASKS_SCRIPT_PARTS);
/** The /tasks/<owner>/<name> page's script. */
export const TASK_SCRIPT = iife(TASK_SCRIPT_PARTS);
