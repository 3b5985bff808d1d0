// `agentapi server`: the composition root of the server bin. It validates the
// command line in the spec's order (§2.2.8), starts the agent and the HTTP
// server, and shuts down in the documented order (§9.2). It returns the exit
// code; only the CLI entry point calls process.exit.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServerArgsError, ServerConfigError } from '../cli/errors.js';
import { resolveServerConfig, type ServerConfig } from '../cli/server-config.js';
import { stdinFromStream } from '../cli/server-config-stdin.js';
import { parseServerArgs } from '../cli/server-options.js';
import { SERVER_USAGE } from '../cli/server-options-usage.js';
import { createHttpApp } from '../http/app.js';
import { renderOpenApi } from '../http/openapi.js';
import { startHttpServer, type RunningHttpServer } from '../http/server.js';
import { createLogger, silentLogger, type Logger } from '../log.js';
import { StatePersistence } from '../state/persistence.js';
import { SpawnError } from '../terminal/pty-process.js';
import { AgentSession } from './agent-session.js';
import { PidFile, PidFileError } from './pid-file.js';
import { ShutdownSignals } from './shutdown-signals.js';

export interface ServerIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const processIo = (): ServerIo => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });

export async function runServer(argv: readonly string[], io: ServerIo = processIo()): Promise<number> {
  let config: ServerConfig;
  try {
    const args = parseServerArgs(argv, io.env);
    if (args.help) {
      io.stdout.write(SERVER_USAGE);
      return 0;
    }
    // `--exit` is a test hook: stop right after parsing.
    if (args.exit) return 0;
    config = await resolveServerConfig(args, stdinFromStream(io.stdin));
  } catch (err) {
    if (err instanceof ServerArgsError || err instanceof ServerConfigError) {
      io.stderr.write(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  // `--print-openapi` prints the document and nothing else, not even logs.
  const logger = config.printOpenApi ? silentLogger() : createLogger(io.stdout);
  // Handlers go in before the PID file exists: a script that finds our PID
  // must never be able to kill us with SIGUSR1 (§9.1).
  const signals = new ShutdownSignals();
  let pidFile: PidFile | undefined;
  try {
    if (config.pidFile !== '') pidFile = PidFile.acquire(config.pidFile, logger);
    if (config.printOpenApi) {
      io.stdout.write(renderOpenApi());
      return 0;
    }
    return await serve(config, logger, signals, io);
  } catch (err) {
    if (err instanceof PidFileError) {
      io.stderr.write(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    pidFile?.release();
    signals.dispose();
  }
}

async function serve(config: ServerConfig, logger: Logger, signals: ShutdownSignals, io: ServerIo): Promise<number> {
  logger.info(
    {
      agent_type: config.agentType,
      port: config.port,
      host: config.host,
      state_file: config.stateFile,
      load_state: config.loadState,
      save_state: config.saveState,
      pid_file: config.pidFile,
      allowed_hosts: config.allowedHosts,
      allowed_origins: config.allowedOrigins,
    },
    'Starting agentapi server',
  );
  const persistence = new StatePersistence({
    stateFile: config.stateFile,
    loadState: config.loadState,
    saveState: config.saveState,
    logger,
  });
  signals.onSaveRequest(() => persistence.saveOnSignal());

  const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'agentapi-uploads-'));
  const removeUploadDir = () => rmSync(uploadDir, { recursive: true, force: true });

  let session: AgentSession;
  try {
    session = AgentSession.start({
      agentType: config.agentType,
      command: config.agentCommand,
      termWidth: config.termWidth,
      termHeight: config.termHeight,
      initialPrompt: config.initialPrompt,
      logger,
      onReady: (engine) => persistence.loadInto(engine),
    });
  } catch (err) {
    removeUploadDir();
    if (err instanceof SpawnError) {
      io.stderr.write(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  persistence.attach(session.engine);

  const app = createHttpApp({
    backend: session.backend,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
    chatBasePath: config.chatBasePath,
    uploadDir,
    logger,
  });
  let http: RunningHttpServer | undefined;
  let exitCode = 0;
  try {
    http = await startHttpServer(app, { host: config.host, port: config.port });
    logger.info({ port: http.port, host: config.host || '::' }, 'Listening');
    const reason = await Promise.race([
      signals.shutdownRequested.then((signal) => ({ kind: 'signal' as const, signal })),
      session.exited.then((exit) => ({ kind: 'agent' as const, exit })),
    ]);
    if (reason.kind === 'signal') {
      logger.info({ signal: reason.signal }, 'Shutting down');
    } else if (reason.exit.exitCode !== 0) {
      const screen = await session.finalScreen();
      io.stderr.write(`Error: agent exited with error: ========\n${screen}\n========\n: non-zero exit code\n`);
      exitCode = 1;
    } else {
      logger.info('Agent exited; shutting down');
    }
  } catch (err) {
    io.stderr.write(`Error: failed to start server: ${err instanceof Error ? err.message : String(err)}\n`);
    exitCode = 1;
  }

  // Shutdown order (§9.2): save state → stop HTTP (ends SSE streams) → remove
  // the upload dir → stop the agent (SIGINT, 5 s, SIGKILL) and close the PTY.
  // The PID file goes last, in runServer, so scripts see us until we are done.
  persistence.saveOnShutdown();
  await http?.close();
  removeUploadDir();
  await session.stop();
  logger.info('Shutdown complete');
  return exitCode;
}
