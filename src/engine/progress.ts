// Progress of a running export: what is done, what is being written, and an ETA from the plan's estimate.

export interface ExportProgress {
  /** Path of the entry being written, or the last one written. */
  currentFile: string;
  filesDone: number;
  /** Records and track samples read from the source so far, each once however many formats read it. */
  recordsRead: number;
  samplesRead: number;
  /** Uncompressed bytes produced by the encoders, and zip bytes handed to the sink. */
  bytesIn: number;
  bytesOut: number;
  /** 0..1, from bytesIn against the plan's estimate; never 1 before the archive is closed. */
  fraction: number;
  /** Seconds left at the current rate; undefined until there is a rate to go by. */
  etaS?: number;
}

export type ProgressListener = (progress: ExportProgress) => void;

/** Calls the listener at most every `intervalMs` (about 10 a second), plus once at the end. */
export class ProgressReporter {
  private lastEmitMs = -Infinity;
  private readonly startMs: number;
  readonly state: ExportProgress = { currentFile: '', filesDone: 0, recordsRead: 0, samplesRead: 0, bytesIn: 0, bytesOut: 0, fraction: 0 };

  /**
   * `startFraction`: where an interrupted run got to (its checkpoint); a resume replays the entries before it,
   * and the fraction reported never goes below it.
   */
  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly estimatedBytesIn: number,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = 100,
    private readonly startFraction = 0,
  ) {
    this.startMs = now();
  }

  /** 0..0.99: bytes produced against the plan's estimate, not below the start fraction. */
  fractionNow(): number {
    const done = this.estimatedBytesIn > 0 ? this.state.bytesIn / this.estimatedBytesIn : 0;
    return Math.min(0.99, Math.max(this.startFraction, done));
  }

  /** Emits if the interval has passed (or always when `force`). */
  tick(force = false): void {
    if (!this.listener) return;
    const nowMs = this.now();
    if (!force && nowMs - this.lastEmitMs < this.intervalMs) return;
    this.lastEmitMs = nowMs;
    const s = this.state;
    s.fraction = this.fractionNow();
    const elapsedS = (nowMs - this.startMs) / 1000;
    // The rate of this run: a resume's replay runs from 0 and is not counted twice.
    const ranFraction = s.fraction - this.startFraction;
    s.etaS = ranFraction > 0.01 && elapsedS > 0.5 ? Math.round((elapsedS / ranFraction) * (1 - s.fraction)) : undefined;
    try {
      this.listener({ ...s });
    } catch {
      // A failing progress listener (a closed page's proxy) must not fail the export.
    }
  }

  finish(): void {
    this.state.fraction = 1;
    this.state.etaS = 0;
    if (!this.listener) return;
    try {
      this.listener({ ...this.state });
    } catch {
      // As above: progress is best effort.
    }
  }
}
