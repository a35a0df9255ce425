// One progress line: done/total, rate and ETA. Redrawn in place on a terminal, printed every few
// seconds otherwise (logs, CI), always on stderr so stdout stays the summary.
export class Progress {
  private started = Date.now();
  private lastPrint = 0;
  private doneThisRun = 0;

  constructor(private readonly total: number, private done: number, private readonly out: NodeJS.WriteStream = process.stderr) {}

  tick(n: number): void {
    this.done += n;
    this.doneThisRun += n;
    const now = Date.now();
    if (this.out.isTTY || now - this.lastPrint >= 2000 || this.done === this.total) {
      this.lastPrint = now;
      this.print();
    }
  }

  get rate(): number {
    const s = (Date.now() - this.started) / 1000;
    return s > 0 ? this.doneThisRun / s : 0;
  }

  line(): string {
    const pct = this.total ? (100 * this.done) / this.total : 100;
    const rate = this.rate;
    const eta = rate > 0 ? Math.ceil((this.total - this.done) / rate) : Infinity;
    const width = 24;
    const filled = Math.round((width * pct) / 100);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${pct.toFixed(1)}% ${rate.toFixed(1)} items/s ETA ${Number.isFinite(eta) ? `${eta}s` : '?'}`;
  }

  private print(): void {
    if (this.out.isTTY) this.out.write(`\r${this.line()}`);
    else this.out.write(`${this.line()}\n`);
  }

  end(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
