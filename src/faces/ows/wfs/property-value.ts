/**
 * @module GetPropertyValue (WFS 2.0 §10): one property of every feature a query matches, as a
 * wfs:ValueCollection of wfs:member values (text, or GML 3.2 for the geometry), with the same
 * filters, paging and SRS handling as GetFeature.
 */
import { writeGml } from "../../../geo/formats/gml/writer.ts";
import { textStream } from "../../../geo/formats/text-stream.ts";
import { escapeXml } from "../../../geo/xml.ts";
import {
  collectionHead,
  type Prepared,
  pages,
  prepare,
  primed,
  queryLayers,
} from "./get-feature.ts";
import type { WfsRequest } from "./request.ts";
import { featureIdOf, GEOM, type WfsDeps, type WfsService } from "./service.ts";

export async function getPropertyValue(d: WfsDeps, s: WfsService, req: WfsRequest) {
  const ref = req.valueReference!;
  const preps: Prepared[] = [];
  for (const q of req.queries)
    for (const l of queryLayers(s, q))
      preps.push(await prepare(d, l, { ...q, propertyNames: [ref] }, req.version));
  const head = collectionHead("2.0.0", "3.2", preps, req, false);
  const gen = async function* () {
    yield `<?xml version="1.0" encoding="UTF-8"?>\n${head.replace("wfs:FeatureCollection", "wfs:ValueCollection")}`;
    for await (const { p, f } of pages(d, preps, req)) {
      if (ref === GEOM) {
        if (!f.geom) continue;
        const id = `${featureIdOf(p.type.ref, f.id)}.geom`;
        const g = writeGml(f.geom, {
          version: "3.2",
          srsName: p.srsName,
          latFirst: p.srs.latFirst,
          id,
        });
        yield `\n<wfs:member>${g}</wfs:member>`;
        continue;
      }
      const v = f.fields[ref];
      if (v === null || v === undefined) continue;
      const t = typeof v === "object" ? JSON.stringify(v) : String(v);
      yield `\n<wfs:member>${escapeXml(t)}</wfs:member>`;
    }
    yield "\n</wfs:ValueCollection>\n";
  };
  return new Response(textStream(await primed(gen())), {
    headers: { "Content-Type": "application/xml; charset=utf-8" },
  });
}
