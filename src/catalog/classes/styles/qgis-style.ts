/**
 * @module qgis_vector_style and qgis_raster_style (the nextgisweb_qgis plugin, reference/ngw.md
 * §3.6): a style made from an uploaded QML or SLD (detected by content), copied from another
 * style, NGW's simple-style JSON (format "sld"), or the default one. JSON
 * `{"format", "sld": {...}|null, "svg_marker_library": null}`; the
 * write-only keys are `file_upload` and `copy_from`.
 */
import { statSync } from "node:fs";
import type { Style, VectorStyle } from "../../../geo/style/model.ts";
import { fromNgwSld, NgwSldError } from "../../../geo/style/ngw-sld.ts";
import { HierarchyError, InsufficientPermissions, ValidationError } from "../../errors.ts";
import type { ResourceRow } from "../../resource-row.ts";
import { uploadIdOf } from "../../upload-copy.ts";
import type { ClassDeps, ResourceClass, WriteContext } from "../registry.ts";
import { loadStyle, parseStyleBytes } from "./load.ts";
import {
  readStyleFile,
  readStyleRecord,
  type StyleRecord,
  storeStyleFile,
  writeStyleRecord,
} from "./store.ts";

/** Style files past this size are refused before parsing (the XML guard would refuse too). */
export const MAX_STYLE_BYTES = 10 * 1024 * 1024;

const FORMATS = new Set(["default", "qml_file", "sld_file", "sld"]);
const DEFAULT_RECORD: StyleRecord = {
  format: "default",
  fileKey: null,
  fileSize: null,
  xml: null,
  warnings: [],
};

export type StyleKind = "vector" | "raster";

/** Feature layer classes listed as parents; the IFeatureLayer interface is checked on create. */
export const FEATURE_LAYER_PARENTS = ["vector_layer", "postgis_layer"];

export function qgisStyleClass(kind: StyleKind): ResourceClass & {
  loadStyle(deps: ClassDeps, row: ResourceRow): Promise<Style>;
} {
  const identity = kind === "vector" ? "qgis_vector_style" : "qgis_raster_style";
  return {
    identity,
    label: "QGIS style",
    order: kind === "vector" ? 70 : 71,
    scopes: ["resource", "data", "metadata"],
    interfaces: kind === "vector" ? ["IRenderableStyle", "ILegendableStyle"] : ["IRenderableStyle"],
    category: "layers_and_styles",
    parents: kind === "vector" ? FEATURE_LAYER_PARENTS : ["raster_layer"],
    keys: [identity],

    async serialize(ctx, row) {
      const rec = (await readStyleRecord(ctx.client, row.id)) ?? DEFAULT_RECORD;
      const sld = rec.format === "sld" && rec.sld ? JSON.parse(rec.sld) : null;
      const out: Record<string, unknown> = { format: rec.format, sld };
      if (kind === "vector") out.svg_marker_library = null;
      return { [identity]: out };
    },

    async write(ctx, row, body) {
      if (ctx.creating) await checkParent(ctx, row, kind);
      await writeQgisStyle(ctx, row, body[identity], kind, identity);
    },

    async loadStyle(deps, row) {
      return (await loadStyle(deps, row)).style;
    },

    async remove(ctx, row) {
      await ctx.tx.raw.execute({ sql: "DELETE FROM style WHERE resource_id = ?", args: [row.id] });
      ctx.tx.afterCommit(() => ctx.files.remove(`style/${row.id}`));
    },
  };
}

/** NGW checks the parent's interface (IFeatureLayer) rather than its class name. */
async function checkParent(ctx: WriteContext, row: ResourceRow, kind: StyleKind): Promise<void> {
  const parent = row.parentId === null ? undefined : await ctx.getRow(row.parentId);
  const cls = parent ? ctx.classes.get(parent.cls) : undefined;
  const ok =
    kind === "vector" ? cls?.interfaces.includes("IFeatureLayer") : parent?.cls === "raster_layer";
  if (!ok) {
    throw new HierarchyError(
      `Resource of class '${row.cls}' can't be a child of '${parent?.cls ?? "nothing"}'.`,
    );
  }
}

async function writeQgisStyle(
  ctx: WriteContext,
  row: ResourceRow,
  value: unknown,
  kind: StyleKind,
  key: string,
): Promise<void> {
  if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value)))
    throw new ValidationError(`'${key}' must be an object.`);
  const d = (value ?? {}) as Record<string, unknown>;
  const format = d.format;
  if (format !== undefined && (typeof format !== "string" || !FORMATS.has(format)))
    throw new ValidationError(`Unknown style format '${String(format)}'.`);
  const hasFile = d.file_upload !== undefined && d.file_upload !== null;
  const hasCopy = d.copy_from !== undefined && d.copy_from !== null;
  if (hasFile && hasCopy)
    throw new ValidationError("'file_upload' and 'copy_from' cannot be used together.");
  const old = (await readStyleRecord(ctx.tx.raw, row.id)) ?? DEFAULT_RECORD;
  // A client PUTting back the JSON it read ({"format": "qml_file", "sld": null, …}) changes
  // nothing; only a new file, a copy or another format does.
  const sldGiven = d.sld !== undefined && d.sld !== null;
  if (!ctx.creating && !hasFile && !hasCopy && !sldGiven && (format ?? old.format) === old.format)
    return;
  if (!ctx.creating && !ctx.perms.has("resource.update"))
    throw new InsufficientPermissions(row.id, "resource", "update");
  let rec: StyleRecord;
  if (format === "sld" || (format === undefined && sldGiven)) {
    if (hasFile || hasCopy)
      throw new ValidationError("The 'sld' format takes the style in 'sld', not a file.");
    rec = fromSldJson(d.sld, kind);
    if (old.fileKey) ctx.tx.afterCommit(() => ctx.files.remove(old.fileKey!));
  } else if (hasFile) {
    rec = await fromUpload(ctx, row, d.file_upload, kind, old);
  } else if (hasCopy) {
    rec = await fromCopy(ctx, row, d.copy_from, old);
  } else if (format !== undefined && format !== "default") {
    throw new ValidationError(`A style file is required for the '${format}' format.`);
  } else if (format === "default" || ctx.creating) {
    rec = DEFAULT_RECORD;
    if (old.fileKey) ctx.tx.afterCommit(() => ctx.files.remove(old.fileKey!));
  } else {
    return;
  }
  if (format !== undefined && format !== rec.format) {
    throw new ValidationError(`The style file is '${rec.format}', not '${format}'.`);
  }
  await writeStyleRecord(ctx.tx.raw, row.id, rec);
}

