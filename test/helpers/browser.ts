/**
 * @module Headless Chromium for UI tests: Debian's /usr/bin/chromium driven by playwright-core.
 * `browserOrSkip()` gives null (and the test file skips, saying why) when Chromium is missing.
 * Each page records console errors, page errors and failed requests, so a test can assert that
 * a page ran cleanly; and counts compressed JavaScript bytes as they came over the wire.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

if (!hasChromium())
  console.warn(`UI tests skipped: ${CHROMIUM} is missing (run scripts/setup-test-deps.sh).`);

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught exceptions and failed same-origin requests, in order. */
  problems: string[];
  /** Encoded (compressed) bytes of every JavaScript response, by URL. */
  jsBytes: Map<string, number>;
}

/** A fresh page whose problems are recorded; `base` limits network to the test server. */
export async function watchedPage(
  browser: Browser,
  base: string,
  viewport = { width: 1200, height: 800 },
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  const jsBytes = new Map<string, number>();
  // Tests talk to loopback only: anything else is refused (and would be a problem to report).
  await context.route(
    (url) => !url.href.startsWith(base) && !url.href.startsWith("blob:"),
    (route) => {
      problems.push(`request outside the server: ${route.request().url()}`);
      return route.abort();
    },
  );
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // Leaving a page cancels its pending requests (ERR_ABORTED): that is not a failure.
    const error = r.failure()?.errorText ?? "";
    if (!error.includes("ERR_ABORTED")) problems.push(`failed: ${r.url()} ${error}`);
  });
  page.on("response", async (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    const type = r.headers()["content-type"] ?? "";
    if (!type.includes("javascript")) return;
    const sizes = await r
      .request()
      .sizes()
      .catch(() => null);
    if (sizes) jsBytes.set(r.url(), sizes.responseBodySize);
  });
  return { page, problems, jsBytes };
}

/** Waits until the display page's MapLibre map has loaded and drawn every tile it asked for. */
export async function waitForMapIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const m = (window as unknown as { gisdMap?: { loaded(): boolean; areTilesLoaded(): boolean } })
      .gisdMap;
    return m?.loaded() === true && m.areTilesLoaded();
  });
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const m = (
          window as unknown as {
            gisdMap: { once(e: string, f: () => void): void; triggerRepaint(): void };
          }
        ).gisdMap;
        m.once("idle", () => resolve());
        m.triggerRepaint();
      }),
  );
}
