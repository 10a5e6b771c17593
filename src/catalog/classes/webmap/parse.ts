/**
 * @module Validation of the webmap, basemap_webmap and basemap_layer JSON as NGW's msgspec types
 * declare it (webmap/model.py, basemap/model.py): required keys, types, enums and ranges, with
 * the JSON path in the message. Unknown keys are ignored (msgspec structs allow them), so a
 * client may send back what it read (`style_parent_id`, the seed's basemap `position`).
 */
import { hasSrs } from "../../../geo/srs/index.ts";
import { ValidationError } from "../../errors.ts";
import {
  ADAPTERS,
  type Adapter,
  ANNOTATION_DEFAULTS,
  type BasemapLayerData,
  type BasemapRef,
  type GroupItem,
  type LayerItem,
  LEGEND_SYMBOLS,
  type LegendSymbols,
  type TreeItem,
  type WebmapSettings,
} from "./store.ts";

/** NGW's WebMapOption registry (webmap/option/__init__.py). */
export const WEBMAP_OPTIONS = [
  "webmap.identification_attributes",
  "webmap.identification_geometry",
  "webmap.hmux",
];

/** Hostile-input bounds: a real web map has tens of items, not tens of thousands. */
const MAX_ITEMS = 10_000;
const MAX_DEPTH = 32;
const MAX_TEXT = 4096;
const MAX_BASEMAPS = 1000;

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new ValidationError(`${what} - at \`${path}\``);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  return "object";
}

function object(v: unknown, path: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    fail(path, `Expected \`object\`, got \`${typeName(v)}\``);
  return v as Obj;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== "boolean") fail(path, `Expected \`bool\`, got \`${typeName(v)}\``);
  return v;
}

function text(v: unknown, path: string, minLength = 0): string {
  if (typeof v !== "string") fail(path, `Expected \`str\`, got \`${typeName(v)}\``);
  if (v.length < minLength) fail(path, `Expected \`str\` of length >= ${minLength}`);
  if (v.length > MAX_TEXT) fail(path, `Expected \`str\` of length <= ${MAX_TEXT}`);
  return v;
}

function orNull<T>(v: unknown, path: string, f: (v: unknown, path: string) => T): T | null {
  return v === null ? null : f(v, path);
}

function int(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v))
    fail(path, `Expected \`int\`, got \`${typeName(v)}\``);
  return v;
}