/** NGW's "sld" format: the JSON is checked by converting it, then kept as sent. */
function fromSldJson(value: unknown, kind: StyleKind): StyleRecord {
  let style: Style;
  try {
    style = fromNgwSld(value);
  } catch (err) {
    if (err instanceof NgwSldError) throw new ValidationError(`Invalid 'sld': ${err.message}`);
    throw err;
  }
  if (style.kind !== kind)
    throw new ValidationError(
      `The 'sld' style is a ${style.kind} style; a ${kind} style is needed.`,
    );
  const sld = JSON.stringify(value);
  if (sld.length > MAX_STYLE_BYTES) throw new ValidationError("The 'sld' style is too large.");
  return { format: "sld", fileKey: null, fileSize: null, xml: null, sld, warnings: [] };
}

async function fromUpload(
  ctx: WriteContext,
  row: ResourceRow,
  ref: unknown,
  kind: StyleKind,
  old: StyleRecord,
): Promise<StyleRecord> {
  const { path } = await ctx.uploads.path(uploadIdOf(ref, "file_upload"));
  if (statSync(path).size > MAX_STYLE_BYTES)
    throw new ValidationError(`Style files larger than ${MAX_STYLE_BYTES} bytes are not accepted.`);
  const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
  const parsed = parseStyleBytes(bytes);
  if (parsed.style.kind !== kind) {
    throw new ValidationError(
      `The uploaded style is a ${parsed.style.kind} style; this layer needs a ${kind} style.`,
    );
  }
  if (parsed.format === "qml_file" && parsed.style.kind === "vector") {
    await checkGeometry(ctx, row, parsed.style);
  }
  const ext = parsed.format === "qml_file" ? "qml" : "sld";
  const fileKey = await storeStyleFile(ctx.tx, ctx.files, row.id, ext, bytes, old.fileKey);
  return {
    format: parsed.format,
    fileKey,
    fileSize: bytes.length,
    xml: null,
    warnings: parsed.warnings,
  };
}

/**
 * A QML symbol type is bound to one geometry (NGW refuses a point style for a polygon layer with
 * a 422): the symbolizers the reader produced tell which symbol types the QML held.
 */
async function checkGeometry(
  ctx: WriteContext,
  row: ResourceRow,
  style: VectorStyle,
): Promise<void> {
  const layer = row.parentId === null ? undefined : await ctx.getRow(row.parentId);
  const cls = layer ? ctx.classes.get(layer.cls) : undefined;
  if (!layer || !cls?.featureSource) return;
  const g = (await (await cls.featureSource(ctx, layer)).info()).geometryType;
  const kinds = new Set(style.rules.flatMap((r) => r.symbolizers.map((x) => x.kind)));
  const wrong = g.includes("POINT")
    ? kinds.has("fill") || kinds.has("stroke")
    : g.includes("LINE")
      ? kinds.has("fill") || kinds.has("marker")
      : g.includes("POLYGON")
        ? kinds.has("marker")
        : false;
  if (wrong) throw new ValidationError(`The QML symbols do not fit the layer's ${g} geometry.`);
}

async function fromCopy(
  ctx: WriteContext,
  row: ResourceRow,
  ref: unknown,
  old: StyleRecord,
): Promise<StyleRecord> {
  const id = typeof ref === "object" && ref !== null ? (ref as { id?: unknown }).id : undefined;
  if (typeof id !== "number" || !Number.isInteger(id))
    throw new ValidationError("'copy_from' must be a resource reference {\"id\": …}.");
  const src = await ctx.getRow(id);
  if (!src || src.cls !== row.cls)
    throw new ValidationError(`'copy_from' must refer to another ${row.cls} resource.`);
  if (!(await ctx.permissions(ctx.actor, id)).has("resource.read"))
    throw new InsufficientPermissions(id, "resource", "read");
  const rec = (await readStyleRecord(ctx.tx.raw, id)) ?? DEFAULT_RECORD;
  if (!rec.fileKey) return { ...rec };
  const bytes = await readStyleFile(ctx.files, rec.fileKey);
  const ext = rec.format === "sld_file" ? "sld" : "qml";
  const fileKey = await storeStyleFile(ctx.tx, ctx.files, row.id, ext, bytes, old.fileKey);
  return { ...rec, fileKey };
}
