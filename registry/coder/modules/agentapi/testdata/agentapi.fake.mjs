#!/usr/bin/env node
// A FAKE AgentAPI for the module's shutdown tests (module.md §6.3.3). Its file
// name starts with `agentapi.` so the scripts' PID check accepts it. It writes
// its PID file, serves GET /messages from a file (or stalls, or serves bytes
// that are not JSON), saves "state" on SIGUSR1 by tmp+rename like the real
// one, and appends every event (`<ms> USR1|TERM|GET /messages`) to a log so
// a test can check the order. It holds no AgentAPI logic; it must never
// outlive its test (tests kill it by PID) and ignores SIGTERM only on request.
//
// Env: FAKE_PORT, FAKE_PID_FILE, FAKE_EVENTS_FILE, FAKE_MESSAGES_FILE,
// FAKE_STATE_FILE, FAKE_MESSAGES_MODE (serve|stall|invalid), FAKE_IGNORE_TERM=1.
import { appendFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const env = process.env;
const event = (what) => appendFileSync(env.FAKE_EVENTS_FILE, `${Date.now()} ${what}\n`);

process.on('SIGUSR1', () => {
  event('USR1');
  if (env.FAKE_STATE_FILE) {
    writeFileSync(`${env.FAKE_STATE_FILE}.tmp`, JSON.stringify({ version: 1, saved_at: Date.now() }));
    renameSync(`${env.FAKE_STATE_FILE}.tmp`, env.FAKE_STATE_FILE);
  }
});
process.on('SIGTERM', () => {
  event('TERM');
  if (env.FAKE_IGNORE_TERM === '1') return;
  rmSync(env.FAKE_PID_FILE, { force: true });
  process.exit(0);
});

const server = createServer((req, res) => {
  if (req.url === '/messages') {
    event('GET /messages');
    const mode = env.FAKE_MESSAGES_MODE ?? 'serve';
    if (mode === 'stall') return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(mode === 'invalid' ? '{"messages": [ not json' : readFileSync(env.FAKE_MESSAGES_FILE));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"stable"}');
});
server.listen(Number(env.FAKE_PORT), '127.0.0.1', () => {
  writeFileSync(env.FAKE_PID_FILE, `${process.pid}\n`);
  event('READY');
});
