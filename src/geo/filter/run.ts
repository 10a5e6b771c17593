/**
 * @module Runs a planned filter against a FeatureSource with WFS paging: when the plan is exact
 * the source does everything (filter, order, offset, limit); with a residual predicate the
 * source streams its candidates in order and paging happens after the predicate.
 */
import type {
  Feature,
  FeatureQuery,
  FeatureSource,
  FieldValue,
} from "../sources/feature-source.ts";
import type { FilterPlan } from "./plan.ts";

export interface RunOptions {
  order?: FeatureQuery["order"];
  offset?: number;
  limit?: number;
  /** Attribute subset; all when undefined. */
  fields?: string[];
  geom?: boolean;
  signal?: AbortSignal;
}

/** Matching features, paged and projected. */
export async function* runFiltered(
  source: FeatureSource,
  plan: FilterPlan,
  o: RunOptions,
): AsyncGenerator<Feature> {
  if (o.limit === 0) return;
  // fids: [] means "ids were asked for, none is in this layer".
  if (plan.query.fids && plan.query.fids.length === 0) return;
  const base = { ...plan.query, order: o.order, signal: o.signal };
  if (!plan.residual) {
    yield* source.query({
      ...base,
      offset: o.offset,
      limit: o.limit,
      fields: o.fields,
      geom: o.geom,
    });
    return;
  }
  let skip = o.offset ?? 0;
  let left = o.limit ?? Number.POSITIVE_INFINITY;
  for await (const f of source.query(base)) {
    if (!plan.residual(f)) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    yield project(f, o);
    if (--left <= 0) return;
  }
}

function project(f: Feature, o: RunOptions): Feature {
  if (!o.fields && o.geom !== false) return f;
  const fields: Record<string, FieldValue> = {};
  for (const k of o.fields ?? Object.keys(f.fields)) fields[k] = f.fields[k] ?? null;
  return { id: f.id, geom: o.geom === false ? null : f.geom, fields };
}

/** The number of matching features (resultType=hits, numberMatched). */
export async function countFiltered(
  source: FeatureSource,
  plan: FilterPlan,
  signal?: AbortSignal,
): Promise<number> {
  if (plan.query.fids && plan.query.fids.length === 0) return 0;
  if (!plan.residual) return source.count({ ...plan.query, signal });
  let n = 0;
  for await (const f of source.query({ ...plan.query, signal })) if (plan.residual(f)) n++;
  return n;
}
