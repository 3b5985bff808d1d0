// Copy into your templates directory (`<data-dir>/templates/`, with npm start
// `.taskyard/templates/`) to offer tasks run by this agent; put its API key in
// ~/.config/taskyard/agent.env (KEY=value lines) on the server's host.
import { codingAgentTemplate } from 'taskyard/templates/coding-agents';

const template = codingAgentTemplate({ agent: 'codex' });
export const metadata = template.metadata;
export default template.render;
