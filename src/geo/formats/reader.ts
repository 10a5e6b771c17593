/**
 * @module openVectorFile: detects a file's format (magic bytes first, then the extension),
 * unpacks zips safely into a temporary folder, and returns the format's streaming VectorReader.
 */
import { mkdtemp, open, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { openCsv } from "./csv-reader.ts";
import { FormatError } from "./errors.ts";
import { openFgb } from "./fgb-reader.ts";
import { openGeoJson } from "./geojson-reader.ts";
import { openGpkg } from "./gpkg-reader.ts";
import { openKml } from "./kml-reader.ts";
import { openShapefile } from "./shapefile-reader.ts";
import type { ReadOptions, VectorReader } from "./source.ts";
import { extractZip } from "./zip.ts";

export type {
  FeatureReadOptions,
  ReaderInfo,
  ReadFeature,
  ReadOptions,
  VectorReader,
} from "./source.ts";

type Kind = "zip" | "shp" | "geojson" | "csv" | "gpkg" | "fgb" | "kml";

const EXT: Record<string, Kind> = {
  zip: "zip",
  kmz: "zip",
  shp: "shp",
  geojson: "geojson",
  json: "geojson",
  geojsonl: "geojson",
  geojsons: "geojson",
  geojsonseq: "geojson",
  ndjson: "geojson",
  csv: "csv",
  txt: "csv",
  tsv: "csv",
  gpkg: "gpkg",
  fgb: "fgb",
  kml: "kml",
};

async function sniff(path: string): Promise<Kind | null> {
  const fh = await open(path, "r");
  let head: Uint8Array;
  try {
    head = new Uint8Array(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const ascii = new TextDecoder("latin1").decode(head);
  if (ascii.startsWith("PK\x03\x04") || ascii.startsWith("PK\x05\x06")) return "zip";
  if (ascii.startsWith("SQLite format 3\0")) return "gpkg";
  if (ascii.startsWith("fgb\x03")) return "fgb";
  if (head.length >= 4 && new DataView(head.buffer, head.byteOffset).getInt32(0, false) === 9994)
    return "shp";
  const t = ascii.replace(/^\xef\xbb\xbf/, "").trimStart();
  if (t.startsWith("{") || t.startsWith("\x1e")) return "geojson";
  if (t.startsWith("<") && /<kml[\s>]/.test(ascii)) return "kml";
  return null;
}

function kindOf(name: string): Kind | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(name);
  return m ? EXT[m[1]!.toLowerCase()] : undefined;
}

/** Single-layer formats name their layer after the file, as GDAL does. */
async function openKind(kind: Kind, path: string, opts: ReadOptions): Promise<VectorReader> {
  const r = await openFormat(kind, path, opts);
  if (kind === "shp" || kind === "gpkg") return r;
  const stem = basename(path).replace(/\.[^.]*$/, "");
  return { ...r, layers: [stem], layer: stem };
}

async function openFormat(kind: Kind, path: string, opts: ReadOptions): Promise<VectorReader> {
  switch (kind) {
    case "shp":
      return openShapefile(path, opts);
    case "geojson":
      return openGeoJson(path);
    case "csv":
      return openCsv(path, opts);
    case "gpkg":
      return openGpkg(path, opts);
    case "fgb":
      return openFgb(path);
    case "kml":
      return openKml(path);
    case "zip":
      throw new FormatError("a zip inside a zip is not accepted");
  }
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    if (name === "__MACOSX" || name.startsWith("._")) continue;
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await listFiles(p, `${prefix}${name}/`)));
    else out.push(`${prefix}${name}`);
  }
  return out.sort();
}

/** Picks the dataset inside an unpacked zip: shapefiles (one layer each) first, then others. */
async function openUnpacked(dir: string, opts: ReadOptions): Promise<VectorReader> {
  const files = await listFiles(dir);
  const shps = files.filter((f) => kindOf(f) === "shp");
  if (shps.length > 0) {
    const names = shps.map((f) => basename(f).replace(/\.shp$/i, ""));
    const pick = opts.sourceLayer === undefined ? 0 : names.indexOf(opts.sourceLayer);
    if (pick < 0) throw new FormatError(`the zip has no shapefile layer "${opts.sourceLayer}"`);
    const r = await openShapefile(join(dir, shps[pick]!), opts);
    return { ...r, layers: names };
  }
  const data = files.filter((f) => {
    const k = kindOf(f);
    return k && k !== "zip" && !/\.(txt|json)$/i.test(f);
  });
  const loose = data.length ? data : files.filter((f) => /\.(json|txt)$/i.test(f));
  if (loose.length === 0)
    throw new FormatError("the zip holds no vector data file (shp, geojson, csv, gpkg, fgb, kml)");
  if (loose.length > 1 && files.some((f) => /\.shx$|\.dbf$/i.test(f))) {
    throw new FormatError("the zip holds a .shx/.dbf without its .shp");
  }
  const first = loose[0]!;
  return openKind(kindOf(first)!, join(dir, first), opts);
}

/**
 * Opens a vector file of any supported format. Zips are unpacked into a fresh folder under
 * `opts.tmpDir` (default the OS temp folder), removed again by `close()` or on failure.
 */
export async function openVectorFile(path: string, opts: ReadOptions = {}): Promise<VectorReader> {
  const kind = (await sniff(path)) ?? kindOf(path);
  if (!kind)
    throw new FormatError(
      "unrecognized file format (expected zip, shp, geojson, csv, gpkg, fgb or kml)",
    );
  if (kind !== "zip") return openKind(kind, path, opts);
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), "gisd-unzip-"));
  try {
    await extractZip(path, dir);
    const r = await openUnpacked(dir, opts);
    return {
      ...r,
      close: async () => {
        await r.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
