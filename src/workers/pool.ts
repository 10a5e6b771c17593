/**
 * @module The worker pool: N Bun Worker threads that draw PNGs (project renders, and vector
 * renders whose features the main thread fetched). Jobs go to the least busy worker. Workers start
 * on first use, so a server that never draws through the pool costs no threads. `restart()` is
 * graceful: new workers take new jobs at once, old ones finish what they hold and only then stop,
 * so no request in flight fails. This is what the management API's /pool/ reports and restarts.
 */
import type { Rendered } from "../geo/render/index.ts";
import type { Job, Reply, Request, WorkerStatus } from "./protocol.ts";

interface Pending {
  resolve(v: Reply): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<number>;
  threadId: number;
  pending: Map<number, Pending>;
  /** Resolves when a retired slot has nothing in flight. */
  drained?: () => void;
}

export class PoolError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The worker entry. From source it is this file's sibling. In the single binary it is an extra
 * entry point (scripts/build.ts), embedded under its path relative to src/ — and import.meta.url
 * there is the executable's, so the sibling URL would not resolve.
 */
function defaultEntry(): string {
  if (import.meta.url.includes("$bunfs")) return "./workers/render-worker.ts";
  return new URL("./render-worker.ts", import.meta.url).href;
}

export class WorkerPool {
  #slots: Slot[] = [];
  #seq = 0;
  #restarts = 0;
  #closed = false;

  /** `entry` replaces the render worker (tests of crash handling). */
  constructor(
    readonly size: number,
    private readonly entry: string = defaultEntry(),
  ) {}

  /** Starts the workers if they are not running; resolves when every one is ready. */
  async start(): Promise<void> {
    if (this.#closed) throw new PoolError("the worker pool is closed", 503);
    while (this.#slots.length < this.size) this.#slots.push(this.#slot());
    await Promise.all(this.#slots.map((s) => s.ready));
  }

  #slot(): Slot {
    const worker = new Worker(this.entry);
    const pending = new Map<number, Pending>();
    let ready!: (id: number) => void;
    let fail!: (e: Error) => void;
    const slot: Slot = {
      worker,
      pending,
      threadId: 0,
      ready: new Promise<number>((res, rej) => {
        ready = res;
        fail = rej;
      }),
    };
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const r = e.data;
      if ("op" in r && r.op === "ready") {
        slot.threadId = r.threadId;
        return ready(r.threadId);
      }
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      p.resolve(r);
      if (pending.size === 0) slot.drained?.();
    };
    worker.onerror = (e) => {
      const err = new PoolError(`render worker failed: ${e.message}`, 500);
      fail(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      worker.terminate();
      const i = this.#slots.indexOf(slot);
      if (i >= 0) {
        // A worker that crashed after starting is replaced, so the pool keeps its size; one that
        // never started is dropped (a broken entry must not respawn in a loop): the next job
        // tops the pool up again.
        if (slot.threadId > 0 && !this.#closed) this.#slots[i] = this.#slot();
        else this.#slots.splice(i, 1);
      }
      slot.drained?.();
    };
    // Worker threads must not keep a finished process alive.
    (worker as unknown as { unref?: () => void }).unref?.();
    return slot;
  }

  #send(slot: Slot, req: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      slot.pending.set(req.id, { resolve, reject });
      slot.worker.postMessage(req);
    });
  }

  async #pick(): Promise<Slot> {
    await this.start();
    return this.#slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  /** Draws a job on the least busy worker. */
  async render(job: Job): Promise<Rendered> {
    const slot = await this.#pick();
    const r = await this.#send(slot, { id: ++this.#seq, op: "render", job });
    if ("ok" in r && r.ok && "png" in r) return { png: new Uint8Array(r.png), empty: r.empty };
    if ("ok" in r && !r.ok) throw new PoolError(r.message, r.status);
    throw new PoolError("unexpected reply from a render worker", 500);
  }

  /** Each worker's own report (thread id, memory, projects it has loaded), starting them if needed. */
  async status(): Promise<WorkerStatus[]> {
    await this.start();
    const out: WorkerStatus[] = [];
    for (const slot of this.#slots) {
      const r = await this.#send(slot, { id: ++this.#seq, op: "status" });
      if ("ok" in r && r.ok && "status" in r) out.push(r.status);
    }
    return out;
  }

  get restarts(): number {
    return this.#restarts;
  }

  /**
   * Replaces every worker. New workers are ready before they take jobs; the old ones keep
   * running until their last job has answered, then stop.
   */
  async restart(): Promise<void> {
    const fresh = Array.from({ length: this.size }, () => this.#slot());
    await Promise.all(fresh.map((s) => s.ready));
    const old = this.#slots;
    this.#slots = fresh;
    this.#restarts++;
    await Promise.all(old.map((s) => this.#retire(s)));
  }

  async #retire(slot: Slot): Promise<void> {
    if (slot.pending.size > 0) await new Promise<void>((res) => (slot.drained = res));
    slot.worker.terminate();
  }

  /** Stops the pool: waits for jobs in flight, then ends every worker. */
  async close(): Promise<void> {
    this.#closed = true;
    const old = this.#slots;
    this.#slots = [];
    await Promise.all(old.map((s) => this.#retire(s)));
  }
}