function float(v: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    fail(path, `Expected \`float\`, got \`${typeName(v)}\``);
  if (v < min) fail(path, `Expected \`float\` >= ${min}`);
  if (v > max) fail(path, `Expected \`float\` <= ${max}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== "string" || !(values as readonly string[]).includes(v))
    fail(path, `Expected one of ${values.map((x) => `'${x}'`).join(", ")}`);
  return v as T;
}

function ref(v: unknown, path: string): number {
  return int(object(v, path).id, `${path}.id`);
}

const lon = (v: unknown, p: string) => float(v, p, -180, 180);
const lat = (v: unknown, p: string) => float(v, p, -90, 90);

function wsen(v: unknown, path: string): (number | null)[] {
  if (v === null) return [null, null, null, null];
  if (!Array.isArray(v) || v.length !== 4)
    fail(path, "Expected `array` of length 4 (west, south, east, north)");
  return [
    lon(v[0], `${path}[0]`),
    lat(v[1], `${path}[1]`),
    lon(v[2], `${path}[2]`),
    lat(v[3], `${path}[3]`),
  ];
}

/** Indices of left, bottom, right, top in a WSEN list, by legacy attribute suffix. */
const PARTS = [
  ["left", 0, lon],
  ["bottom", 1, lat],
  ["right", 2, lon],
  ["top", 3, lat],
] as const;

/** Applies the given `webmap` keys to a copy of `s`; references are checked by the caller. */
export function parseSettings(body: Obj, s: WebmapSettings, path = "$.webmap"): WebmapSettings {
  const out: WebmapSettings = {
    ...s,
    initialExtent: [...s.initialExtent],
    constrainingExtent: [...s.constrainingExtent],
  };
  const at = (k: string) => `${path}.${k}`;
  if (body.initial_extent !== undefined)
    out.initialExtent = wsen(body.initial_extent, at("initial_extent"));
  if (body.constraining_extent !== undefined)
    out.constrainingExtent = wsen(body.constraining_extent, at("constraining_extent"));
  // The legacy per-side attributes, still sent by seed-era clients, win over the arrays as
  // they come later in NGW's serializer.
  for (const [side, i, f] of PARTS) {
    const k = `extent_${side}`;
    if (body[k] !== undefined) out.initialExtent[i] = orNull(body[k], at(k), f);
    const kc = `extent_const_${side}`;
    if (body[kc] !== undefined) out.constrainingExtent[i] = orNull(body[kc], at(kc), f);
  }
  if (body.title !== undefined) out.title = orNull(body.title, at("title"), text);
  if (body.draw_order_enabled !== undefined)
    out.drawOrderEnabled = orNull(body.draw_order_enabled, at("draw_order_enabled"), bool);
  if (body.editable !== undefined) out.editable = bool(body.editable, at("editable"));
  if (body.annotation_enabled !== undefined)
    out.annotationEnabled = bool(body.annotation_enabled, at("annotation_enabled"));
  if (body.annotation_default !== undefined)
    out.annotationDefault = oneOf(
      body.annotation_default,
      at("annotation_default"),
      ANNOTATION_DEFAULTS,
    );
  if (body.legend_symbols !== undefined)
    out.legendSymbols = orNull(body.legend_symbols, at("legend_symbols"), legendSymbols);
  if (body.measure_srs !== undefined) {
    out.measureSrsId = orNull(body.measure_srs, at("measure_srs"), ref);
    if (out.measureSrsId !== null && !hasSrs(out.measureSrsId))
      fail(at("measure_srs.id"), `Unknown SRS id ${out.measureSrsId}`);
  }
  if (body.bookmark_resource !== undefined)
    out.bookmarkResourceId = orNull(body.bookmark_resource, at("bookmark_resource"), ref);
  if (body.options !== undefined) {
    const o = object(body.options, at("options"));
    const opts: Record<string, boolean> = {};
    for (const [k, v] of Object.entries(o)) {
      if (!WEBMAP_OPTIONS.includes(k)) throw new ValidationError(`Unknown web map option '${k}'.`);
      opts[k] = bool(v, at(`options.${k}`));
    }
    out.options = opts;
  }
  return out;
}

function legendSymbols(v: unknown, path: string): LegendSymbols {
  return oneOf(v, path, LEGEND_SYMBOLS);
}

/** root_item: `{"item_type": "root", "children": [...]}`; returns the root's children. */
export function parseRoot(v: unknown, path = "$.webmap.root_item"): TreeItem[] {
  const o = object(v, path);
  if (o.item_type !== undefined && o.item_type !== "root")
    fail(`${path}.item_type`, "Invalid value, expected 'root'");
  const count = { n: 0 };
  return o.children === undefined ? [] : parseChildren(o.children, `${path}.children`, 1, count);
}

function parseChildren(v: unknown, path: string, depth: number, count: { n: number }): TreeItem[] {
  if (!Array.isArray(v)) fail(path, `Expected \`array\`, got \`${typeName(v)}\``);
  if (depth > MAX_DEPTH) fail(path, `Groups nest at most ${MAX_DEPTH} levels deep`);
  return v.map((c, i) => {
    if (++count.n > MAX_ITEMS) fail(path, `A web map holds at most ${MAX_ITEMS} items`);
    return parseItem(c, `${path}[${i}]`, depth, count);
  });
}

function parseItem(v: unknown, path: string, depth: number, count: { n: number }): TreeItem {
  const o = object(v, path);
  const at = (k: string) => `${path}.${k}`;
  const req = (k: string) => {
    if (o[k] === undefined) fail(path, `Object missing required field \`${k}\``);
    return o[k];
  };
  if (o.item_type === "group") {
    const g: GroupItem = {
      type: "group",
      displayName: text(req("display_name"), at("display_name")),
      expanded:
        o.group_expanded === undefined ? false : bool(o.group_expanded, at("group_expanded")),
      enabled: o.group_enabled === undefined ? true : bool(o.group_enabled, at("group_enabled")),
      exclusive:
        o.group_exclusive === undefined ? false : bool(o.group_exclusive, at("group_exclusive")),
      children:
        o.children === undefined ? [] : parseChildren(o.children, at("children"), depth + 1, count),
    };
    if (g.exclusive) keepOneEnabled(g.children);
    return g;
  }
  if (o.item_type === "layer") {
    const opt = <T>(k: string, f: (v: unknown, p: string) => T): T | null | undefined =>
      o[k] === undefined ? undefined : orNull(o[k], at(k), f);
    const denom = (x: unknown, p: string) => float(x, p, 0);
    let transparency = opt("layer_transparency", (x, p) => float(x, p, 0, 100)) ?? null;
    const opacity = opt("layer_opacity", (x, p) => float(x, p, 0, 1));
    // NGW sets layer_opacity after layer_transparency, so opacity wins when both are sent.
    if (opacity !== undefined) transparency = opacity === null ? null : (1 - opacity) * 100;
    const l: LayerItem = {
      type: "layer",
      displayName: text(req("display_name"), at("display_name")),
      styleId: int(req("layer_style_id"), at("layer_style_id")),
      adapter: oneOf<Adapter>(req("layer_adapter"), at("layer_adapter"), ADAPTERS),
      enabled: o.layer_enabled === undefined ? false : bool(o.layer_enabled, at("layer_enabled")),
      identifiable:
        o.layer_identifiable === undefined
          ? true
          : bool(o.layer_identifiable, at("layer_identifiable")),
      transparency,
      minScaleDenom: opt("layer_min_scale_denom", denom) ?? null,
      maxScaleDenom: opt("layer_max_scale_denom", denom) ?? null,
      drawOrderPosition: opt("draw_order_position", int) ?? null,
      legendSymbols: opt("legend_symbols", legendSymbols) ?? null,
    };
    return l;
  }
  if (o.item_type === undefined) fail(path, "Object missing required field `item_type`");
  return fail(at("item_type"), "Invalid value, expected 'group' or 'layer'");
}

