/**
 * @module WMS KVP fuzzing over HTTP (fast-check): random parameter sets for every operation, at
 * every endpoint kind, as a guest and as the administrator, answer an image, a document or a
 * ServiceExceptionReport with a 4xx status — never a 5xx.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { type WmsFixture, wmsFixture } from "./wms-fixture.ts";

let f: WmsFixture;
beforeAll(async () => {
  f = await wmsFixture();
});
afterAll(() => f.stop());

const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "",
    "zones",
    "secret",
    "zones,secret",
    "zones,zones,zones",
    "EPSG:4326",
    "EPSG:3857",
    "CRS:84",
    "EPSG:0",
    "EPSG:99999999999",
    "35,5,55,25",
    "5,35,25,55",
    "NaN,1,2,3",
    "1e308,1e308,-1e308,-1e308",
    "0,0,0,0",
    "-180,-90,180,90",
    "1,2,3",
    "100",
    "0",
    "-1",
    "4097",
    "99999999",
    "1.5",
    "image/png",
    "image/jpeg",
    "text/html",
    "application/json",
    "TRUE",
    "0xZZZZZZ",
    "1.1.1",
    "1.3.0",
    "9.9.9",
    "<StyledLayerDescriptor/>",
    '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
  ),
);
const keys = fc.constantFrom(
  "LAYERS",
  "STYLES",
  "CRS",
  "SRS",
  "BBOX",
  "WIDTH",
  "HEIGHT",
  "FORMAT",
  "TRANSPARENT",
  "BGCOLOR",
  "VERSION",
  "QUERY_LAYERS",
  "I",
  "J",
  "X",
  "Y",
  "INFO_FORMAT",
  "FEATURE_COUNT",
  "SLD_BODY",
  "LAYER",
  "STYLE",
  "MAP",
);

test("random WMS requests never get a 5xx", async () => {
  const endpoints = [
    `/api/resource/${f.service}/wms`,
    "/geoserver/wms",
    "/ows",
    "/geoserver/x/ows",
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(keys, value, { maxKeys: 8 }),
      fc.constantFrom("GetMap", "GetFeatureInfo", "GetCapabilities", "GetLegendGraphic", "x"),
      fc.constantFrom(...endpoints),
      fc.boolean(),
      async (params, request, endpoint, admin) => {
        const qs = new URLSearchParams({ SERVICE: "WMS", REQUEST: request, ...params });
        const r = await f.s.fetch(`${endpoint}?${qs}`, admin ? { auth: f.s.admin } : {});
        const body = new Uint8Array(await r.arrayBuffer());
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) {
          const text = new TextDecoder().decode(body);
          expect(text).toContain("ExceptionReport");
          // NoApplicableCode is what an unexpected internal error becomes: none should occur.
          expect(text).not.toContain('code="NoApplicableCode"');
        }
      },
    ),
    { numRuns: 300 },
  );
}, 120_000);
