/** @module A one-line progress bar on stderr: count, percentage when the total is known, rate. */

export class ProgressBar {
  #start = performance.now();
  #last = 0;
  #done = 0;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Redraws at most ten times a second; a terminal gets \r redraws, a pipe gets no bar. */
  update(done: number, total?: number): void {
    this.#done = done;
    const now = performance.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    if (this.out.isTTY) this.out.write(`\r${this.line(done, total)}\x1b[K`);
  }

  line(done: number, total?: number): string {
    const secs = Math.max((performance.now() - this.#start) / 1000, 1e-3);
    const rate = Math.round(done / secs).toLocaleString("en-US");
    if (total && total > 0) {
      const f = Math.min(done / total, 1);
      const width = 30;
      const bar = "#".repeat(Math.round(f * width)).padEnd(width, ".");
      return `${this.label} [${bar}] ${(f * 100).toFixed(1)}% ${done.toLocaleString("en-US")} features, ${rate}/s`;
    }
    return `${this.label} ${done.toLocaleString("en-US")} features, ${rate}/s`;
  }

  finish(done = this.#done): void {
    const secs = (performance.now() - this.#start) / 1000;
    if (this.out.isTTY) this.out.write("\r\x1b[K");
    this.out.write(`${this.line(done)} in ${secs.toFixed(1)} s\n`);
  }
}
