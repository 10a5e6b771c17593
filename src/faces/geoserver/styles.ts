/**
 * @module /styles and /workspaces/{ws}/styles: SLD 1.0 / SE 1.1 bodies (kept byte-exact, parsed
 * only to validate and find a name, DTDs refused), zips with icons, the two-step StyleInfo +
 * body flow, `raw`, `purge`, `recurse`, and the five built-ins. PUT decides the body type from
 * Content-Type, never from the URL extension (clients PUT SLD to `s.xml`).
 */
import { unzipSync } from "fflate";
import { zipEntries } from "../../catalog/geoserver/imports.ts";
import type { Workspace } from "../../catalog/geoserver/model.ts";
import type { Style, StyleBody } from "../../catalog/geoserver/styles.ts";
import { child, parseXmlSafe, path, type XmlElement } from "../../geo/xml.ts";
import { badRequest, GsError } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { Link, listDoc, type Obj } from "./represent.ts";
import { created, empty, enc, type GsReq, ok } from "./request.ts";
import { asObj, asText, parseBody } from "./xml.ts";

const SLD10 = "application/vnd.ogc.sld+xml";
const SE11 = "application/vnd.ogc.se+xml";
const ZIPS = ["application/zip", "multipart/x-zip", "application/x-zip-compressed"];
const MAX_ICONS = 8 * 1024 * 1024;

export function stylePath(s: Style): string {
  return s.ws ? `/workspaces/${enc(s.ws.name)}/styles/${enc(s.name)}` : `/styles/${enc(s.name)}`;
}

function mimeOf(r: GsReq): string {
  return r.contentType.split(";")[0]!.trim().toLowerCase();
}

/** Validates an SLD/SE document with the guarded reader; returns the style name it declares. */
export function checkSld(bytes: Uint8Array): { name?: string; version: string } {
  let root: XmlElement;
  try {
    root = parseXmlSafe(bytes);
  } catch (err) {
    throw badRequest(`Invalid style: ${(err as Error).message}`);
  }
  if (root.name !== "StyledLayerDescriptor")
    throw badRequest("Invalid style: not a StyledLayerDescriptor");
  const layer = child(root, "NamedLayer") ?? child(root, "UserLayer");
  const name = path(layer, "UserStyle", "Name")?.text.trim() || child(layer, "Name")?.text.trim();
  return { name: name || undefined, version: root.attrs.version ?? "1.0.0" };
}

/** The style body of a request: SLD/SE bytes, or a zip with one .sld and its icons. */
function readStyleBody(
  r: GsReq,
  bytes: Uint8Array,
  raw: boolean,
): StyleBody & { declared?: string } {
  const mime = mimeOf(r);
  if (ZIPS.includes(mime)) {
    zipEntries(bytes);
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(bytes);
    } catch {
      throw badRequest("Invalid zip archive");
    }
    const sldName = Object.keys(files).find((n) => /\.sld$/i.test(n));
    if (!sldName) throw new GsError(403, "No sld file provided:");
    const icons: Record<string, string> = {};
    let total = 0;
    for (const [n, b] of Object.entries(files)) {
      if (n === sldName || n.endsWith("/")) continue;
      total += b.length;
      if (total > MAX_ICONS) throw badRequest("Style archive is too large");
      icons[n.split("/").pop()!] = Buffer.from(b).toString("base64");
    }
    const sld = files[sldName]!;
    const info = checkSld(sld);
    return { bytes: sld, format: "sld", version: info.version, icons, declared: info.name };
  }
  if (mime === SLD10 || mime === SE11 || mime === "application/xml" || mime === "text/xml") {
    const text = new TextDecoder().decode(bytes);
    if (/<!DOCTYPE|<!ENTITY/i.test(text))
      throw badRequest("Invalid style: DOCTYPE and entities are not allowed");
    if (raw) return { bytes, format: "sld", version: mime === SE11 ? "1.1.0" : "1.0.0" };
    const info = checkSld(bytes);
    return {
      bytes,
      format: "sld",
      version: mime === SE11 ? "1.1.0" : info.version,
      declared: info.name,
    };
  }
  throw new GsError(415, `Unsupported style format: ${mime || "none"}`);
}

export function styleHandlers({ gs }: GsDeps) {
  const S = gs.styles;
  const wsOf = async (r: GsReq): Promise<Workspace | null> =>
    r.params.ws === undefined
      ? null
      : gs.workspaces.get(r.actor, r.params.ws, `Workspace ${r.params.ws} not found`);
  const styleOf = async (r: GsReq) => S.get(r.actor, await wsOf(r), r.params.s!);
  const infoObj = (_r: GsReq, s: Style): Obj => ({
    name: s.name,
    workspace: s.ws ? { name: s.ws.name } : undefined,
    format: s.format,
    languageVersion: { version: s.version },
    filename: s.filename,
    dateCreated: undefined,
  });
  const isInfo = (r: GsReq) =>
    /json|^application\/xml|^text\/xml/.test(mimeOf(r)) && !/sld|se\+xml/.test(mimeOf(r));
  return {
    async list(r: GsReq) {
      const all = await S.list(r.actor, await wsOf(r));
      return ok(
        r,
        listDoc(
          "styles",
          "style",
          all.map((s) => ({ name: s.name, link: new Link(r.base, stylePath(s)) })),
        ),
      );
    },
    async create(r: GsReq) {
      const ws = await wsOf(r);
      if (isInfo(r) && !(await r.text()).includes("StyledLayerDescriptor")) {
        const o = asObj(parseBody(await r.text(), r.contentType).style);
        const name = asText(o.name) ?? r.query("name");
        if (!name) throw badRequest("Style name is required");
        const s = await S.create(r.actor, ws, name, {
          filename: asText(o.filename),
          format: asText(o.format),
        });
        return new Response(s.name, { status: 201, headers: { "Content-Type": "text/plain" } });
      }
      const body = readStyleBody(r, await r.bytes(), r.flag("raw"));
      const name = r.query("name") ?? body.declared ?? `style-${Date.now().toString(36)}`;
      const s = await S.create(r.actor, ws, name, { filename: `${name}.sld` }, body);
      return created(r, stylePath(s), s.name);
    },
    async get(r: GsReq) {
      const s = await styleOf(r);
      const accept = (r.c.req.header("accept") ?? "").toLowerCase();
      if (r.ext === "sld" || (!r.ext && (accept.includes(SLD10) || accept.includes(SE11)))) {
        const b = await S.body(s);
        return new Response(b.bytes as Uint8Array<ArrayBuffer>, {
          headers: { "Content-Type": b.version === "1.1.0" ? SE11 : SLD10 },
        });
      }
      return ok(r, { style: infoObj(r, s) });
    },
    async update(r: GsReq) {
      const s = await styleOf(r);
      if (isInfo(r)) {
        const o = asObj((await r.body()).style);
        await S.updateInfo(r.actor, s, { name: asText(o.name), filename: asText(o.filename) });
        return empty();
      }
      const body = readStyleBody(r, await r.bytes(), r.flag("raw"));
      await S.setBody(r.actor, s, body);
      return empty();
    },
    async remove(r: GsReq) {
      const ws = await wsOf(r);
      const s = await S.find(r.actor, ws, r.params.s!);
      if (!s) throw new GsError(404, `Style ${r.params.s} not found`);
      const users = await S.users(s);
      await S.remove(r.actor, s, r.flag("recurse"));
      for (const id of users) {
        const p = await gs.layers.byId(r.actor, id);
        if (p) await gs.syncDefaultStyle(r.actor, p);
      }
      return empty();
    },
  };
}
