/**
 * @module Browser steps the UI tests run against both the test server and the built binary:
 * sign in through the form, and open a web map display to check that the layer is drawn in its
 * style colour where the data is (and not elsewhere) and that a click shows its attributes.
 */
import { expect } from "bun:test";
import type { Page } from "playwright-core";
import { waitForMapIdle } from "../helpers/browser.ts";
import { FILL, type MapFixture, near, pixel } from "./fixture.ts";

export async function signIn(page: Page, base: string, login: string, password: string) {
  await page.goto(`${base}/login?next=/resource/0`);
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/resource/0`);
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Pixel position of a lon/lat inside the #map element. */
export function project(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([lon, lat]) => {
      const m = (window as any).gisdMap;
      const p = m.project([lon, lat]);
      return { x: p.x, y: p.y };
    },
    [lon, lat] as const,
  );
}

export async function checkDisplay(page: Page, base: string, f: MapFixture): Promise<void> {
  await page.goto(`${base}/resource/${f.map}/display`);
  await waitForMapIdle(page);
  const shot = await page.locator("#map").screenshot();
  const inside = await project(page, 15, 15);
  const outside = await project(page, 25, 18);
  expect(near(await pixel(shot, inside.x, inside.y), FILL)).toBe(true);
  expect(near(await pixel(shot, outside.x, outside.y), FILL)).toBe(false);
  // The small park too: the data, not a full-screen wash, is what was drawn.
  const small = await project(page, 32, 12);
  expect(near(await pixel(shot, small.x, small.y), FILL)).toBe(true);

  await page.locator("#map canvas").click({ position: inside });
  const popup = page.locator(".maplibregl-popup");
  await popup.getByText("Central park").waitFor();
  expect(await popup.textContent()).toContain("341");
}
