/** @module NGW's simple-style JSON ("sld" format) to the model, with NGW's validation. */
import { describe, expect, test } from "bun:test";
import { fromNgwSld, NgwSldError } from "../../../src/geo/style/ngw-sld.ts";

describe("fromNgwSld", () => {
  test("polygon with fill and dashed stroke", () => {
    const s = fromNgwSld({
      rules: [
        {
          symbolizers: [
            {
              type: "polygon",
              fill: { color: "#00FF00", opacity: 0.25 },
              stroke: { color: "#000080", width: 2, dash_pattern: [4, 2] },
            },
          ],
        },
      ],
    });
    expect(s).toEqual({
      kind: "vector",
      opacity: 1,
      renderer: { type: "single" },
      rules: [
        {
          symbolizers: [
            { kind: "fill", color: "#00ff00", opacity: 0.25 },
            {
              kind: "stroke",
              color: "#000080",
              width: 2,
              opacity: 1,
              join: "miter",
              cap: "butt",
              dash: [4, 2],
            },
          ],
        },
      ],
    });
  });
  test("raster channels with normalize", () => {
    const s = fromNgwSld({
      rules: [
        {
          symbolizers: [
            {
              type: "raster",
              opacity: 0.5,
              channels: {
                red: { source_channel: 3 },
                green: {
                  source_channel: 2,
                  contrast_enhancement: {
                    normalize: { algorithm: "stretch", min_value: 10, max_value: 200 },
                  },
                },
                blue: { source_channel: 1 },
              },
            },
          ],
        },
      ],
    });
    expect(s).toMatchObject({
      kind: "raster",
      opacity: 0.5,
      bands: {
        type: "rgb",
        red: { band: 3 },
        green: { band: 2, min: 10, max: 200 },
        blue: { band: 1 },
      },
    });
  });
  test("invalid documents", () => {
    for (const bad of [
      null,
      { rules: "x" },
      { rules: [{ symbolizers: [] }] },
      {
        rules: [{ symbolizers: [{ type: "point", graphic: { mark: { well_known_name: "x" } } }] }],
      },
      { rules: [{ symbolizers: [{ type: "point", graphic: { size: Number.NaN } }] }] },
      { rules: [{ symbolizers: [{ type: "text" }] }] },
      { rules: [{ symbolizers: [{ type: "polygon", fill: { opacity: 2 } }] }] },
    ]) {
      expect(() => fromNgwSld(bad)).toThrow(NgwSldError);
    }
  });
});
