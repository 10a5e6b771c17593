/**
 * @module Generates gisd's EPSG table (src/geo/srs/generated/) from PROJ's proj.db and projinfo
 * (Debian proj-bin/libproj, installed with gdal-bin): for every non-deprecated EPSG geographic 2D
 * and projected CRS, a proj4 string (with +towgs84 from the widest-area Helmert transformation to
 * WGS 84, as GDAL's exportToProj4 did), its EPSG and ESRI names, and its ESRI WKT (for .prj).
 * UTM families are also built programmatically and checked against PROJ's output. Every
 * definition is checked with proj4js (round trip at the centre of its area of use); those
 * proj4js cannot handle are dropped and listed.
 *
 * Run: bun scripts/gen-epsg.ts   (takes about a minute)
 */
import { Database } from "bun:sqlite";
import { gzipSync } from "node:zlib";
import proj4 from "proj4";

const PROJ_DB = process.env.PROJ_DB ?? "/usr/share/proj/proj.db";
const OUT = new URL("../src/geo/srs/generated/", import.meta.url).pathname;
const db = new Database(PROJ_DB, { readonly: true });

interface Crs {
  code: number;
  name: string;
  base: number;
  bbox: [number, number, number, number] | null;
}

const extentSql = `(select e.west_lon || ',' || e.south_lat || ',' || e.east_lon || ',' || e.north_lat
  from usage u join extent e on e.auth_name = u.extent_auth_name and e.code = u.extent_code
  where u.object_table_name = ? and u.object_auth_name = 'EPSG' and u.object_code = c.code limit 1)`;

function rows(table: string, baseCol: string, where: string): Crs[] {
  const q = db.query(
    `select c.code, c.name, ${baseCol} as base, ${extentSql} as ext from ${table} c
     where c.auth_name = 'EPSG' and c.deprecated = 0 ${where}`,
  );
  return (q.all(table) as { code: string; name: string; base: string; ext: string | null }[]).map(
    (r) => ({
      code: Number(r.code),
      name: r.name,
      base: Number(r.base),
      bbox: r.ext ? (r.ext.split(",").map(Number) as Crs["bbox"]) : null,
    }),
  );
}

const crsList = [
  ...rows("geodetic_crs", "c.code", "and c.type = 'geographic 2D'"),
  ...rows("projected_crs", "c.geodetic_crs_code", "and c.geodetic_crs_auth_name = 'EPSG'"),
];

// ---- +towgs84 from the Helmert transformation with the widest area of use ----------------------

const ROT: Record<string, number> = {
  "9104": 1,
  "9101": 648000 / Math.PI,
  "9109": 0.648 / Math.PI,
  "9113": 0.001,
  "1031": 0.001,
};
const SCALE: Record<string, number> = { "9202": 1, "1028": 0.001 };
const TRANS: Record<string, number> = { "9001": 1, "1025": 0.001 };

const helmerts = db
  .query(
    `select h.code, h.source_crs_code src, cast(h.method_code as text) m, h.tx, h.ty, h.tz, h.rx, h.ry, h.rz,
       h.scale_difference s, h.translation_uom_code tu, h.rotation_uom_code ru,
       h.scale_difference_uom_code su, h.accuracy acc,
       (select (e.north_lat - e.south_lat) * (case when e.east_lon >= e.west_lon
          then e.east_lon - e.west_lon else 360 + e.east_lon - e.west_lon end)
        from usage u join extent e on e.auth_name = u.extent_auth_name and e.code = u.extent_code
        where u.object_table_name = 'helmert_transformation' and u.object_code = h.code limit 1) area
     from helmert_transformation_table h
     where h.deprecated = 0 and h.source_crs_auth_name = 'EPSG' and h.target_crs_auth_name = 'EPSG'
       and h.target_crs_code = '4326' and h.method_code in ('9603', '9606', '9607')`,
  )
  .all() as Record<string, string | number | null>[];

