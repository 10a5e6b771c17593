/**
 * @module Hostile inputs as fast-check arbitraries: path values (traversal, encodings, numbers
 * out of range), query parameters (SQL metacharacters in filters, sorts and field lists), and
 * request bodies (wrong JSON types, deep nesting, oversized, invalid UTF-8, XXE and billion
 * laughs, zip slip and zip bombs, SSRF URLs). Every traversal aims at a canary file name so the
 * suite can prove afterwards that nothing was created outside the data folder.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { zipSync } from "fflate";

/**
 * The port of a loopback listener the suite runs: SSRF targets include it, so a fetch the
 * server should have refused shows up as a hit there (no traffic leaves the machine).
 */
const canaryHits: string[] = [];
const canary = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    canaryHits.push(`${req.method} ${req.url}`);
    return new Response("<StyledLayerDescriptor/>", { headers: { "Content-Type": "text/xml" } });
  },
});
export const ssrfCanary = {
  port: canary.port!,
  /** Requests the canary received: each one is a fetch the server made for an attacker. */
  hits: () => [...canaryHits],
  stop: () => canary.stop(true),
};

/** Every file a traversal tries to create carries this prefix; none may ever exist. */
export const CANARY = "gisd-sec-canary";

const TRAVERSALS = [
  `../${CANARY}`,
  `../../../../../../tmp/${CANARY}`,
  "../../../../../../etc/passwd",
  "..%2f..%2f..%2f..%2fetc%2fpasswd",
  "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "%252e%252e%252fetc%252fpasswd",
  "..%5c..%5c..%5cwindows%5cwin.ini",
  "....//....//etc/passwd",
  "%c0%ae%c0%ae%2fetc%2fpasswd",
  `..%2f..%2f..%2f..%2ftmp%2f${CANARY}`,
  "/etc/passwd",
  "%2fetc%2fpasswd",
  "file:%2f%2f%2fetc%2fpasswd",
  "%00",
  "a%00.json",
  "..",
  ".",
  "%2e%2e",
];

const NUMBERS = [
  "-1",
  "0",
  "-0",
  "99999999999999999999999",
  "9007199254740993",
  "1e308",
  "-1e308",
  "1e-308",
  "NaN",
  "Infinity",
  "-Infinity",
  "0x1F",
  "1.5",
  " 1",
  "1 ",
  "+1",
  "1e3",
  "0b1",
  "١٢",
];

/** Fragments that break out of SQL, filters and field lists if anything concatenates them. */
export const SQL_META = [
  "' OR '1'='1",
  "1; DROP TABLE resource; --",
  '" OR 1=1 --',
  "x') UNION SELECT password_hash FROM principal --",
  "name; DELETE FROM principal",
  "`id`",
  "[id]",
  "id DESC, (SELECT 1)",
  "-id,--",
  "geom/**/",
  "%",
  "_",
  "\\",
  "*",
  "1=1",
  "name\u0000",
  "sqlite_master",
  "load_extension('x')",
];

const STRANGE = [
  "",
  " ",
  "%",
  "%zz",
  "%ff%fe",
  "%ed%a0%80",
  "{}",
  "[]",
  "null",
  "undefined",
  "true",
  "<script>alert(1)</script>",
  "$" + "{7*7}",
  "__proto__",
  "constructor",
  "\u202e\u0000",
  "ｘ",
  "😀",
];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const long = fc.integer({ min: 1, max: 3 }).map((k) => "a".repeat(10 ** (k + 2)));

/**
 * A value for one path segment, already in URL form (may contain raw % sequences on purpose).
 * Plain small integers are left out: they are real ids, and an administrator's DELETE of a
 * real id is a valid request, not an attack.
 */
export const pathValue: fc.Arbitrary<string> = fc
  .oneof(
    pick(TRAVERSALS),
    pick(NUMBERS).map(encodeURIComponent),
    pick(SQL_META).map(encodeURIComponent),
    pick(STRANGE).map((s) => (s.includes("%") ? s : encodeURIComponent(s))),
    long,
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
    fc.integer().map(String),
    fc.double().map(String),
  )
  .filter((v) => !/^[1-9]\d{0,8}$/.test(v));

