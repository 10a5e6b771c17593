/**
 * @module `update=append` of a file upload onto a published feature type: the file's features
 * are added to the existing layer through the FeatureSource write path, all in one transaction
 * with the layer's version bump (FeatureLayers.edit), so either every feature lands or none.
 * Fields are matched by name (case-insensitive); file fields the layer lacks are dropped, as
 * GeoServer's append does. Geometries are reprojected to the layer's SRS and fitted to its type.
 */
import { CastError, fitGeometry } from "../../geo/features/cast.ts";
import { FormatError } from "../../geo/formats/errors.ts";
import { openVectorFile } from "../../geo/formats/reader.ts";
import type { GeometryType } from "../../geo/geometry/types.ts";
import type { FeatureInput, FieldValue } from "../../geo/sources/feature-source.ts";
import { hasSrs, reprojectGeometry } from "../../geo/srs/index.ts";
import type { Actor } from "../acl.ts";
import { FeatureLayers } from "../features.ts";
import type { Catalog } from "../index.ts";
import { GsBadRequest } from "./base.ts";

const BATCH = 1000;

export async function appendFile(
  catalog: Catalog,
  actor: Actor,
  layerId: number,
  path: string,
  opts: { sourceLayer?: string; encoding?: string },
): Promise<number> {
  const reader = await openVectorFile(path, opts).catch((err) => {
    throw new GsBadRequest(`Could not read the uploaded file: ${(err as Error).message}`);
  });
  try {
    return await new FeatureLayers(catalog).edit(actor, layerId, async ({ layer, source }) => {
      const byLower = new Map(layer.fields.map((f) => [f.keyname.toLowerCase(), f.keyname]));
      const from = reader.info.srs ?? layer.srs;
      const reproject = from !== layer.srs && hasSrs(from) && hasSrs(layer.srs);
      const target = layer.geometryType as GeometryType;
      let pending: FeatureInput[] = [];
      let n = 0;
      for await (const f of reader.features()) {
        n++;
        const fields: Record<string, FieldValue> = {};
        for (const [k, v] of Object.entries(f.fields)) {
          const key = byLower.get(k.toLowerCase());
          if (key) fields[key] = v;
        }
        let geom = f.geom;
        if (geom && target !== "NONE") {
          if (reproject) geom = reprojectGeometry(geom, from, layer.srs);
          geom = fitGeometry(geom, target, "NONE", n);
        } else geom = null;
        pending.push({ geom, fields });
        if (pending.length >= BATCH) {
          await source.insert(pending);
          pending = [];
        }
      }
      if (pending.length) await source.insert(pending);
      return n;
    });
  } catch (err) {
    if (err instanceof FormatError || err instanceof CastError)
      throw new GsBadRequest(`Could not append: ${err.message}`);
    throw err;
  } finally {
    await reader.close().catch(() => {});
  }
}
