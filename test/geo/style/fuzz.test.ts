/**
 * @module Hostile-input properties of the style readers: mutated QML/SLD documents either parse
 * (possibly with warnings) or fail with XmlError, never with another exception.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { toMapLibreLayers } from "../../../src/geo/style/maplibre.ts";
import { parseQml, writeQml } from "../../../src/geo/style/qml.ts";
import { parseSld, writeSld } from "../../../src/geo/style/sld.ts";
import { XmlError } from "../../../src/geo/xml.ts";

const dir = `${import.meta.dir}/../../fixtures/style`;
const names = [...new Bun.Glob("*.{qml,sld}").scanSync(dir)].sort();
const docs = await Promise.all(names.map((n) => Bun.file(`${dir}/${n}`).text()));

const nasty = fc.oneof(
  fc.constantFrom("", "NaN", "-1", "1e309", "inf", "0", "abc", "#zzz", "255,0", "%", "'", '"'),
  fc.string({ maxLength: 8 }),
);

/** Replaces the n-th attribute value or element text of a document with a nasty string. */
function mutate(doc: string, picks: { n: number; value: string; mode: number }[]): string {
  let out = doc;
  for (const { n, value, mode } of picks) {
    const safe = value.replace(/[<>&"]/g, "");
    if (mode === 0) {
      const all = [...out.matchAll(/="[^"]*"/g)];
      const m = all[n % Math.max(all.length, 1)];
      if (m) out = out.slice(0, m.index) + `="${safe}"` + out.slice(m.index! + m[0].length);
    } else if (mode === 1) {
      const all = [...out.matchAll(/>([^<>]+)</g)];
      const m = all[n % Math.max(all.length, 1)];
      if (m) out = out.slice(0, m.index) + `>${safe}<` + out.slice(m.index! + m[0].length);
    } else {
      // drop a self-closing element or the children of one
      const all = [...out.matchAll(/<[A-Za-z:]+[^<>]*\/>/g)];
      const m = all[n % Math.max(all.length, 1)];
      if (m) out = out.slice(0, m.index) + out.slice(m.index! + m[0].length);
    }
  }
  return out;
}

describe("mutated styles never crash the readers", () => {
  for (const [i, name] of names.entries()) {
    test(name, () => {
      const read = name.endsWith(".qml") ? parseQml : parseSld;
      fc.assert(
        fc.property(
          fc.array(
            fc.record({ n: fc.nat(10_000), value: nasty, mode: fc.integer({ min: 0, max: 2 }) }),
            { minLength: 1, maxLength: 6 },
          ),
          (picks) => {
            const doc = mutate(docs[i]!, picks);
            try {
              const { style } = read(doc);
              // Whatever was read must also be writable and convertible.
              writeQml(style);
              writeSld(style);
              toMapLibreLayers(style, "src", "layer");
            } catch (err) {
              expect(err).toBeInstanceOf(XmlError);
            }
          },
        ),
        { numRuns: 150, seed: 42 + i },
      );
    });
  }
});
