/**
 * @module The styles without a file of their own: `raster_style` (core NGW; no serializer key,
 * draws its raster_layer with the default band mapping) and the legacy names of seed 002,
 * `vector_style` (ancient NGW) and `mapserver_style` (the old plugin; `{"xml": "..."}` kept
 * verbatim and read back, the layer drawn with the default style).
 */
import type { Style } from "../../../geo/style/model.ts";
import { parseXmlSafe, XmlError } from "../../../geo/xml.ts";
import { InsufficientPermissions, ValidationError } from "../../errors.ts";
import type { ResourceRow } from "../../resource-row.ts";
import type { ClassDeps, ResourceClass } from "../registry.ts";
import { loadStyle } from "./load.ts";
import { FEATURE_LAYER_PARENTS, MAX_STYLE_BYTES } from "./qgis-style.ts";
import { readStyleRecord, writeStyleRecord } from "./store.ts";

type StyleClass = ResourceClass & {
  loadStyle(deps: ClassDeps, row: ResourceRow): Promise<Style>;
};

const common: Pick<StyleClass, "scopes" | "interfaces" | "category" | "loadStyle" | "remove"> = {
  scopes: ["resource", "data", "metadata"],
  interfaces: ["IRenderableStyle"],
  category: "layers_and_styles",
  async loadStyle(deps: ClassDeps, row: ResourceRow) {
    return (await loadStyle(deps, row)).style;
  },
  async remove(ctx, row) {
    await ctx.tx.raw.execute({ sql: "DELETE FROM style WHERE resource_id = ?", args: [row.id] });
  },
};

/**
 * NGW accepts raster_style only under 3–4 band Byte rasters; gisd accepts any raster_layer and
 * draws other band layouts with the default mapping, because GDAL's NGW driver creates a
 * raster_style for every raster it uploads.
 */
export const rasterStyle: StyleClass = {
  ...common,
  identity: "raster_style",
  label: "Raster style",
  order: 72,
  parents: ["raster_layer"],
  keys: [],
};

export const vectorStyle: StyleClass = {
  ...common,
  identity: "vector_style",
  label: "Vector style",
  order: 73,
  parents: FEATURE_LAYER_PARENTS,
  keys: [],
};

export const mapserverStyle: StyleClass = {
  ...common,
  identity: "mapserver_style",
  label: "MapServer style",
  order: 74,
  parents: FEATURE_LAYER_PARENTS,
  keys: ["mapserver_style"],

  async serialize(ctx, row) {
    const rec = await readStyleRecord(ctx.client, row.id);
    return { mapserver_style: { xml: rec?.xml ?? "" } };
  },

  async write(ctx, row, body) {
    const v = body.mapserver_style;
    if (v === undefined || v === null) {
      if (ctx.creating) await writeStyleRecord(ctx.tx.raw, row.id, emptyXml(""));
      return;
    }
    const xml = (v as { xml?: unknown }).xml;
    if (typeof v !== "object" || typeof xml !== "string")
      throw new ValidationError('\'mapserver_style\' must be {"xml": "..."}.');
    if (!ctx.creating && !ctx.perms.has("data.write"))
      throw new InsufficientPermissions(row.id, "data", "write");
    if (xml.length > MAX_STYLE_BYTES) throw new ValidationError("The style XML is too large.");
    if (xml.trim() !== "") {
      try {
        parseXmlSafe(xml);
      } catch (err) {
        if (err instanceof XmlError) throw new ValidationError(`Invalid style XML: ${err.message}`);
        throw err;
      }
    }
    await writeStyleRecord(ctx.tx.raw, row.id, emptyXml(xml));
  },
};

function emptyXml(xml: string) {
  return {
    format: "xml" as const,
    fileKey: null,
    fileSize: null,
    xml,
    warnings: ["MapServer styles are drawn with the default style."],
  };
}
