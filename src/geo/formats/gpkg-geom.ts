/**
 * @module GeoPackage geometry blobs (GPKG spec §2.1.3): the "GP" header with its flags (byte
 * order, envelope type 0-4, empty flag), srs id and envelope, followed by standard WKB.
 */
import type { Geometry } from "../geometry/types.ts";
import { decodeWkb, encodeWkb } from "../geometry/wkb.ts";
import { envelope } from "./geom-util.ts";

const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

/** Decodes a GPKG blob; null for the empty flag. Throws Error with the reason. */
export function decodeGpkgGeometry(blob: Uint8Array): Geometry | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50)
    throw new Error("not a GeoPackage geometry blob");
  const flags = blob[3]!;
  const envType = (flags >> 1) & 7;
  if (envType > 4) throw new Error(`bad GeoPackage envelope type ${envType}`);
  if (flags & 0x10) return null;
  const start = 8 + ENVELOPE_BYTES[envType]!;
  if (blob.length < start + 5) throw new Error("GeoPackage geometry blob is truncated");
  return decodeWkb(blob.subarray(start));
}

/** Encodes a GPKG blob with an XY envelope (little-endian), as GDAL writes them. */
export function encodeGpkgGeometry(g: Geometry, srsId: number): Uint8Array {
  const wkb = encodeWkb(g);
  const env = envelope(g);
  const head = new Uint8Array(8 + (env ? 32 : 0));
  const dv = new DataView(head.buffer);
  head[0] = 0x47;
  head[1] = 0x50;
  head[2] = 0; // version 1
  head[3] = 1 | (env ? 2 : 0x10); // little-endian; envelope type 1, or the empty flag
  dv.setInt32(4, srsId, true);
  if (env) {
    // GPKG orders the envelope minx, maxx, miny, maxy.
    dv.setFloat64(8, env[0], true);
    dv.setFloat64(16, env[2], true);
    dv.setFloat64(24, env[1], true);
    dv.setFloat64(32, env[3], true);
  }
  const out = new Uint8Array(head.length + wkb.length);
  out.set(head);
  out.set(wkb, head.length);
  return out;
}
