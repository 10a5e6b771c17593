/**
 * @module NGW feature API (reference/ngw.md §2.3): the feature collection (GET list, POST create,
 * PATCH batch, DELETE), feature items (GET, PUT, DELETE). Permissions are data.read/data.write;
 * every write runs in one transaction with the layer's version bump (catalog/features.ts).
 */
import type { Context } from "hono";
import { FeatureNotFound, ValidationError } from "../../catalog/errors.ts";
import {
  domainError,
  type EditContext,
  FeatureLayers,
  type OpenLayer,
} from "../../catalog/features.ts";
import type { Feature, FeatureInput, FeatureQuery } from "../../geo/sources/feature-source.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { dumpFeature, extensionsOf, loadFeature } from "./feature-io.ts";
import {
  type DumpParams,
  dumpParams,
  filterQuery,
  loadParams,
  orderOf,
  pagingOf,
  queryOf,
} from "./feature-params.ts";
import { readJson, resourceId } from "./params.ts";

type C = Context<Env>;
type Json = Record<string, unknown>;

/** Features dumped per step of a streamed list (extensions are read per chunk too). */
const CHUNK = 1000;

async function take(it: AsyncIterator<Feature>, n: number): Promise<Feature[]> {
  const out: Feature[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

/** A JSON array response written as its items are produced. */
function jsonArrayStream(
  first: Json[],
  next: () => Promise<Json[] | null>,
  cancel: () => unknown,
): Response {
  const enc = new TextEncoder();
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const items = started ? await next() : first;
      if (items === null) {
        ctrl.enqueue(enc.encode("]"));
        ctrl.close();
        return;
      }
      const text = items.map((x) => JSON.stringify(x)).join(",");
      ctrl.enqueue(enc.encode((started ? "," : "[") + text));
      started = true;
    },
    async cancel() {
      await cancel();
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/json" } });
}

/** Feature ids in paths are integers; anything else cannot name a feature. */
export function featureId(c: C, id: number): number {
  const v = c.req.param("fid") ?? "";
  if (!/^-?\d{1,15}$/.test(v)) throw new FeatureNotFound(id, v);
  return Number(v);
}

/** A JSON body when one is sent (GET with {"intersects": wkt}); undefined otherwise. */
export async function optionalBody(c: C, max: number): Promise<unknown> {
  if (!(c.req.header("content-type") ?? "").includes("json")) return undefined;
  return readJson(c, max, true);
}

/** The query fields a dump needs: requested ones plus the label field. */
function wanted(layer: OpenLayer, p: DumpParams): string[] {
  const keys = p.fields.map((f) => f.keyname);
  const lf = layer.fields.find((f) => f.labelField);
  if (p.label && lf && !keys.includes(lf.keyname)) keys.push(lf.keyname);
  return keys;
}

/** Wraps handlers so engine errors thrown while reading become NGW 4xx errors. */
export function guarded<T extends Record<string, (c: C) => Promise<Response>>>(handlers: T): T {
  const out: Record<string, (c: C) => Promise<Response>> = {};
  for (const [k, h] of Object.entries(handlers)) {
    out[k] = (c) =>
      h(c).catch((err) => {
        throw domainError(err, Number(c.req.param("id")));
      });
  }
  return out as T;
}

export function featureHandlers(app: AppContext) {
  const layers = new FeatureLayers(app.catalog);
  const max = app.config.maxJsonBody;

  async function dumpAll(layer: OpenLayer, feats: Feature[], p: DumpParams): Promise<Json[]> {
    const ext =
      p.extensions.length > 0
        ? await layers.readExtensions(
            layer,
            feats.map((f) => f.id),
            p.extensions,
          )
        : undefined;
    return feats.map((f) => dumpFeature(f, layer, p, ext?.get(f.id)));
  }

  async function writeOne(c: C, ctx: EditContext, fid: number | null, item: unknown) {
    const input = loadFeature(item, ctx.layer, loadParams(queryOf(c.req.url)));
    if (fid === null) [fid] = (await ctx.source.insert([input])) as [number];
    else if (!(await update(ctx, fid, input))) throw new FeatureNotFound(ctx.layer.row.id, fid);
    const ext = extensionsOf(item);
    if (ext) await layers.writeExtensions(c.get("actor"), ctx, fid, ext);
    return fid;
  }

  /** NGW skips the row update when nothing but extensions was sent; the feature must exist. */
  async function update(ctx: EditContext, fid: number, input: FeatureInput): Promise<boolean> {
    if (input.geom === undefined && Object.keys(input.fields).length === 0)
      return (await ctx.source.count({ fids: [fid] })) > 0;
    return ctx.source.update(fid, input);
  }

  return guarded({
    async list(c: C) {
      const id = resourceId(c);
      const layer = await layers.open(c.get("actor"), id, "data.read");
      const q = queryOf(c.req.url);
      const p = dumpParams(q, layer);
      const { query } = filterQuery(q, layer, await optionalBody(c, max));
      const fq: FeatureQuery = {
        ...query,
        ...pagingOf(q),
        order: orderOf(q, layer),
        fields: wanted(layer, p),
        geom: p.geom,
        signal: c.req.raw.signal,
      };
      // The first chunk is read before answering, so a failing query is still a 4xx; a big
      // layer (GDAL without PAGE_SIZE pulls it whole) then streams chunk by chunk.
      const it = layer.source.query(fq)[Symbol.asyncIterator]();
      const next = async () => {
        const feats = await take(it, CHUNK);
        return feats.length > 0 ? dumpAll(layer, feats, p) : null;
      };
      const first = (await next()) ?? [];
      if (first.length < CHUNK) return c.json(first);
      return jsonArrayStream(first, next, () => it.return?.());
    },

    async item(c: C) {
      const id = resourceId(c);
      const fid = featureId(c, id);
      const layer = await layers.open(c.get("actor"), id, "data.read");
      const p = dumpParams(queryOf(c.req.url), layer);
      const q: FeatureQuery = { fids: [fid], limit: 1, fields: wanted(layer, p), geom: p.geom };
      for await (const f of layer.source.query(q)) return c.json((await dumpAll(layer, [f], p))[0]);
      throw new FeatureNotFound(id, fid);
    },

    async create(c: C) {
      const id = resourceId(c);
      const body = await readJson(c, max);
      const fid = await layers.edit(c.get("actor"), id, (ctx) => writeOne(c, ctx, null, body));
      return c.json({ id: fid });
    },

    async put(c: C) {
      const id = resourceId(c);
      const fid = featureId(c, id);
      const body = await readJson(c, max);
      await layers.edit(c.get("actor"), id, (ctx) => writeOne(c, ctx, fid, body));
      return c.json({ id: fid });
    },

    /** Batch: no id creates, {id, delete: true} deletes, otherwise updates; one transaction. */
    async patch(c: C) {
      const id = resourceId(c);
      const body = await readJson(c, max);
      if (!Array.isArray(body)) throw new ValidationError("A JSON array of features was expected.");
      const ids = await layers.edit(c.get("actor"), id, async (ctx) => {
        const out: number[] = [];
        for (const item of body) {
          const it = (typeof item === "object" && item !== null ? item : {}) as Json;
          if (it.id === undefined) out.push(await writeOne(c, ctx, null, item));
          else if (typeof it.id !== "number" || !Number.isSafeInteger(it.id))
            throw new ValidationError("Feature id must be an integer.");
          else if (it.delete === true) out.push(await deleteOne(ctx, it.id));
          else out.push(await writeOne(c, ctx, it.id, item));
        }
        return out;
      });
      return c.json(ids.map((fid) => ({ id: fid })));
    },

    /** Empty body: delete all (answers true); a list of {id}: delete those (answers the ids). */
    async deleteMany(c: C) {
      const id = resourceId(c);
      const body = await readJson(c, max, true);
      if (body !== undefined && !Array.isArray(body))
        throw new ValidationError('A JSON array of {"id": …} objects was expected.');
      const result = await layers.edit(c.get("actor"), id, async (ctx) => {
        if (body === undefined) {
          await ctx.source.deleteAll();
          await layers.dropExtensions(ctx, "all");
          return true;
        }
        const out: number[] = [];
        for (const item of body) {
          const fid = (item as Json | null)?.id;
          if (fid === undefined) continue;
          if (typeof fid !== "number") throw new ValidationError("Feature id must be an integer.");
          out.push(await deleteOne(ctx, fid));
        }
        return out;
      });
      return c.json(result);
    },

    async remove(c: C) {
      const id = resourceId(c);
      const fid = featureId(c, id);
      await layers.edit(c.get("actor"), id, (ctx) => deleteOne(ctx, fid));
      return c.json({ id: fid });
    },
  });

  async function deleteOne(ctx: EditContext, fid: number): Promise<number> {
    const done = await ctx.source.delete([fid]);
    if (done.length === 0) throw new FeatureNotFound(ctx.layer.row.id, fid);
    await layers.dropExtensions(ctx, [fid]);
    return fid;
  }
}
