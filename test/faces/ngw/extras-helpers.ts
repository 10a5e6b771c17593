/** Shared steps of the export, identify and attachment tests: uploads and layers over HTTP. */
import { expect } from "bun:test";
import type { TestServer } from "../../helpers/server.ts";

export const CITIES = "data/samples/cities.geojson";

export async function upload(s: TestServer, name: string, data: Blob | string, type = "") {
  const fd = new FormData();
  fd.append("file", new File([data], name, { type }));
  const r = await s.json("/api/component/file_upload/upload", {
    method: "POST",
    auth: s.admin,
    body: fd,
  });
  expect(r.status).toBe(200);
  return r.body.upload_meta[0].id as string;
}

/** Imports a file into a new vector_layer (EPSG:3857) under `parent`; returns its id. */
export async function importLayer(s: TestServer, path: string, name: string, parent = 0) {
  const id = await upload(s, path.split("/").pop()!, Bun.file(path));
  const r = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: parent }, display_name: name },
      vector_layer: { source: { id }, srs: { id: 3857 } },
    },
  });
  expect(r.status).toBe(201);
  return r.body.id as number;
}

/** An empty point layer with one STRING field `name`; features are added with addPoint. */
export async function emptyLayer(s: TestServer, name: string, parent = 0) {
  const r = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: parent }, display_name: name },
      vector_layer: {
        srs: { id: 3857 },
        geometry_type: "POINT",
        fields: [{ keyname: "name", datatype: "STRING" }],
      },
    },
  });
  expect(r.status).toBe(201);
  return r.body.id as number;
}

export async function addPoint(s: TestServer, layer: number, x: number, y: number, name: string) {
  const r = await s.json(`/api/resource/${layer}/feature/`, {
    method: "POST",
    auth: s.admin,
    body: { geom: `POINT (${x} ${y})`, fields: { name } },
  });
  expect(r.status).toBe(200);
  return r.body.id as number;
}

export function sourceCities(): { name: string; coordinates: [number, number] }[] {
  const fc = JSON.parse(require("node:fs").readFileSync(CITIES, "utf8"));
  return fc.features.map((f: any) => ({
    name: f.properties.name,
    coordinates: f.geometry.coordinates,
  }));
}

export function hasTool(name: string): boolean {
  return Bun.which(name) !== null;
}
