/**
 * @module Vector drawing on a canvas: each feature in the view is drawn with every symbolizer of
 * the rules that match it at the view's scale (filters, else rules, scale ranges), in rule order;
 * labels are drawn last, over all geometry, with their halo. Coordinates arrive in EPSG:3857.
 */
import { Image, Path2D, type SKRSContext2D } from "@napi-rs/canvas";
import type { BBox, Geometry, Position } from "../geometry/types.ts";
import type { Feature } from "../sources/feature-source.ts";
import { toCssRgba } from "../style/color.ts";
import {
  type LabelSymbolizer,
  type MarkerSymbolizer,
  matchingRules,
  ruleApplies,
  type StrokeSymbolizer,
  type Symbolizer,
  type VectorStyle,
} from "../style/model.ts";
import type { View } from "./view.ts";

export interface VectorInput {
  /** Features intersecting a bbox (EPSG:3857), with geometries in EPSG:3857. */
  features(bbox: BBox, signal?: AbortSignal): AsyncIterable<Feature>;
}

/** Draws the layer; returns the number of features drawn (0 means the view stayed empty). */
export async function drawVector(
  ctx: SKRSContext2D,
  input: VectorInput,
  style: VectorStyle,
  view: View,
  signal?: AbortSignal,
): Promise<number> {
  if (!ruleApplies(style, view.scale)) return 0;
  const res = (view.bbox[2] - view.bbox[0]) / view.width;
  const px = (p: Position): [number, number] => [
    (p[0]! - view.bbox[0]) / res,
    (view.bbox[3] - p[1]!) / res,
  ];
  const pad = bufferPixels(style) * res;
  const query: BBox = [
    view.bbox[0] - pad,
    view.bbox[1] - pad,
    view.bbox[2] + pad,
    view.bbox[3] + pad,
  ];
  const labels: [LabelSymbolizer, Feature][] = [];
  let drawn = 0;
  for await (const f of input.features(query, signal)) {
    if (!f.geom) continue;
    const rules = matchingRules(style, f.fields, view.scale);
    const shapes = rules.length ? new Shapes(f.geom, px) : null;
    for (const rule of rules) {
      for (const s of rule.symbolizers) {
        if (s.kind === "label") labels.push([s, f]);
        else drawSymbolizer(ctx, s, shapes!, px);
      }
    }
    if (rules.length) drawn++;
  }
  for (const [s, f] of labels) drawLabel(ctx, s, f, px);
  return drawn;
}

/** How far outside the view a feature may lie and still paint into it. */
function bufferPixels(style: VectorStyle): number {
  let px = 4;
  for (const r of style.rules) {
    for (const s of r.symbolizers) {
      if (s.kind === "stroke") px = Math.max(px, s.width / 2 + Math.abs(s.offset ?? 0) + 2);
      if (s.kind === "marker") px = Math.max(px, s.size + s.strokeWidth + 2);
      if (s.kind === "label") px = Math.max(px, s.size * 4);
    }
  }
  return Math.min(px, 256);
}

type Px = (p: Position) => [number, number];

/** A feature's geometry as canvas paths, built once and shared by all its symbolizers. */
class Shapes {
  readonly polys: Position[][][] = [];
  readonly lines: Position[][] = [];
  readonly points: Position[] = [];
  #area: Path2D | null | undefined;
  #outline: Path2D | null | undefined;

  constructor(
    g: Geometry,
    private readonly px: Px,
  ) {
    this.#collect(g);
  }

  #collect(g: Geometry): void {
    if (g.type === "GeometryCollection") for (const part of g.geometries) this.#collect(part);
    else if (g.type === "Polygon") this.polys.push(g.coordinates);
    else if (g.type === "MultiPolygon") this.polys.push(...g.coordinates);
    else if (g.type === "LineString") this.lines.push(g.coordinates);
    else if (g.type === "MultiLineString") this.lines.push(...g.coordinates);
    else if (g.type === "Point") this.points.push(g.coordinates);
    else this.points.push(...g.coordinates);
  }

  /** Polygon rings, for fills (even-odd). */
  area(): Path2D | null {
    if (this.#area === undefined) {
      this.#area = this.polys.length ? new Path2D() : null;
      for (const poly of this.polys)
        for (const ring of poly) trace(this.#area!, ring, this.px, true);
    }
    return this.#area;
  }

  /** Rings and lines, for strokes. */
  outline(): Path2D | null {
    if (this.#outline === undefined) {
      if (!this.polys.length && !this.lines.length) this.#outline = null;
      else {
        const path = new Path2D();
        const area = this.area();
        if (area) path.addPath(area);
        for (const line of this.lines) trace(path, line, this.px, false);
        this.#outline = path;
      }
    }
    return this.#outline;
  }
}

