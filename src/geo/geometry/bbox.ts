/** @module Bounding boxes of geometries: computation, intersection tests and unions. */
import type { BBox, Geometry, Position } from "./types.ts";

function extend(b: BBox, p: Position): void {
  const x = p[0]!;
  const y = p[1]!;
  if (x < b[0]) b[0] = x;
  if (y < b[1]) b[1] = y;
  if (x > b[2]) b[2] = x;
  if (y > b[3]) b[3] = y;
}

function walk(g: Geometry, b: BBox): void {
  switch (g.type) {
    case "Point":
      if (g.coordinates.length) extend(b, g.coordinates);
      return;
    case "MultiPoint":
    case "LineString":
      for (const p of g.coordinates) extend(b, p);
      return;
    case "Polygon":
    case "MultiLineString":
      for (const r of g.coordinates) for (const p of r) extend(b, p);
      return;
    case "MultiPolygon":
      for (const poly of g.coordinates) for (const r of poly) for (const p of r) extend(b, p);
      return;
    case "GeometryCollection":
      for (const m of g.geometries) walk(m, b);
  }
}

/** The [minX, minY, maxX, maxY] box of a geometry; null when it is empty. */
export function bboxOf(g: Geometry): BBox | null {
  const b: BBox = [
    Number.POSITIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ];
  walk(g, b);
  return b[0] <= b[2] ? b : null;
}

/** Whether two boxes share at least one point (touching edges count). */
export function bboxIntersects(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** Whether `outer` contains `inner` entirely. */
export function bboxContains(outer: BBox, inner: BBox): boolean {
  return (
    outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
  );
}

/** The smallest box covering both; a null side is ignored. */
export function bboxUnion(a: BBox | null, b: BBox | null): BBox | null {
  if (!a) return b ? [...b] : null;
  if (!b) return [...a];
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** The box as a closed polygon (counter-clockwise). */
export function bboxToPolygon(b: BBox): Geometry {
  return {
    type: "Polygon",
    coordinates: [
      [
        [b[0], b[1]],
        [b[2], b[1]],
        [b[2], b[3]],
        [b[0], b[3]],
        [b[0], b[1]],
      ],
    ],
  };
}
