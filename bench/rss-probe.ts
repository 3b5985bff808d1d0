// Bench child: starts an in-process agentapi with N messages, serves
// /messages once so the list is serialised, and prints its RSS in bytes.
import { startBenchAgent, syntheticConversation, waitForStable, AGENTAPI_BIN } from './agentapi-session.js';

const count = Number(process.argv[2] ?? '0');
const agent = await startBenchAgent([process.execPath, AGENTAPI_BIN, 'demo-agent'], syntheticConversation(count));
await waitForStable(agent.base);
await (await fetch(`${agent.base}/messages`)).arrayBuffer();
globalThis.gc?.();
process.stdout.write(`${process.memoryUsage().rss}\n`);
await agent.close();
process.exit(0);
