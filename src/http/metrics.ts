/** @module Prometheus metrics: request counts and latency by face and status class, process gauges. */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #hist = new Map<string, { counts: number[]; sum: number; n: number }>();
  readonly #started = Date.now();
  inFlight = 0;

  observe(face: string, method: string, status: number, seconds: number): void {
    const key = `face="${face}",method="${method}",code="${Math.floor(status / 100)}xx"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    let h = this.#hist.get(face);
    if (!h) this.#hist.set(face, (h = { counts: BUCKETS.map(() => 0), sum: 0, n: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.counts[i]!++;
    });
    h.sum += seconds;
    h.n++;
  }

  render(): string {
    const lines: string[] = [];
    lines.push("# HELP gisd_http_requests_total HTTP requests answered.");
    lines.push("# TYPE gisd_http_requests_total counter");
    for (const [k, v] of this.#requests) lines.push(`gisd_http_requests_total{${k}} ${v}`);
    lines.push("# HELP gisd_http_request_duration_seconds Request latency.");
    lines.push("# TYPE gisd_http_request_duration_seconds histogram");
    for (const [face, h] of this.#hist) {
      BUCKETS.forEach((b, i) => {
        lines.push(
          `gisd_http_request_duration_seconds_bucket{face="${face}",le="${b}"} ${h.counts[i]}`,
        );
      });
      lines.push(`gisd_http_request_duration_seconds_bucket{face="${face}",le="+Inf"} ${h.n}`);
      lines.push(`gisd_http_request_duration_seconds_sum{face="${face}"} ${h.sum}`);
      lines.push(`gisd_http_request_duration_seconds_count{face="${face}"} ${h.n}`);
    }
    const mem = process.memoryUsage();
    lines.push(
      "# TYPE gisd_http_requests_in_flight gauge",
      `gisd_http_requests_in_flight ${this.inFlight}`,
    );
    lines.push(
      "# TYPE process_resident_memory_bytes gauge",
      `process_resident_memory_bytes ${mem.rss}`,
    );
    lines.push("# TYPE gisd_heap_used_bytes gauge", `gisd_heap_used_bytes ${mem.heapUsed}`);
    lines.push(
      "# TYPE process_uptime_seconds gauge",
      `process_uptime_seconds ${((Date.now() - this.#started) / 1000).toFixed(3)}`,
    );
    return `${lines.join("\n")}\n`;
  }
}