/** A query-string value (raw; the caller encodes it unless `raw` asks for invalid escapes). */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  pick(NUMBERS),
  pick(SQL_META),
  pick(STRANGE),
  pick(TRAVERSALS),
  pick(SSRF_URLS()),
  long,
  fc.string({ maxLength: 30 }),
  fc.double().map(String),
  fc.constantFrom(
    "-180,-90,180,90,1",
    "1,2,3",
    "NaN,NaN,NaN,NaN",
    "1e308,1e308,-1e308,-1e308",
    "POINT(1 1",
    "POLYGON((0 0,1 1,0 0))",
    "GEOMETRYCOLLECTION(" + "POINT(0 0),".repeat(2000) + "POINT(0 0))",
  ),
);

/** SSRF targets: loopback, link-local metadata, private ranges, other schemes. */
export function SSRF_URLS(): string[] {
  return [
    `http://127.0.0.1:${ssrfCanary.port}/ssrf.sld`,
    `http://localhost:${ssrfCanary.port}/ssrf.png`,
    "http://127.0.0.1:1/x.sld",
    "http://localhost/",
    "http://[::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/",
    "http://10.0.0.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:25/",
    "ftp://127.0.0.1/",
    "jar:file:///etc/passwd!/",
    "http://user@127.0.0.1/",
  ];
}

// Query parameters: the names handlers read (found in the source, so new faces are covered),
// plus the names clients commonly send (NGW feature filters, OGC KVP, paging, sorting).
export const COMMON_PARAMS = [
  "limit",
  "offset",
  "page",
  "page_size",
  "bbox",
  "bbox-crs",
  "crs",
  "srs",
  "order_by",
  "sort",
  "sortby",
  "filter",
  "filter-lang",
  "fields",
  "properties",
  "fld_name",
  "fld_name__like",
  "fld_name__ilike",
  "fld_name__in",
  "fld_id__gt",
  "fld_name__eq",
  "like",
  "ilike",
  "intersects",
  "geom",
  "extensions",
  "format",
  "f",
  "zipped",
  "z",
  "x",
  "y",
  "resource",
  "datetime",
  "SERVICE",
  "REQUEST",
  "VERSION",
  "LAYERS",
  "STYLES",
  "BBOX",
  "WIDTH",
  "HEIGHT",
  "SRS",
  "CRS",
  "FORMAT",
  "FILTER",
  "CQL_FILTER",
  "TYPENAME",
  "TYPENAMES",
  "PROPERTYNAME",
  "SORTBY",
  "COUNT",
  "MAXFEATURES",
  "SLD",
  "SLD_BODY",
  "url",
  "search",
  "search_fields",
  "filter{title}",
  "filter{title.icontains}",
  "sort[]",
];

/** Names read through c.req.query/param, flag(), q() … anywhere under src/faces and src/web. */
export function discoveredParams(root = "src"): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) {
        const text = readFileSync(p, "utf8");
        for (const m of text.matchAll(
          /\b(?:query|queries|flag|q|param|get|getAll)\(\s*"([A-Za-z_][\w.{}[\]-]{0,40})"/g,
        ))
          names.add(m[1]!);
      }
    }
  };
  for (const d of ["faces", "web"]) {
    try {
      walk(join(root, d));
    } catch {
      // folder not there (yet)
    }
  }
  return [...names];
}

export function queryArb(names: string[]): fc.Arbitrary<[string, string][]> {
  return fc.array(fc.tuple(pick(names), queryValue), { minLength: 1, maxLength: 4 });
}

// --- bodies ---------------------------------------------------------------------------------

export interface Body {
  /** Short label for failure reports. */
  kind: string;
  contentType?: string;
  data: BodyInit;
  /**
   * The body may be a valid request for some route (an object with unknown keys is an empty
   * feature; an SLD with an external graphic is a style): an administrator may write with it.
   */
  mayBeValid?: boolean;
}

export const XML_BOMBS: Body[] = [
  {
    kind: "xxe-file",
    contentType: "application/xml",
    data: `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`,
  },
  {
    kind: "xxe-ssrf",
    contentType: "application/vnd.ogc.sld+xml",
    data: `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "http://169.254.169.254/">]><StyledLayerDescriptor>&x;</StyledLayerDescriptor>`,
  },
  {
    kind: "billion-laughs",
    contentType: "text/xml",
    data: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`,
    ).join("")}]><lolz>&lol9;</lolz>`,
  },
  {
    kind: "xml-deep",
    contentType: "application/xml",
    data: `${"<a>".repeat(20000)}${"</a>".repeat(20000)}`,
  },
  {
    kind: "xml-external-graphic",
    contentType: "application/vnd.ogc.sld+xml",
    mayBeValid: true,
    data: `<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.0.0"><NamedLayer><Name>x</Name><UserStyle><FeatureTypeStyle><Rule><PointSymbolizer><Graphic><ExternalGraphic><OnlineResource xlink:href="http://127.0.0.1:${ssrfCanary.port}/graphic.png"/><Format>image/png</Format></ExternalGraphic></Graphic></PointSymbolizer></Rule></FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>`,
  },
];