const towgs84 = new Map<number, { params: string; area: number; acc: number; code: number }>();
for (const h of helmerts) {
  const tu = TRANS[String(h.tu)];
  if (tu === undefined) continue;
  const t = [h.tx, h.ty, h.tz].map((v) => Number(v) * tu);
  let params = t;
  if (h.m !== "9603") {
    const ru = ROT[String(h.ru)];
    const su = SCALE[String(h.su)];
    if (ru === undefined || su === undefined) continue;
    // proj's +towgs84 uses the Position Vector convention; Coordinate Frame flips rotations.
    const sign = h.m === "9607" ? -1 : 1;
    const r = [h.rx, h.ry, h.rz].map((v) => sign * Number(v) * ru);
    params = [...t, ...r, Number(h.s) * su];
  }
  const cand = {
    params: params.map((v) => String(Number(v.toPrecision(12)))).join(","),
    area: Number(h.area ?? 0),
    acc: Number(h.acc ?? 999),
    code: Number(h.code),
  };
  // Fallback when PROJ offers no grid-free operation: widest area, then best accuracy.
  const cur = towgs84.get(Number(h.src));
  if (
    !cur ||
    cand.area > cur.area + 1e-9 ||
    (Math.abs(cand.area - cur.area) < 1e-9 && cand.acc < cur.acc)
  ) {
    towgs84.set(Number(h.src), cand);
  }
}

// ---- projinfo, in parallel ----------------------------------------------------------------------

async function projinfo(code: number, format: string): Promise<string | null> {
  const p = Bun.spawn(["projinfo", "-q", "--single-line", "-o", format, `EPSG:${code}`], {
    stdout: "pipe",
    stderr: "ignore",
  });
  const out = (await new Response(p.stdout).text()).trim();
  return (await p.exited) === 0 && out ? out : null;
}

async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await f(items[i++]!);
    }),
  );
}

function cleanProj(s: string): string {
  return s
    .replace(/\s*\+type=crs/, "")
    .replace(/\s*\+no_defs/, "")
    .trim();
}

/**
 * The Helmert PROJ itself ranks first among grid-free operations base -> WGS 84 (its ranking
 * weighs more than area and accuracy), as +towgs84 parameters (Position Vector convention).
 */
async function projHelmert(base: number): Promise<string | null> {
  const p = Bun.spawn(
    [
      "projinfo",
      "-s",
      `EPSG:${base}`,
      "-t",
      "EPSG:4326",
      "-o",
      "PROJ",
      "--single-line",
      "--hide-ballpark",
      "--spatial-test",
      "intersects",
    ],
    { stdout: "pipe", stderr: "ignore" },
  );
  const out = await new Response(p.stdout).text();
  await p.exited;
  for (const line of out.split("\n")) {
    if (!line.startsWith("+proj=pipeline") || /grids=|molodensky|deformation|t_epoch/.test(line))
      continue;
    const steps = line.split("+step").filter((st) => st.includes("proj=helmert"));
    if (steps.length !== 1) continue;
    const st = steps[0]!;
    const num = (k: string) => Number(new RegExp(`\\+${k}=(\\S+)`).exec(st)?.[1] ?? 0);
    const inv = /\+inv/.test(st) ? -1 : 1;
    const cf = /convention=coordinate_frame/.test(st) ? -1 : 1;
    const v = [num("x"), num("y"), num("z")].map((x) => x * inv);
    if (/\+rx=/.test(st))
      v.push(...[num("rx"), num("ry"), num("rz")].map((x) => x * inv * cf), num("s") * inv);
    return v.map((x) => String(Number(x.toPrecision(12)))).join(",");
  }
  return null;
}

const picked = new Map<number, string>();

function withTowgs84(def: string, base: number): string {
  if (/\+(datum|towgs84|nadgrids)=/.test(def)) return def;
  const proj = picked.get(base);
  if (proj) return def.replace(/(\s\+units=|$)/, ` +towgs84=${proj}$1`);
  const t = towgs84.get(base);
  if (!t) return def;
  return def.replace(/(\s\+units=|$)/, ` +towgs84=${t.params}$1`);
}

