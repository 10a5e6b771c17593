/**
 * @module From a style resource to what others need: the style model the renderer draws with
 * (cached per resource id and version), the QML for GET /qml and the SLD body GeoServer serves.
 */
import { defaultRasterStyle, defaultVectorStyle, type Style } from "../../../geo/style/model.ts";
import { fromNgwSld } from "../../../geo/style/ngw-sld.ts";
import { parseQml, writeQml } from "../../../geo/style/qml.ts";
import { parseSld, writeSld } from "../../../geo/style/sld.ts";
import { parseXmlSafe, XmlError } from "../../../geo/xml.ts";
import type { Actor } from "../../acl.ts";
import { NotFound, ResourceNotFound, ValidationError } from "../../errors.ts";
import type { ResourceRow } from "../../resource-row.ts";
import type { Resources } from "../../resources.ts";
import { readRaster } from "../raster-layer/store.ts";
import type { ClassDeps } from "../registry.ts";
import { readStyleFile, readStyleRecord, type StyleRecord } from "./store.ts";

export const RASTER_STYLE_CLASSES = new Set(["qgis_raster_style", "raster_style"]);
export const QGIS_STYLE_CLASSES = new Set(["qgis_vector_style", "qgis_raster_style"]);

export interface LoadedStyle {
  style: Style;
  kind: "vector" | "raster";
  /** The layer the style draws (its parent). */
  layerId: number;
}

/** A parsed upload: which format it was, the model and what the model could not hold. */
export interface ParsedUpload {
  format: "qml_file" | "sld_file";
  style: Style;
  warnings: string[];
}

/** Detects QML or SLD by the root element and parses it; any failure is a 422. */
export function parseStyleBytes(bytes: Uint8Array): ParsedUpload {
  try {
    const root = parseXmlSafe(bytes);
    if (root.name === "qgis") return { format: "qml_file", ...parseQml(bytes) };
    if (["StyledLayerDescriptor", "UserStyle", "FeatureTypeStyle"].includes(root.name)) {
      return { format: "sld_file", ...parseSld(bytes) };
    }
    throw new ValidationError(
      `The file is neither a QGIS style (QML) nor an SLD (<${root.name}>).`,
    );
  } catch (err) {
    if (err instanceof XmlError) throw new ValidationError(`Invalid style file: ${err.message}`);
    if (err instanceof ValidationError) throw err;
    // The readers are fuzzed to fail only with XmlError; anything else in a hostile file is
    // still the file's fault, so it stays a 422 rather than a 500.
    throw new ValidationError("The style file could not be read.");
  }
}

const CACHE_LIMIT = 512;
// One cache per catalog (its deps object), never a process-wide one: two catalogs in one test
// process must not see each other's styles.
const caches = new WeakMap<ClassDeps, Map<string, Promise<LoadedStyle>>>();

/** The model a style resource draws with; re-read only when the resource's version changes. */
export function loadStyle(deps: ClassDeps, row: ResourceRow): Promise<LoadedStyle> {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, (cache = new Map()));
  const key = `${row.id}:${row.version}`;
  const hit = cache.get(key);
  if (hit) {
    // Map order is insertion order: re-inserting keeps recently used entries last.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const p = buildStyle(deps, row);
  cache.set(key, p);
  p.catch(() => cache.delete(key));
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return p;
}

async function buildStyle(deps: ClassDeps, row: ResourceRow): Promise<LoadedStyle> {
  const layerId = row.parentId;
  const parent = layerId === null ? undefined : await deps.getRow(layerId);
  if (!parent || layerId === null) throw new ResourceNotFound(row.parentId ?? row.id);
  const rec = await readStyleRecord(deps.client, row.id);
  let style: Style | undefined;
  if (rec?.format === "sld" && rec.sld) {
    style = fromNgwSld(JSON.parse(rec.sld));
  } else if (rec?.fileKey) {
    const bytes = await readStyleFile(deps.files, rec.fileKey);
    style = (rec.format === "sld_file" ? parseSld(bytes) : parseQml(bytes)).style;
  }
  style ??= await defaultStyleFor(deps, row, parent);
  return { style, kind: style.kind, layerId };
}

/** The style a layer gets when it has none of its own (NGW's "default" format). */
export async function defaultStyleFor(
  deps: ClassDeps,
  row: ResourceRow,
  layer: ResourceRow,
): Promise<Style> {
  if (RASTER_STYLE_CLASSES.has(row.cls) || layer.cls === "raster_layer") {
    const r = await readRaster(deps.client, layer.id);
    return defaultRasterStyle(r?.info.bandCount ?? 3, r?.info.dtype ?? "Byte");
  }
  const cls = deps.classes.get(layer.cls);
  if (!cls?.featureSource) return defaultVectorStyle("");
  const info = await (await cls.featureSource(deps, layer)).info();
  return defaultVectorStyle(info.geometryType);
}

export type OriginalMode = "prefer" | "require" | "process";

/**
 * GET /api/resource/{id}/qml (nextgisweb_qgis `style_qml`): the uploaded QML byte-exact when
 * there is one and `original` allows it, else QML written from the model; `require` without an
 * uploaded QML is a 422, as in NGW. Needs resource.read like NGW's view.
 */
export async function styleQml(
  resources: Resources,
  deps: ClassDeps,
  actor: Actor,
  id: number,
  original: OriginalMode,
): Promise<Uint8Array> {
  const { row } = await resources.require(actor, id, "resource.read");
  if (!QGIS_STYLE_CLASSES.has(row.cls))
    throw new NotFound("QML is only available for QGIS styles.");
  const rec = await readStyleRecord(deps.client, row.id);
  const format = rec?.format ?? "default";
  if (original === "require" && format !== "qml_file") {
    throw new ValidationError(
      `The original QML was requested but the style has '${format}' format. Use other values of the 'original' parameter.`,
    );
  }
  if (original !== "process" && format === "qml_file" && rec?.fileKey) {
    return readStyleFile(deps.files, rec.fileKey);
  }
  const { style, layerId } = await loadStyle(deps, row);
  return new TextEncoder().encode(
    writeQml(style, { geometryType: await geometryOf(deps, layerId) }),
  );
}

async function geometryOf(deps: ClassDeps, layerId: number): Promise<string | undefined> {
  const layer = await deps.getRow(layerId);
  const cls = layer ? deps.classes.get(layer.cls) : undefined;
  if (!layer || !cls?.featureSource) return undefined;
  return (await (await cls.featureSource(deps, layer)).info()).geometryType;
}

/**
 * The SLD of a style for the GeoServer face: an uploaded SLD byte-exact, else SLD 1.0 written
 * from the model. No ACL here: the GeoServer face answers admins only and checks that itself.
 */
export async function styleSld(deps: ClassDeps, row: ResourceRow): Promise<Uint8Array> {
  const rec: StyleRecord | undefined = await readStyleRecord(deps.client, row.id);
  if (rec?.format === "sld_file" && rec.fileKey) return readStyleFile(deps.files, rec.fileKey);
  const { style } = await loadStyle(deps, row);
  return new TextEncoder().encode(writeSld(style, row.keyname ?? row.displayName));
}
