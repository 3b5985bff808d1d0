// The chat page's browser script, assembled from its parts into one IIFE that
// is inlined into the HTML (the page must be self-contained: no external
// network, no extra files). Parts are plain browser JS text sharing one scope,
// in dependency order: keys and api are pure, view draws, events owns the
// EventSource, app wires them (and reads window.CHAT_CONFIG). The script must
// only ever talk to `<api>` (§3.11.1).
import { API_SCRIPT } from './client/api.js';
import { APP_SCRIPT } from './client/app.js';
import { EVENTS_SCRIPT } from './client/events.js';
import { KEYS_SCRIPT } from './client/keys.js';
import { VIEW_SCRIPT } from './client/view.js';

export const CLIENT_SCRIPT_PARTS = [KEYS_SCRIPT, API_SCRIPT, VIEW_SCRIPT, EVENTS_SCRIPT, APP_SCRIPT] as const;

export const CHAT_CLIENT_SCRIPT = `(function () {\n'use strict';\n${CLIENT_SCRIPT_PARTS.join('\n')}\n})();\n`;