function zipBody(kind: string, files: Record<string, Uint8Array>): Body {
  return { kind, contentType: "application/zip", data: zipSync(files, { level: 9 }) };
}

export const ZIPS: Body[] = [
  zipBody("zip-slip", {
    [`../../../../../../tmp/${CANARY}.shp`]: new Uint8Array(100),
    [`../${CANARY}.dbf`]: new Uint8Array(10),
  }),
  zipBody("zip-absolute", { [`/tmp/${CANARY}.geojson`]: new TextEncoder().encode("{}") }),
  // 64 MiB of zeros in about 64 KB (ratio ~1000): must be refused by ratio, not inflated.
  zipBody("zip-bomb", { "a.geojson": new Uint8Array(64 * 1024 * 1024) }),
  zipBody(
    "zip-many-entries",
    Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`f${i}.txt`, new Uint8Array(0)])),
  ),
  { kind: "zip-truncated", contentType: "application/zip", data: new Uint8Array([80, 75, 3, 4]) },
];

function deepJson(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

function deepObject(depth: number): string {
  return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** Bodies that are always hostile whatever the route: they never form a valid write. */
export function fixedBodies(maxBody: number): Body[] {
  const json = "application/json";
  return [
    { kind: "json-deep-array", contentType: json, data: deepJson(100_000) },
    { kind: "json-deep-object", contentType: json, data: deepObject(100_000) },
    { kind: "json-truncated", contentType: json, data: '{"resource": {' },
    {
      kind: "json-invalid-utf8",
      contentType: json,
      data: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    },
    {
      // Over GISD_MAX_BODY, which the suite sets to 1 MiB; a face with a limit of its own
      // (GeoServer REST documents: 16 MiB) may accept it, so it may be a valid write there.
      kind: "json-oversized",
      contentType: json,
      mayBeValid: true,
      data: `{"x":"${"a".repeat(maxBody + 1024)}"}`,
    },
    {
      kind: "json-number-huge",
      contentType: json,
      data: `{"id": 1e999, "limit": -1e999}`,
      mayBeValid: true,
    },
    {
      kind: "json-proto",
      contentType: json,
      mayBeValid: true,
      data: '{"__proto__": {"superuser": true}, "constructor": {"prototype": {"admin": 1}}}',
    },
    {
      kind: "form-invalid-utf8",
      contentType: "application/x-www-form-urlencoded",
      data: "login=%ff%fe&password=%c0%ae",
    },
    {
      kind: "multipart-bad-boundary",
      contentType: "multipart/form-data; boundary=zz",
      data: '--zz\r\nContent-Disposition: form-data; name="file"; filename="../../x"\r\n\r\nabc',
    },
    ...XML_BOMBS,
    ...ZIPS,
  ];
}

/** Generated JSON bodies: wrong types for the fields faces read, and arbitrary JSON. */
export const jsonBody: fc.Arbitrary<Body> = fc
  .oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.record({
      resource: fc.oneof(
        fc.constant(null),
        fc.integer(),
        fc.string(),
        fc.record({
          cls: fc.oneof(fc.integer(), fc.constant("../x"), fc.constant("nope")),
          parent: fc.oneof(fc.constant({ id: -1 }), fc.constant({ id: "0" }), fc.constant(null)),
          display_name: fc.oneof(fc.integer(), fc.constant(""), fc.constant(null)),
        }),
      ),
    }),
    fc.record({
      geom: fc.oneof(fc.integer(), fc.constant("POINT(1e999 NaN)"), fc.constant("LINESTRING(0 0)")),
      fields: fc.oneof(fc.constant([]), fc.constant({ "x'; DROP TABLE principal; --": 1 })),
    }),
    fc.record({
      login: fc.oneof(fc.integer(), fc.constant(null), fc.constant({})),
      password: fc.oneof(fc.integer(), fc.constant([])),
    }),
    fc.record({
      url: pick(SSRF_URLS()),
      href: pick(SSRF_URLS()),
      style: fc.record({ url: pick(SSRF_URLS()) }),
    }),
  )
  .map((v) => ({
    kind: "json-generated",
    contentType: "application/json",
    data: JSON.stringify(v),
    mayBeValid: true,
  }));