/** NGW's exclusive groups: only the first enabled child stays enabled. */
function keepOneEnabled(children: TreeItem[]): void {
  let seen = false;
  for (const c of children) {
    if (!c.enabled) continue;
    if (seen) c.enabled = false;
    else seen = true;
  }
}

export interface BasemapWebmapPatch {
  basemaps?: BasemapRef[];
  backgroundColor?: string | null;
  disable?: boolean;
}

export function parseBasemapWebmap(v: unknown, path = "$.basemap_webmap"): BasemapWebmapPatch {
  const o = object(v, path);
  const out: BasemapWebmapPatch = {};
  if (o.basemaps !== undefined) {
    const list = o.basemaps;
    if (!Array.isArray(list))
      fail(`${path}.basemaps`, `Expected \`array\`, got \`${typeName(list)}\``);
    if (list.length > MAX_BASEMAPS) fail(`${path}.basemaps`, `At most ${MAX_BASEMAPS} basemaps`);
    const seen = new Set<number>();
    out.basemaps = list.map((b, i) => {
      const p = `${path}.basemaps[${i}]`;
      const bo = object(b, p);
      if (bo.resource_id === undefined) fail(p, "Object missing required field `resource_id`");
      if (bo.display_name === undefined) fail(p, "Object missing required field `display_name`");
      const resourceId = int(bo.resource_id, `${p}.resource_id`);
      // NGW's primary key (webmap_id, resource_id) refuses the same basemap twice.
      if (seen.has(resourceId)) fail(`${p}.resource_id`, `Basemap ${resourceId} is listed twice`);
      seen.add(resourceId);
      return {
        resourceId,
        displayName: text(bo.display_name, `${p}.display_name`, 1),
        enabled: bo.enabled === undefined ? false : bool(bo.enabled, `${p}.enabled`),
        // OpacityFloat is gt=0, le=1 in NGW: a basemap at opacity 0 would be pointless.
        opacity:
          bo.opacity === undefined || bo.opacity === null
            ? null
            : float(bo.opacity, `${p}.opacity`, Number.MIN_VALUE, 1),
      };
    });
  }
  if (o.background_color !== undefined) {
    out.backgroundColor = orNull(o.background_color, `${path}.background_color`, (x, p) => {
      const s = text(x, p);
      if (!/^[0-9a-f]{6}$/.test(s)) fail(p, "Expected `str` matching pattern '^[0-9a-f]{6}$'");
      return s;
    });
  }
  if (o.disable !== undefined) out.disable = bool(o.disable, `${path}.disable`);
  return out;
}

/**
 * basemap_layer: `url` (required on create) must be an http(s) URL: the browser loads it as a
 * tile template, and a `javascript:` URL there would run in the display page.
 */
export function parseBasemapLayer(
  v: unknown,
  current: BasemapLayerData | undefined,
  path = "$.basemap_layer",
): BasemapLayerData {
  const o = object(v ?? {}, path);
  const at = (k: string) => `${path}.${k}`;
  if (o.url === undefined && !current) fail(path, "Object missing required field `url`");
  const url = o.url === undefined ? current!.url : text(o.url, at("url"), 1);
  if (!/^https?:\/\/[^\s]+$/i.test(url)) fail(at("url"), "Expected an http:// or https:// URL");
  const optText = (k: string, cur: string | null | undefined) =>
    o[k] === undefined ? (cur ?? null) : orNull(o[k], at(k), text);
  const zoom = (x: unknown, p: string) => {
    const z = int(x, p);
    if (z < 0 || z > 30) fail(p, "Expected `int` between 0 and 30");
    return z;
  };
  const out: BasemapLayerData = {
    url,
    qms: optText("qms", current?.qms),
    copyrightText: optText("copyright_text", current?.copyrightText),
    copyrightUrl: optText("copyright_url", current?.copyrightUrl),
    zMin: o.z_min === undefined ? (current?.zMin ?? null) : orNull(o.z_min, at("z_min"), zoom),
    zMax: o.z_max === undefined ? (current?.zMax ?? null) : orNull(o.z_max, at("z_max"), zoom),
  };
  if (out.zMin !== null && out.zMax !== null && out.zMin > out.zMax)
    fail(at("z_min"), "z_min must not be greater than z_max");
  return out;
}