function drawSymbolizer(ctx: SKRSContext2D, s: Symbolizer, shapes: Shapes, px: Px): void {
  if (s.kind === "fill") {
    const area = shapes.area();
    if (!area) return;
    ctx.fillStyle = toCssRgba(s.color, s.opacity);
    ctx.fill(area, "evenodd");
  } else if (s.kind === "stroke") {
    const outline = shapes.outline();
    if (!outline) return;
    applyStroke(ctx, s);
    ctx.stroke(outline);
    ctx.setLineDash([]);
  } else if (s.kind === "marker") {
    const at = shapes.points.length
      ? shapes.points
      : shapes.polys.map((p) => ringCentre(p[0] ?? []));
    for (const p of at) drawMarker(ctx, s, px(p));
  }
}

/**
 * Adds a ring or line to a path in pixels, skipping vertices within a third of a pixel of the
 * last one kept (invisible, and most of a coarse-scale outline's cost).
 */
function trace(path: Path2D, ring: Position[], px: Px, close: boolean): void {
  let lx = Number.NaN;
  let ly = Number.NaN;
  const last = ring.length - 1;
  for (let i = 0; i <= last; i++) {
    const [x, y] = px(ring[i]!);
    if (i === 0) path.moveTo(x, y);
    else if (i === last || Math.abs(x - lx) > 0.33 || Math.abs(y - ly) > 0.33) path.lineTo(x, y);
    else continue;
    lx = x;
    ly = y;
  }
  if (close) path.closePath();
}

function applyStroke(ctx: SKRSContext2D, s: StrokeSymbolizer): void {
  ctx.strokeStyle = toCssRgba(s.color, s.opacity);
  ctx.lineWidth = s.width;
  ctx.lineJoin = s.join;
  ctx.lineCap = s.cap;
  ctx.setLineDash(s.dash?.length ? s.dash : []);
}

const icons = new Map<string, Image | null>();

function iconImage(s: MarkerSymbolizer): Image | null {
  const data = s.icon?.data;
  if (!data) return null;
  const key = `${s.icon!.href}:${data.length}`;
  if (!icons.has(key)) {
    try {
      const img = new Image();
      img.src = Buffer.from(data);
      icons.set(key, img.width > 0 ? img : null);
    } catch {
      icons.set(key, null);
    }
    if (icons.size > 256) icons.delete(icons.keys().next().value!);
  }
  return icons.get(key) ?? null;
}

export function drawMarker(ctx: SKRSContext2D, s: MarkerSymbolizer, at: [number, number]): void {
  const [x, y] = [at[0] + (s.offset?.[0] ?? 0), at[1] + (s.offset?.[1] ?? 0)];
  ctx.save();
  ctx.translate(x, y);
  if (s.rotation) ctx.rotate((s.rotation * Math.PI) / 180);
  const img = iconImage(s);
  if (img) {
    const h = s.size;
    const w = (img.width / img.height) * h;
    ctx.drawImage(img, -w / 2, -h / 2, w, h);
    ctx.restore();
    return;
  }
  const r = s.size / 2;
  ctx.beginPath();
  shapePath(ctx, s.shape, r);
  if (s.fill && s.shape !== "cross" && s.shape !== "x") {
    ctx.fillStyle = toCssRgba(s.fill, s.fillOpacity);
    ctx.fill();
  }
  const lineShape = s.shape === "cross" || s.shape === "x";
  const stroke = s.stroke ?? (lineShape ? s.fill : null);
  if (stroke && (s.strokeWidth > 0 || lineShape)) {
    ctx.strokeStyle = toCssRgba(stroke, s.stroke ? s.strokeOpacity : s.fillOpacity);
    ctx.lineWidth = Math.max(s.strokeWidth, lineShape ? 1 : 0);
    ctx.stroke();
  }
  ctx.restore();
}

