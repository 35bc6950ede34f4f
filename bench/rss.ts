// Samples the process's resident set size every 50 ms to find the peak of a measured phase.

export class RssSampler {
  private peakBytes: number;
  private readonly baselineBytes: number;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.baselineBytes = process.memoryUsage.rss();
    this.peakBytes = this.baselineBytes;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage.rss());
  }

  stop(): { baselineBytes: number; peakBytes: number } {
    this.sample();
    clearInterval(this.timer);
    return { baselineBytes: this.baselineBytes, peakBytes: this.peakBytes };
  }
}
