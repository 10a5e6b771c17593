/**
 * @module Legends: one icon per rule of a vector style (or per ramp stop of a raster style),
 * as NGW's legend_symbols list ({index, render, display_name, icon: {format, data}}) and as a
 * single PNG with an icon and a caption per row (NGW's /legend).
 */
import { createCanvas, type SKRSContext2D } from "@napi-rs/canvas";
import { toCssRgba } from "../style/color.ts";
import type { RasterStyle, Rule, Style, Symbolizer } from "../style/model.ts";
import { drawMarker } from "./vector.ts";

export interface LegendSymbol {
  index: number;
  render: boolean;
  display_name: string;
  icon: { format: "png"; data: string };
}

interface Entry {
  title: string;
  draw: (ctx: SKRSContext2D, size: number) => void;
}

export async function legendSymbols(style: Style, iconSize = 24): Promise<LegendSymbol[]> {
  const size = Math.max(8, Math.min(128, Math.round(iconSize)));
  const out: LegendSymbol[] = [];
  let index = 0;
  for (const e of entries(style)) {
    const c = createCanvas(size, size);
    e.draw(c.getContext("2d"), size);
    const png = await c.encode("png");
    out.push({
      index: index++,
      render: true,
      display_name: e.title,
      icon: { format: "png", data: Buffer.from(png).toString("base64") },
    });
  }
  return out;
}

/** A legend image: rows of 20 px icons with captions, transparent background. */
export async function legendImage(style: Style): Promise<Uint8Array> {
  const list = entries(style).slice(0, 200);
  const icon = 20;
  const rowH = icon + 4;
  const font = '12px "DejaVu Sans", sans-serif';
  const measure = createCanvas(1, 1).getContext("2d");
  measure.font = font;
  const textW = Math.max(0, ...list.map((e) => measure.measureText(e.title).width));
  const c = createCanvas(Math.ceil(icon + 8 + textW + 4), Math.max(1, list.length * rowH));
  const ctx = c.getContext("2d");
  list.forEach((e, i) => {
    ctx.save();
    ctx.translate(0, i * rowH + 2);
    e.draw(ctx, icon);
    ctx.restore();
    ctx.font = font;
    ctx.fillStyle = "#000000";
    ctx.textBaseline = "middle";
    ctx.fillText(e.title, icon + 6, i * rowH + 2 + icon / 2);
  });
  return new Uint8Array(await c.encode("png"));
}

function entries(style: Style): Entry[] {
  if (style.kind === "raster") return rasterEntries(style);
  return style.rules
    .filter((r) => r.symbolizers.some((s) => s.kind !== "label"))
    .map((r, i) => ({
      title: r.title ?? r.name ?? (style.rules.length > 1 ? `Rule ${i + 1}` : ""),
      draw: ruleIcon(r),
    }));
}

function ruleIcon(rule: Rule): Entry["draw"] {
  return (ctx, size) => {
    for (const s of rule.symbolizers) drawSymbolIcon(ctx, s, size);
  };
}

function drawSymbolIcon(ctx: SKRSContext2D, s: Symbolizer, size: number): void {
  const m = Math.max(1, size * 0.1);
  if (s.kind === "fill") {
    ctx.fillStyle = toCssRgba(s.color, s.opacity);
    ctx.fillRect(m, m, size - 2 * m, size - 2 * m);
  } else if (s.kind === "stroke") {
    ctx.strokeStyle = toCssRgba(s.color, s.opacity);
    ctx.lineWidth = Math.min(s.width, size / 3);
    ctx.lineJoin = s.join;
    ctx.lineCap = s.cap;
    ctx.setLineDash(s.dash?.length ? s.dash : []);
    ctx.beginPath();
    ctx.moveTo(m, size - m * 2);
    ctx.bezierCurveTo(size / 2, size - m, size / 2, m, size - m, m * 2);
    ctx.stroke();
    ctx.setLineDash([]);
  } else if (s.kind === "marker") {
    drawMarker(ctx, { ...s, size: Math.min(s.size, size - 2), offset: undefined }, [
      size / 2,
      size / 2,
    ]);
  }
}

function rasterEntries(style: RasterStyle): Entry[] {
  const swatch =
    (color: string, opacity: number): Entry["draw"] =>
    (ctx, size) => {
      ctx.fillStyle = toCssRgba(color, opacity);
      ctx.fillRect(1, 1, size - 2, size - 2);
    };
  const b = style.bands;
  if (b.type === "pseudocolor") {
    return b.ramp.stops.map((s) => ({
      title: s.label ?? String(s.value),
      draw: swatch(s.color, s.opacity),
    }));
  }
  if (b.type === "gray") {
    return [
      {
        title: `Band ${b.gray.band}`,
        draw: (ctx, size) => {
          const g = ctx.createLinearGradient(0, 0, size, 0);
          g.addColorStop(0, "#000000");
          g.addColorStop(1, "#ffffff");
          ctx.fillStyle = g;
          ctx.fillRect(1, 1, size - 2, size - 2);
        },
      },
    ];
  }
  return [
    { title: `Red: band ${b.red.band}`, draw: swatch("#ff0000", 1) },
    { title: `Green: band ${b.green.band}`, draw: swatch("#00ff00", 1) },
    { title: `Blue: band ${b.blue.band}`, draw: swatch("#0000ff", 1) },
  ];
}
