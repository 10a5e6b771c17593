/**
 * @module NGW's QML download: GET /api/resource/{id}/qml[?original=prefer|require|process]
 * (nextgisweb_qgis route `qgis.style_qml`), answered as an attachment named {id}.qml.
 */
import type { Context } from "hono";
import { type OriginalMode, styleQml } from "../../catalog/classes/styles/index.ts";
import { ValidationError } from "../../catalog/errors.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { resourceId } from "./params.ts";
import type { NgwRoute } from "./routes.ts";

const MODES = new Set<OriginalMode>(["prefer", "require", "process"]);

export function styleRoutes(app: AppContext): NgwRoute[] {
  const { catalog } = app;
  async function qml(c: Context<Env>) {
    const id = resourceId(c);
    const original = (c.req.query("original") ?? "prefer") as OriginalMode;
    if (!MODES.has(original))
      throw new ValidationError("'original' must be one of prefer, require, process.");
    const bytes = await styleQml(catalog.resources, catalog.deps, c.get("actor"), id, original);
    return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      headers: {
        "Content-Type": "application/x-qgis-style",
        "Content-Disposition": `attachment; filename=${id}.qml`,
      },
    });
  }
  return [{ name: "qgis.style_qml", path: "/api/resource/{id}/qml", methods: { GET: qml } }];
}
