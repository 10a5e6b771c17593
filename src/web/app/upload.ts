/**
 * @module Upload a vector or raster file into a group: the file goes to NGW's file_upload API
 * (with a progress bar), then POST /api/resource/ creates a vector_layer or raster_layer from the
 * upload, as NGW's own UI and GDAL do (reference/ngw.md §3.9).
 */
import { api, uploadFile } from "./api.ts";
import { h } from "./dom.ts";

const RASTER = /\.(tiff?|gtiff)$/i;

export function uploadSection(
  parent: number,
  redraw: () => Promise<void>,
  status: HTMLElement,
): HTMLElement {
  const file = h("input", {
    type: "file",
    id: "upload-file",
    accept: ".geojson,.json,.zip,.gpkg,.csv,.kml,.fgb,.gml,.tif,.tiff",
  });
  const name = h("input", { id: "upload-name", placeholder: "Name (defaults to the file name)" });
  const progress = h("progress", {
    max: 1,
    value: 0,
    hidden: true,
    "aria-label": "Upload progress",
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = file.files?.[0];
    if (!f) return;
    progress.hidden = false;
    progress.value = 0;
    status.className = "status";
    status.textContent = `Uploading ${f.name}…`;
    try {
      const meta = await uploadFile(f, (p) => (progress.value = p));
      status.textContent = "Creating the layer…";
      const raster = RASTER.test(f.name);
      const displayName = name.value.trim() || f.name.replace(/\.[^.]+$/, "");
      const cls = raster ? "raster_layer" : "vector_layer";
      const created = await api<{ id: number }>("/api/resource/", {
        method: "POST",
        json: {
          resource: { cls, parent: { id: parent }, display_name: displayName },
          [cls]: { source: meta, srs: { id: 3857 } },
        },
      });
      await redraw();
      status.textContent = `Created “${displayName}” (#${created.id}).`;
    } catch (err) {
      progress.hidden = true;
      status.className = "status error";
      status.textContent = (err as Error).message;
    }
  };
  return h(
    "section",
    { "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, "Upload a layer"),
    h(
      "form",
      { class: "upload", onsubmit: submit },
      h(
        "label",
        { for: "upload-file" },
        "Vector (GeoJSON, zipped Shapefile, GeoPackage, CSV, KML…) or raster (GeoTIFF) file",
      ),
      file,
      h("label", { for: "upload-name" }, "Name"),
      name,
      h("button", { type: "submit", class: "primary" }, "Upload"),
      progress,
    ),
  );
}