function shapePath(ctx: SKRSContext2D, shape: MarkerSymbolizer["shape"], r: number): void {
  const poly = (pts: [number, number][]) => {
    pts.forEach(([a, b], i) => {
      if (i) ctx.lineTo(a, b);
      else ctx.moveTo(a, b);
    });
    ctx.closePath();
  };
  switch (shape) {
    case "circle":
      ctx.arc(0, 0, r, 0, 2 * Math.PI);
      break;
    case "square":
      ctx.rect(-r, -r, 2 * r, 2 * r);
      break;
    case "diamond":
      poly([
        [0, -r],
        [r, 0],
        [0, r],
        [-r, 0],
      ]);
      break;
    case "triangle":
      poly([
        [0, -r],
        [r * 0.866, r * 0.5],
        [-r * 0.866, r * 0.5],
      ]);
      break;
    case "star": {
      const pts: [number, number][] = [];
      for (let i = 0; i < 10; i++) {
        const a = (i * Math.PI) / 5 - Math.PI / 2;
        const rr = i % 2 ? r * 0.4 : r;
        pts.push([Math.cos(a) * rr, Math.sin(a) * rr]);
      }
      poly(pts);
      break;
    }
    case "cross":
      ctx.moveTo(-r, 0);
      ctx.lineTo(r, 0);
      ctx.moveTo(0, -r);
      ctx.lineTo(0, r);
      break;
    case "x":
      ctx.moveTo(-r * 0.7, -r * 0.7);
      ctx.lineTo(r * 0.7, r * 0.7);
      ctx.moveTo(-r * 0.7, r * 0.7);
      ctx.lineTo(r * 0.7, -r * 0.7);
      break;
  }
}

function drawLabel(ctx: SKRSContext2D, s: LabelSymbolizer, f: Feature, px: Px): void {
  const v = f.fields[s.field];
  if (v === null || v === undefined || v === "") return;
  const text = String(v).slice(0, 200);
  const at = labelPoint(f.geom!);
  if (!at) return;
  const [x0, y0] = px(at);
  const x = x0 + (s.offset?.[0] ?? 0);
  const y = y0 + (s.offset?.[1] ?? 0);
  ctx.font = `${s.font.style} ${s.font.weight} ${s.size}px "${s.font.family}", "DejaVu Sans", sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  if (s.halo && s.halo.width > 0) {
    ctx.strokeStyle = toCssRgba(s.halo.color, s.halo.opacity);
    ctx.lineWidth = s.halo.width * 2;
    ctx.lineJoin = "round";
    ctx.strokeText(text, x, y);
  }
  ctx.fillStyle = toCssRgba(s.color, s.opacity);
  ctx.fillText(text, x, y);
}

/** Where a label goes: the point, the middle vertex of a line, the centre of a polygon. */
function labelPoint(g: Geometry): Position | null {
  switch (g.type) {
    case "Point":
      return g.coordinates;
    case "MultiPoint":
      return g.coordinates[0] ?? null;
    case "LineString":
      return g.coordinates[g.coordinates.length >> 1] ?? null;
    case "MultiLineString":
      return g.coordinates[0]?.[g.coordinates[0].length >> 1] ?? null;
    case "Polygon":
      return ringCentre(g.coordinates[0] ?? []);
    case "MultiPolygon": {
      let best: Position[] = [];
      for (const p of g.coordinates) if ((p[0]?.length ?? 0) > best.length) best = p[0]!;
      return ringCentre(best);
    }
    case "GeometryCollection":
      return g.geometries[0] ? labelPoint(g.geometries[0]) : null;
  }
}

/** Area centroid of a ring (falls back to the vertex mean for degenerate rings). */
function ringCentre(ring: Position[]): Position {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j]! as [number, number];
    const [x1, y1] = ring[i]! as [number, number];
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (Math.abs(a) < 1e-12) {
    const n = ring.length || 1;
    return [ring.reduce((s, p) => s + p[0]!, 0) / n, ring.reduce((s, p) => s + p[1]!, 0) / n];
  }
  return [cx / (3 * a), cy / (3 * a)];
}
