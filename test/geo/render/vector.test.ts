/**
 * @module Vector rendering checked by pixel colours: a styled polygon, line and point layer drawn
 * into a 256×256 tile; the colour inside the polygon, on the line, at the point and in empty sea
 * is what the style says. Rule filters and scale ranges decide what is drawn.
 */
import { describe, expect, test } from "bun:test";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import type { Geometry } from "../../../src/geo/geometry/types.ts";
import { type RenderLayer, renderImage } from "../../../src/geo/render/index.ts";
import { tileBBox, tileView } from "../../../src/geo/render/view.ts";
import type { Feature } from "../../../src/geo/sources/feature-source.ts";
import type { VectorStyle } from "../../../src/geo/style/model.ts";

const Z = 10;
const X = 512;
const Y = 511;
const box = tileBBox(Z, X, Y);
const res = (box[2] - box[0]) / 256;
/** Map coordinates of pixel (px, py) of the tile. */
const at = (px: number, py: number) => [box[0] + (px + 0.5) * res, box[3] - (py + 0.5) * res];

function layer(features: Feature[], style: VectorStyle): RenderLayer {
  return {
    kind: "vector",
    style,
    input: {
      async *features() {
        yield* features;
      },
    },
  };
}

async function pixels(png: Uint8Array) {
  const img = await loadImage(Buffer.from(png));
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height).data;
  return (x: number, y: number) => Array.from(d.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 4));
}

const polygon: Geometry = {
  type: "Polygon",
  coordinates: [[at(20, 20), at(100, 20), at(100, 100), at(20, 100), at(20, 20)]],
};
const line: Geometry = { type: "LineString", coordinates: [at(10, 200), at(240, 200)] };
const point: Geometry = { type: "Point", coordinates: at(180, 60) };

const style = (extra: Partial<VectorStyle> = {}): VectorStyle => ({
  kind: "vector",
  opacity: 1,
  renderer: { type: "rules" },
  rules: [
    {
      filter: { op: "=", field: "kind", value: "land" },
      symbolizers: [
        { kind: "fill", color: "#ff0000", opacity: 1 },
        { kind: "stroke", color: "#000000", width: 2, opacity: 1, join: "miter", cap: "butt" },
      ],
    },
    {
      filter: { op: "=", field: "kind", value: "road" },
      symbolizers: [
        { kind: "stroke", color: "#0000ff", width: 6, opacity: 1, join: "round", cap: "round" },
      ],
    },
    {
      filter: { op: "=", field: "kind", value: "town" },
      symbolizers: [
        {
          kind: "marker",
          shape: "square",
          size: 12,
          fill: "#00ff00",
          fillOpacity: 1,
          stroke: null,
          strokeOpacity: 1,
          strokeWidth: 0,
          rotation: 0,
        },
      ],
    },
  ],
  ...extra,
});

const feats: Feature[] = [
  { id: 1, geom: polygon, fields: { kind: "land" } },
  { id: 2, geom: line, fields: { kind: "road" } },
  { id: 3, geom: point, fields: { kind: "town" } },
];

describe("vector tiles", () => {
  test("polygon, line and point are drawn with their rule's colours", async () => {
    const out = await renderImage([layer(feats, style())], tileView(Z, X, Y));
    expect(out.empty).toBe(false);
    const px = await pixels(out.png);
    expect(px(60, 60)).toEqual([255, 0, 0, 255]); // inside the polygon
    expect(px(20, 60)[3]).toBe(255); // on its black outline
    expect(px(20, 60).slice(0, 3)).toEqual([0, 0, 0]);
    expect(px(120, 200)).toEqual([0, 0, 255, 255]); // on the line (6 px wide)
    expect(px(120, 198)).toEqual([0, 0, 255, 255]);
    expect(px(120, 190)[3]).toBe(0); // beyond its half width
    expect(px(180, 60)).toEqual([0, 255, 0, 255]); // the marker
    expect(px(240, 20)).toEqual([0, 0, 0, 0]); // empty sea: transparent
  });

  test("a feature no rule matches is not drawn; scale ranges hide rules", async () => {
    const other = [{ id: 9, geom: polygon, fields: { kind: "lake" } }];
    const none = await renderImage([layer(other, style())], tileView(Z, X, Y));
    expect(none.empty).toBe(true);
    const s = style();
    // z10 is about 1:546 000; a rule visible only below 1:100 000 must not draw here.
    s.rules[0]!.maxScale = 100_000;
    const px = await pixels((await renderImage([layer(feats, s)], tileView(Z, X, Y))).png);
    expect(px(60, 60)[3]).toBe(0);
    expect(px(180, 60)).toEqual([0, 255, 0, 255]);
  });

  test("layers composite bottom to top and layer opacity applies", async () => {
    const top: VectorStyle = {
      ...style(),
      opacity: 0.5,
      rules: [{ symbolizers: [{ kind: "fill", color: "#0000ff", opacity: 1 }] }],
    };
    const px = await pixels(
      (await renderImage([layer(feats, style()), layer([feats[0]!], top)], tileView(Z, X, Y))).png,
    );
    const [r, g, b, a] = px(60, 60);
    expect(a).toBe(255);
    expect(Math.abs(r! - 128)).toBeLessThan(3);
    expect(g).toBe(0);
    expect(Math.abs(b! - 128)).toBeLessThan(3);
  });

  test("labels draw over geometry with their halo", async () => {
    const labelled: VectorStyle = {
      ...style(),
      rules: [
        {
          symbolizers: [
            { kind: "fill", color: "#ff0000", opacity: 1 },
            {
              kind: "label",
              field: "name",
              size: 24,
              color: "#000000",
              opacity: 1,
              font: { family: "DejaVu Sans", weight: "bold", style: "normal" },
              halo: { color: "#ffffff", width: 3, opacity: 1 },
              placement: "centroid",
            },
          ],
        },
      ],
    };
    const f = [{ id: 1, geom: polygon, fields: { name: "MMM" } }];
    const px = await pixels((await renderImage([layer(f, labelled)], tileView(Z, X, Y))).png);
    let black = 0;
    let white = 0;
    for (let y = 40; y < 80; y++) {
      for (let x = 30; x < 90; x++) {
        const [r, g, b] = px(x, y);
        if (r! < 40 && g! < 40 && b! < 40) black++;
        if (r! > 230 && g! > 230 && b! > 230) white++;
      }
    }
    // Text pixels around the polygon's centre, each glyph ringed by the white halo.
    expect(black).toBeGreaterThan(50);
    expect(white).toBeGreaterThan(50);
    expect(px(25, 25)).toEqual([255, 0, 0, 255]);
  });
});
