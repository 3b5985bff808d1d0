// Decides when the screen is "stable": unchanged for the 2 s window, and at
// least 2 s after the first snapshot. Event-driven equivalent of upstream's
// "last 81 snapshots taken every 25 ms are identical"; it keeps one screen,
// not 81, and never polls on its own.

export const SNAPSHOT_INTERVAL_MS = 25;
export const STABILITY_WINDOW_MS = 2000;

export class ScreenStability {
  private firstSnapshotAt: number | undefined;
  private changedAt = 0;
  private current: string | undefined;

  /** Records a snapshot; returns true when the screen differs from the previous one. */
  record(screen: string, at: number): boolean {
    if (this.firstSnapshotAt === undefined) {
      this.firstSnapshotAt = at;
      this.changedAt = at;
      this.current = screen;
      return true;
    }
    if (screen === this.current) return false;
    this.current = screen;
    this.changedAt = at;
    return true;
  }

  get screen(): string {
    return this.current ?? '';
  }

  /** Fewer than 81 snapshots' worth of time since the first one. */
  isInitializing(now: number): boolean {
    return this.firstSnapshotAt === undefined || now - this.firstSnapshotAt < STABILITY_WINDOW_MS;
  }

  isStable(now: number): boolean {
    return !this.isInitializing(now) && now - this.changedAt >= STABILITY_WINDOW_MS;
  }

  /** When the screen becomes stable if nothing changes (Infinity before the first snapshot). */
  stableAt(): number {
    if (this.firstSnapshotAt === undefined) return Infinity;
    return Math.max(this.firstSnapshotAt, this.changedAt) + STABILITY_WINDOW_MS;
  }
}
