/**
 * @module The UI served by the single executable alone: dist/gisd copied into an empty folder
 * and run under `env -i` (test/helpers/binary.ts), so every page asset must be embedded in it.
 * Headless Chromium signs in, opens a web map display, sees the layer drawn in its style colour
 * and a click's attributes, with no console errors; assets come compressed.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser } from "playwright-core";
import { type RunningBinary, startBinary } from "../helpers/binary.ts";
import { hasChromium, launch, watchedPage } from "../helpers/browser.ts";
import { checkDisplay, signIn } from "./checks.ts";
import { caller, mapFixture } from "./fixture.ts";

setDefaultTimeout(120_000);
const PASSWORD = "ui-bin-admin-pw";

describe.skipIf(!hasChromium())("browser UI from dist/gisd alone", () => {
  let bin: RunningBinary;
  let browser: Browser;

  beforeAll(async () => {
    bin = await startBinary({ GISD_ADMIN_PASSWORD: PASSWORD, GISD_SAMPLES: "false" });
    browser = await launch();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await bin?.stop();
  });

  test("sign in, display drawn in the style colour, identify; no console errors", async () => {
    const f = await mapFixture(caller(bin.base, `administrator:${PASSWORD}`));
    const { page, problems, jsBytes } = await watchedPage(browser, bin.base);
    await signIn(page, bin.base, "administrator", PASSWORD);
    await checkDisplay(page, bin.base, f);
    expect([...jsBytes.values()].reduce((a, b) => a + b, 0)).toBeLessThan(1_000_000);
    expect(problems).toEqual([]);
  });

  test("assets are embedded, compressed, and cacheable by content hash", async () => {
    const html = await (await fetch(`${bin.base}/login`)).text();
    const src = /src="(\/ui\/assets\/app\.js\?v=[^"]+)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const gz = await fetch(bin.base + src, { headers: { "Accept-Encoding": "gzip" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gz.headers.get("cache-control")).toContain("immutable");
    expect(await gz.text()).toContain("/api/component/auth/login");
    const plain = await fetch(`${bin.base}/ui/assets/app.css`, {
      headers: { "Accept-Encoding": "identity" },
    });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toContain(":root");
    expect((await fetch(`${bin.base}/ui/assets/nope.js`)).status).toBe(404);
  });
});