/** Round trip at the centre of the area of use: proj4js must reproduce the point. */
function proj4Works(def: string, bbox: Crs["bbox"]): boolean {
  try {
    const c = proj4(def);
    const lon = bbox ? (bbox[0] <= bbox[2] ? (bbox[0] + bbox[2]) / 2 : bbox[0]) : 0;
    const lat = bbox ? (bbox[1] + bbox[3]) / 2 : 0;
    const t = proj4("EPSG:4326", def);
    const xy = t.forward([lon, lat]);
    if (!xy.every(Number.isFinite)) return false;
    const back = t.inverse(xy);
    return Math.abs(back[0]! - lon) < 1e-6 && Math.abs(back[1]! - lat) < 1e-6 && c !== null;
  } catch {
    return false;
  }
}

// ---- UTM families, built from their definition -------------------------------------------------

function utmFamilies(): Map<number, string> {
  const m = new Map<number, string>();
  for (let z = 1; z <= 60; z++) {
    m.set(32600 + z, `+proj=utm +zone=${z} +datum=WGS84 +units=m`);
    m.set(32700 + z, `+proj=utm +zone=${z} +south +datum=WGS84 +units=m`);
  }
  for (let z = 1; z <= 23; z++) m.set(26900 + z, `+proj=utm +zone=${z} +datum=NAD83 +units=m`);
  for (let z = 28; z <= 38; z++) m.set(25800 + z, `+proj=utm +zone=${z} +ellps=GRS80 +units=m`);
  return m;
}

const defs: Record<string, [string, string, string?]> = {};
const esriWkt: Record<string, string> = {};
const dropped: string[] = [];
const esriNames = new Map<number, string>();
for (const r of db
  .query(
    "select code, alt_name from alias_name where auth_name = 'EPSG' and source = 'ESRI' and table_name in ('projected_crs', 'geodetic_crs')",
  )
  .all() as { code: string; alt_name: string }[]) {
  esriNames.set(Number(r.code), r.alt_name);
}

await pool([...new Set(crsList.map((c) => c.base))], 16, async (base) => {
  const h = await projHelmert(base);
  if (h) picked.set(base, h);
});

await pool(crsList, 16, async (c) => {
  const p = await projinfo(c.code, "PROJ");
  if (!p) return void dropped.push(`${c.code} ${c.name}: no PROJ string`);
  const def = withTowgs84(cleanProj(p), c.base);
  if (!proj4Works(def, c.bbox))
    return void dropped.push(`${c.code} ${c.name}: proj4js fails: ${def}`);
  const esri = esriNames.get(c.code);
  defs[c.code] = esri && esri !== c.name ? [def, c.name, esri] : [def, c.name];
  const wkt = await projinfo(c.code, "WKT1_ESRI");
  if (wkt) esriWkt[c.code] = wkt;
});

let mismatches = 0;
const normal = (d: string) =>
  d.replace("+datum=NAD83", "+ellps=GRS80").replace(" +towgs84=0,0,0,0,0,0,0", "");
for (const [code, def] of utmFamilies()) {
  const got = defs[code]?.[0];
  // A zone PROJ does not list (e.g. deprecated) is filled from the family definition.
  if (got === undefined) defs[code] = [def, `UTM zone (generated family) EPSG:${code}`];
  else if (normal(got) !== normal(def)) {
    mismatches++;
    console.warn(`UTM family check: EPSG:${code} built '${def}' but PROJ says '${got}'`);
  }
}

const sorted = Object.fromEntries(Object.entries(defs).sort((a, b) => Number(a[0]) - Number(b[0])));
await Bun.write(`${OUT}epsg.json`, `${JSON.stringify(sorted)}\n`);
// ESRI WKT is only needed for .prj output: kept gzipped (base64 in a JSON string) and inflated
// on first use, so 5,000 WKT strings cost ~170 KB of binary, not 2 MB of heap at start.
const gz = gzipSync(JSON.stringify(esriWkt), { level: 9 });
await Bun.write(`${OUT}esri-wkt.json`, `${JSON.stringify(gz.toString("base64"))}\n`);
console.log(
  `${Object.keys(defs).length} definitions, ${Object.keys(esriWkt).length} ESRI WKT, ` +
    `${dropped.length} dropped, ${mismatches} UTM family mismatches`,
);
await Bun.write(`${OUT}dropped.txt`, `${dropped.sort().join("\n")}\n`);
