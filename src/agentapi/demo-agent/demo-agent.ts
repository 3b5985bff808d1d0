// Composition root of `agentapi demo-agent`: loads the script, wires the line
// reader, display, conversation and stop handlers, and turns the outcome into
// an exit code. Shutdown order: stop reading input → stop the spinner →
// remove the stop handlers; the caller then exits with the returned code
// (signals exit at once through io.exit instead). It must never
// parse CLI flags (the command does) nor hold behaviour of its own.
import { runConversation, UnexpectedMessageError, DEFAULT_GREETING } from './conversation.js';
import { Display } from './display.js';
import { LineReader } from './line-reader.js';
import { loadScript, ScriptError, type Script } from './script.js';
import { installStopHandlers, type SignalSource, type StopOutput } from './signals.js';

export interface DemoAgentOptions {
  readonly scriptPath: string | undefined;
  readonly echo: boolean;
  readonly thinkMs: number;
  /** `undefined` = not given: the default in pure echo mode, none after a script. */
  readonly greeting: string | undefined;
}

export interface DemoAgentIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: StopOutput;
  readonly signals: SignalSource;
  /** Ends the process at once; used by the stop handlers. */
  readonly exit: (code: number) => void;
  readonly readFile?: (path: string) => Promise<string>;
}

/** Runs the demo agent; resolves with the exit code when it is done. */
export async function runDemoAgent(options: DemoAgentOptions, io: DemoAgentIo): Promise<number> {
  const removeStopHandlers = installStopHandlers(io.signals, io.output, io.exit);
  try {
    let script: Script = [];
    if (options.scriptPath !== undefined) {
      try {
        script = await loadScript(options.scriptPath, io.readFile);
      } catch (err) {
        if (!(err instanceof ScriptError)) throw err;
        io.output.write(`${err.printedLine}\n`);
        return 1;
      }
    }
    const lines = new LineReader(io.input);
    const display = new Display(io.output);
    try {
      await runConversation(
        {
          script,
          echo: options.echo || script.length === 0,
          echoThinkMs: options.thinkMs,
          // After a script the default greeting would be a spontaneous extra
          // agent message merged into the last reply; show it only when asked.
          greeting: options.greeting ?? (script.length === 0 ? DEFAULT_GREETING : null),
        },
        lines,
        display,
      );
      return 0;
    } catch (err) {
      if (!(err instanceof UnexpectedMessageError)) throw err;
      io.output.write(`${err.printedLine}\n`);
      return 1;
    } finally {
      lines.close();
      display.close();
    }
  } finally {
    removeStopHandlers();
  }
}
