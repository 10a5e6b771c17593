/**
 * @module The browser UI in headless Chromium against a real server: sign in, upload a GeoJSON
 * through the resource page and see the layer, create/rename/delete, the feature table's filter,
 * the web map display (layer drawn in its style colour, identify, layer tree by keyboard,
 * measure, phone width), the tiny display, and for every page: no console errors and the
 * display's JavaScript under 1 MB as transferred.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser } from "playwright-core";
import { hasChromium, launch, waitForMapIdle, watchedPage } from "../helpers/browser.ts";
import { ADMIN_PASSWORD, startServer, type TestServer } from "../helpers/server.ts";
import { checkDisplay, project, signIn } from "./checks.ts";
import { caller, FILL, type MapFixture, mapFixture, near, PARKS, pixel } from "./fixture.ts";

// A browser test waits for real rendering; Chromium shares two cores with other suites.
setDefaultTimeout(90_000);

/** The display's background (display/style.ts) where nothing is drawn. */
const BACKGROUND: [number, number, number] = [0xf4, 0xf6, 0xf8];

const UPDATE_SCREENSHOTS = process.env.GISD_UPDATE_SCREENSHOTS === "1";

describe.skipIf(!hasChromium())("browser UI", () => {
  let s: TestServer;
  let browser: Browser;
  let f: MapFixture;

  beforeAll(async () => {
    s = await startServer();
    browser = await launch();
    f = await mapFixture(caller(s.url, s.admin));
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  async function signedIn(viewport?: { width: number; height: number }) {
    const w = await watchedPage(browser, s.url, viewport);
    await signIn(w.page, s.url, "administrator", ADMIN_PASSWORD);
    return w;
  }

  test("sign in: a wrong password is refused on the form; the right one opens the root", async () => {
    const { page, problems } = await watchedPage(browser, s.url);
    await page.goto(`${s.url}/login`);
    await page.getByLabel("Login").fill("administrator");
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page
      .getByRole("alert")
      .getByText(/invalid|incorrect|credentials/i)
      .waitFor();
    // The failed login answers 401, which Chromium logs; that one is expected.
    problems.length = 0;
    await signIn(page, s.url, "administrator", ADMIN_PASSWORD);
    await page.getByRole("heading", { name: /Main resource group|Resource group/ }).waitFor();
    expect(problems).toEqual([]);
  });

  test("upload a GeoJSON through the resource page; the layer appears with its features", async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${f.group}`);
    await page.locator("#upload-file").setInputFiles({
      name: "uploaded-parks.geojson",
      mimeType: "application/geo+json",
      buffer: Buffer.from(JSON.stringify(PARKS)),
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await page
      .getByRole("status")
      .getByText(/Created “uploaded-parks”/)
      .waitFor();
    const link = page.getByRole("link", { name: "uploaded-parks" });
    await link.click();
    await page.getByRole("heading", { name: /uploaded-parks/ }).waitFor();
    expect(await page.locator("dl.props").textContent()).toContain("POLYGON");
    const id = Number(new URL(page.url()).pathname.split("/").pop());
    const count = await s.json(`/api/resource/${id}/feature_count`, { auth: s.admin });
    expect(count.body.total_count).toBe(2);

    // A layer without a style previews as MVT with the UI's plain paint: coloured where the
    // polygons are, background elsewhere.
    await page.goto(`${s.url}/resource/${id}/preview`);
    await waitForMapIdle(page);
    const shot = await page.locator("#map").screenshot();
    const at = async (lon: number, lat: number) => {
      const p = await project(page, lon, lat);
      return pixel(shot, p.x, p.y);
    };
    expect(near(await at(15, 15), BACKGROUND, 4)).toBe(false);
    expect(near(await at(25, 18), BACKGROUND, 4)).toBe(true);
    expect(problems).toEqual([]);
  });

  test("upload a GeoTIFF through the resource page; a raster layer is created", async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${f.group}`);
    await page.locator("#upload-file").setInputFiles("test/fixtures/raster/elev.tif");
    await page.getByLabel("Name", { exact: true }).fill("Elevation");
    await page.getByRole("button", { name: "Upload" }).click();
    await page
      .getByRole("status")
      .getByText(/Created “Elevation”/)
      .waitFor();
    await page.getByRole("link", { name: "Elevation" }).click();
    await page.getByRole("heading", { name: /Elevation/ }).waitFor();
    expect(await page.locator("h1 small").textContent()).toBe("Raster layer");
    expect(problems).toEqual([]);
  });

  test("create a group, rename, move, edit metadata, delete with confirmation", async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${f.group}`);
    await page.getByRole("button", { name: "Create group" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Scratch");
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.getByRole("link", { name: "Scratch" }).click();
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByLabel("New name").fill("Scratch 2");
    await page.getByRole("dialog").getByRole("button", { name: "Rename" }).click();
    await page.getByRole("heading", { name: /Scratch 2/ }).waitFor();
    const id = Number(new URL(page.url()).pathname.split("/").pop());
    // Move it into the fixture's layer group and back (the dialog lists groups only).
    const other = await caller(s.url, s.admin)("/api/resource/", {
      method: "POST",
      body: { resource: { cls: "resource_group", parent: { id: f.group }, display_name: "Other" } },
    });
    await page.getByRole("button", { name: "Move" }).click();
    await page.getByLabel("Parent group").selectOption(String(other.id));
    await page.getByRole("dialog").getByRole("button", { name: "Move" }).click();
    await page.getByRole("navigation", { name: "Breadcrumbs" }).getByText("Other").waitFor();
    const moved = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(moved.body.resource.parent.id).toBe(other.id);
    // Metadata: an added item is saved with its type.
    await page.getByRole("button", { name: "Add item" }).click();
    await page.getByLabel("Key").last().fill("year");
    await page.getByLabel("Value").last().fill("2024");
    await page.getByRole("button", { name: "Save metadata" }).click();
    await page.getByRole("status").getByText("Metadata saved.").waitFor();
    const meta = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(meta.body.resmeta.items).toEqual({ year: 2024 });
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(`${s.url}/resource/${other.id}`);
    expect((await s.json(`/api/resource/${id}`, { auth: s.admin })).status).toBe(404);
    expect(problems).toEqual([]);
  });

  test("permissions editor: an added rule is saved through the ACL API", async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${f.layer}`);
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByRole("button", { name: "Save permissions" }).click();
    await page.getByRole("status").getByText("Permissions saved.").waitFor();
    const r = await s.json(`/api/resource/${f.layer}`, { auth: s.admin });
    expect(r.body.resource.permissions).toContainEqual(
      expect.objectContaining({ action: "allow", scope: "resource", permission: "read" }),
    );
    expect(problems).toEqual([]);
  });

  test("feature table: attribute filter and paging", async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${f.layer}/feature/`);
    await page.locator("table.features tbody tr").first().waitFor();
    expect(await page.locator("table.features tbody tr").count()).toBe(2);
    await page.getByLabel("Operator").selectOption("ilike");
    await page.getByLabel("Value").fill("harbour");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("status").getByText("Features 1–1").waitFor();
    expect(await page.locator("table.features tbody").textContent()).toContain("Harbour green");
    expect(problems).toEqual([]);
  });

  test("display: the layer is drawn in its style colour, a click shows attributes and attachments, JS < 1 MB", async () => {
    const call = caller(s.url, s.admin);
    const form = new FormData();
    form.append("file", new Blob(["planted 1858"]), "history.txt");
    const up = await call("/api/component/file_upload/", { method: "POST", body: form });
    const central = (await call(`/api/resource/${f.layer}/feature/?fld_name=Central%20park`))[0];
    await call(`/api/resource/${f.layer}/feature/${central.id}/attachment/`, {
      method: "POST",
      body: { name: "history.txt", file_upload: { id: up.upload_meta[0].id } },
    });
    const { page, problems, jsBytes } = await signedIn();
    await checkDisplay(page, s.url, f);
    const link = page.locator(".maplibregl-popup").getByRole("link", { name: "history.txt" });
    const res = await page.request.get(new URL((await link.getAttribute("href"))!, s.url).href);
    expect(await res.text()).toBe("planted 1858");
    if (UPDATE_SCREENSHOTS) await page.screenshot({ path: "docs/ui-display.png" });
    const total = [...jsBytes.values()].reduce((a, b) => a + b, 0);
    expect(jsBytes.size).toBeGreaterThanOrEqual(2);
    expect(total).toBeLessThan(1_000_000);
    const js = await s.fetch("/ui/assets/display.js", { headers: { "Accept-Encoding": "br" } });
    expect(js.headers.get("content-encoding")).toBe("br");
    expect(js.headers.get("vary")).toBe("Accept-Encoding");
    expect(problems).toEqual([]);
  });

  test("display: the layer tree works from the keyboard; the URL keeps the view", async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${f.map}/display`);
    await waitForMapIdle(page);
    const box = page.getByRole("checkbox", { name: "Parks" });
    await box.focus();
    await page.keyboard.press("Space");
    expect(await box.isChecked()).toBe(false);
    await waitForMapIdle(page);
    const inside = await project(page, 15, 15);
    const hidden = await page.locator("#map").screenshot();
    expect(near(await pixel(hidden, inside.x, inside.y), FILL)).toBe(false);
    await page.keyboard.press("Space");
    expect(await box.isChecked()).toBe(true);
    // maplibre's hash: #zoom/lat/lng; reopening the URL restores the view.
    await page.waitForFunction(() => /^#[\d.]+\/-?[\d.]+\/-?[\d.]+/.test(location.hash));
    const url = page.url();
    await page.goto(`${s.url}/resource/${f.group}`);
    await page.goto(url);
    await waitForMapIdle(page);
    const again = await project(page, 15, 15);
    expect(Math.abs(again.x - inside.x)).toBeLessThan(2);
    // Enter on the focused map identifies what is under its centre.
    await page.evaluate(() => (window as any).gisdMap.jumpTo({ center: [15, 15] }));
    await page.locator("#map canvas").focus();
    await page.keyboard.press("Enter");
    await page.locator(".maplibregl-popup").getByText("Central park").waitFor();
    expect(problems).toEqual([]);
  });

  test("display: basemaps are offered, drawn, and can be switched off", async () => {
    const call = caller(s.url, s.admin);
    const create = async (body: unknown) =>
      (await call("/api/resource/", { method: "POST", body })).id as number;
    // A basemap on this same server (tests never leave loopback): the parks drawn as tiles.
    const basemap = await create({
      resource: { cls: "basemap_layer", parent: { id: f.group }, display_name: "Parks tiles" },
      basemap_layer: {
        url: `${s.url}/api/component/render/tile?z={z}&x={x}&y={y}&resource=${f.style}`,
      },
    });
    const map = await create({
      resource: { cls: "webmap", parent: { id: f.group }, display_name: "Basemap only" },
      webmap: { initial_extent: [5, 5, 40, 25], root_item: { children: [] } },
      basemap_webmap: {
        basemaps: [{ resource_id: basemap, display_name: "Parks tiles", enabled: true }],
      },
    });
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${map}/display`);
    await waitForMapIdle(page);
    const p = await project(page, 15, 15);
    expect(near(await pixel(await page.locator("#map").screenshot(), p.x, p.y), FILL)).toBe(true);
    await page.getByLabel("Basemap").selectOption({ label: "No basemap" });
    await waitForMapIdle(page);
    const off = await pixel(await page.locator("#map").screenshot(), p.x, p.y);
    expect(near(off, BACKGROUND, 4)).toBe(true);
    expect(problems).toEqual([]);
  });

  test("display: measure distance between two clicks", async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${f.map}/display`);
    await waitForMapIdle(page);
    await page.getByRole("button", { name: "Measure" }).click();
    const a = await project(page, 10, 20);
    const b = await project(page, 20, 20);
    await page.locator("#map canvas").click({ position: a });
    await page.locator("#map canvas").click({ position: b });
    const text = (await page.locator(".measure-readout").textContent()) ?? "";
    // 10° of longitude at 20°N ≈ 1046 km (haversine).
    const km = Number(/([\d.]+) km/.exec(text)?.[1]);
    expect(km).toBeGreaterThan(1030);
    expect(km).toBeLessThan(1060);
    await page.keyboard.press("Escape");
    expect(await page.locator(".measure-readout").isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });

  test("display at phone width: the map fills the screen and the panel toggles", async () => {
    const { page, problems } = await signedIn({ width: 375, height: 700 });
    await page.goto(`${s.url}/resource/${f.map}/display`);
    await waitForMapIdle(page);
    const box = await page.locator("#map").boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(370);
    const toggle = page.getByRole("button", { name: "Layers" });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    await toggle.click();
    await page.getByRole("checkbox", { name: "Parks" }).waitFor();
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scroll).toBeLessThanOrEqual(375);
    expect(problems).toEqual([]);
  });

  test("tiny display and layer preview draw the layer", async () => {
    const { page, problems } = await signedIn();
    for (const path of [`/resource/${f.map}/display/tiny`, `/resource/${f.layer}/preview`]) {
      await page.goto(`${s.url}${path}`);
      await waitForMapIdle(page);
      const shot = await page.locator("#map").screenshot();
      const p = await project(page, 15, 15);
      expect({ path, drawn: near(await pixel(shot, p.x, p.y), FILL) }).toEqual({
        path,
        drawn: true,
      });
      // The tiny display is the map alone, for an <iframe>.
      if (path.endsWith("tiny")) expect(await page.locator("header.top").count()).toBe(0);
    }
    expect(problems).toEqual([]);
  });

  test("resource browser screenshot; guests see no upload form", async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${s.url}/resource/${f.group}`);
    await page.getByRole("heading", { name: "Children" }).waitFor();
    if (UPDATE_SCREENSHOTS) await page.screenshot({ path: "docs/ui-browser.png", fullPage: false });
    // A guest who may not read the root is asked to sign in; one who may read sees no upload.
    const guest = await watchedPage(browser, s.url);
    await guest.page.goto(`${s.url}/resource/0`);
    await guest.page.waitForURL(`${s.url}/login?next=%2Fresource%2F0`);
    // NGW reads a resource only when its parent is readable: open the root to guests.
    const call = caller(s.url, s.admin);
    const root = await call("/api/resource/0");
    const everyoneReads = {
      action: "allow",
      principal: { id: 1 },
      identity: "",
      scope: "resource",
      permission: "read",
      propagate: false,
    };
    await call("/api/resource/0", {
      method: "PUT",
      body: { resource: { permissions: [...root.resource.permissions, everyoneReads] } },
    });
    await guest.page.goto(`${s.url}/resource/0`);
    await guest.page.getByRole("heading", { name: /Main resource group|Resource group/ }).waitFor();
    await guest.page.getByRole("link", { name: "Sign in" }).waitFor();
    expect(await guest.page.locator("#upload-file").count()).toBe(0);
    expect([...problems, ...guest.problems]).toEqual([]);
  });
});
