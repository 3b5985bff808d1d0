// When and how the conversation is saved to and restored from the state file
// (§7.2–7.7): load once when the agent is ready, reconcile the initial prompt,
// save on SIGUSR1 (always, so the rename is observable) and on shutdown (only
// when dirty). It must never clobber a saved history with a fresh one that has
// not been restored yet.
import { readFileSync } from 'node:fs';
import type { ConversationEngine } from '../conversation/engine.js';
import type { Logger } from '../log.js';
import { atomicWriteFileSync } from './atomic-write.js';
import { encodeState, readStateFile, StateLoadError, type SavedState } from './state-file.js';

export interface PersistenceOptions {
  stateFile: string;
  loadState: boolean;
  saveState: boolean;
  logger: Logger;
}

export type SaveSource = 'SIGUSR1' | 'shutdown';

export class StatePersistence {
  private engine: ConversationEngine | undefined;
  private loadAttempted = false;

  constructor(private readonly options: PersistenceOptions) {}

  /** The engine whose conversation is saved; set once it exists. */
  attach(engine: ConversationEngine): void {
    this.engine = engine;
  }

  /** True until a configured load has been attempted: saves must not clobber the file yet. */
  private get restorePending(): boolean {
    return this.options.loadState && !this.loadAttempted;
  }

  /**
   * §7.5: runs in the snapshot step on the first ready snapshot, before the
   * initial prompt is enqueued. A broken file is reported and left untouched.
   */
  loadInto(engine: ConversationEngine): void {
    if (!this.options.loadState || this.loadAttempted) return;
    this.loadAttempted = true;
    const { stateFile, logger } = this.options;
    let saved: SavedState | undefined;
    try {
      saved = readStateFile(stateFile);
    } catch (err) {
      const cause = err instanceof StateLoadError ? err.message : String(err);
      logger.warn({ path: stateFile, err: cause }, 'Failed to load state');
      engine.publisher.raiseError(`Failed to restore previous session: ${cause}`, 'warning');
      return;
    }
    if (saved === undefined) {
      logger.info({ path: stateFile }, 'No previous state to load (file does not exist)');
      return;
    }
    engine.restore(saved.messages);
    engine.initialPrompt = reconcileInitialPrompt(engine.initialPrompt.text, saved);
    logger.info({ path: stateFile, messages: saved.messages.length }, 'State loaded successfully');
  }

  /** SIGUSR1 (§7.2.1): always writes when saving is on, so completion is observable. */
  saveOnSignal(): void {
    const { saveState, logger } = this.options;
    if (!saveState) {
      logger.info('State persistence is disabled');
      return;
    }
    if (this.restorePending || !this.engine) {
      // §7.2.4: re-write the existing bytes (a fresh rename) without replacing them.
      this.rewriteExistingFile();
      return;
    }
    this.write('SIGUSR1');
  }

  /** Graceful shutdown (§7.2.2): saves only a conversation that changed. */
  saveOnShutdown(): void {
    const { saveState, logger } = this.options;
    if (!saveState) return;
    if (this.restorePending || !this.engine) {
      logger.info('Skipping state save: previous state not loaded yet');
      return;
    }
    if (!this.engine.isDirty) {
      logger.info('Skipping state save: no changes since last save');
      return;
    }
    this.write('shutdown');
  }

  private write(source: SaveSource): void {
    const engine = this.engine!;
    const { stateFile, logger } = this.options;
    const state: SavedState = {
      messages: [...engine.messages],
      initialPrompt: engine.initialPrompt.text,
      initialPromptSent: engine.initialPrompt.sent,
    };
    try {
      atomicWriteFileSync(stateFile, encodeState(state));
    } catch (err) {
      logger.error({ path: stateFile, source, err: String(err) }, 'Failed to save state');
      return;
    }
    engine.markSaved();
    logger.info({ path: stateFile, source, messages: state.messages.length }, 'State saved successfully');
  }

  private rewriteExistingFile(): void {
    const { stateFile, logger } = this.options;
    let bytes: Buffer;
    try {
      bytes = readFileSync(stateFile);
    } catch {
      logger.info({ path: stateFile }, 'Skipping state save: previous state not loaded yet');
      return;
    }
    try {
      atomicWriteFileSync(stateFile, bytes);
      logger.info({ path: stateFile, source: 'SIGUSR1' }, 'State file rewritten unchanged: previous state not loaded yet');
    } catch (err) {
      logger.error({ path: stateFile, err: String(err) }, 'Failed to save state');
    }
  }
}

/** §7.7: which initial prompt to use after a successful load, and whether it was sent. */
export function reconcileInitialPrompt(configured: string, saved: SavedState): { text: string; sent: boolean } {
  if (configured !== '') {
    return { text: configured, sent: configured === saved.initialPrompt ? saved.initialPromptSent : false };
  }
  return { text: saved.initialPrompt, sent: saved.initialPromptSent };
}
