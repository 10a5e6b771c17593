/**
 * @module The messages between the pool (main thread) and its render workers. Everything here is
 * structured-cloneable: plain objects, typed arrays, no functions.
 */
import type { View } from "../geo/render/view.ts";
import type { Feature } from "../geo/sources/feature-source.ts";
import type { Style, VectorStyle } from "../geo/style/model.ts";

/** Draw layers of a QGIS project; the worker loads the project into its own cache. */
export interface ProjectJob {
  kind: "project";
  /** Projects folder (each worker keeps a registry per folder). */
  root: string;
  key: string;
  /** Layer names, bottom to top; empty draws the project's checked layers. */
  layers: string[];
  /** Per entry of `layers`, a style replacing the project's (WMS SLD_BODY); null keeps it. */
  styles?: (Style | null)[];
  view: View;
}

/** Draw vector features already fetched (and brought to EPSG:3857) by the main thread. */
export interface FeaturesJob {
  kind: "features";
  layers: { style: VectorStyle; features: Feature[] }[];
  view: View;
}

export type Job = ProjectJob | FeaturesJob;

export type Request = { id: number; op: "render"; job: Job } | { id: number; op: "status" };

export interface CachedProject {
  key: string;
  filename: string;
  /** mtime of the file when loaded, ISO without zone (py-qgis-server's form). */
  last_modified: string;
  num_layers: number;
}

export interface WorkerStatus {
  threadId: number;
  /** This worker's JS heap plus the native memory it holds (bytes). */
  heap: number;
  /** The whole process's resident set (bytes; workers are threads of one process). */
  rss: number;
  cache: CachedProject[];
  jobs: number;
}

export type Reply =
  | { id: 0; op: "ready"; threadId: number }
  | { id: number; ok: true; png: Uint8Array; empty: boolean }
  | { id: number; ok: true; status: WorkerStatus }
  | { id: number; ok: false; message: string; status: number };
