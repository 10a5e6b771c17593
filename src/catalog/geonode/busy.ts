/**
 * @module Retry on SQLITE_BUSY. With an embedded libSQL database, a write issued while another
 * connection of the same process holds a write transaction fails at once with SQLITE_BUSY (the
 * busy timeout cannot help: the holder runs on the same event loop). GeoNode's background
 * actions write while requests write, so their bookkeeping and work retry briefly instead of
 * failing a client for a lock that is released milliseconds later.
 */

export function isBusy(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return (
    !!e &&
    (e.code === "SQLITE_BUSY" ||
      (typeof e.message === "string" && e.message.includes("SQLITE_BUSY")))
  );
}

/** Runs `fn`, again after a short growing pause while it fails with SQLITE_BUSY (about 10 s in all). */
export async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err) || attempt >= 60) throw err;
      await Bun.sleep(Math.min(5 + attempt * 10, 250));
    }
  }
}
