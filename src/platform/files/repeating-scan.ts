/**
 * A scan run on an interval and once at start, never two at a time (a slow pass is not joined
 * by the next tick), and awaited on shutdown so no file is left half moved.
 */
export class RepeatingScan {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(private readonly scan: () => Promise<void>) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.busy) return;
    this.busy = true;
    this.running = this.scan().finally(() => { this.busy = false; });
  }
}
