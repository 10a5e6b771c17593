/**
 * @module The render worker: a Bun Worker thread that draws PNGs for the pool. It keeps its own
 * project cache per projects folder (what /pool/ lists per worker) and answers status requests.
 * It is an entry point of its own in the single-binary build (scripts/build.ts).
 */
import { threadId } from "node:worker_threads";
import { ProjectRegistry } from "../catalog/projects/registry.ts";
import { projectRenderLayers } from "../catalog/projects/render.ts";
import type { RenderLayer } from "../geo/render/index.ts";
import { renderImage } from "../geo/render/index.ts";
import type { Job, Reply, Request, WorkerStatus } from "./protocol.ts";

declare const self: Worker;

const registries = new Map<string, ProjectRegistry>();
let jobs = 0;

function registry(root: string): ProjectRegistry {
  let r = registries.get(root);
  if (!r) registries.set(root, (r = new ProjectRegistry(root)));
  return r;
}

async function layersOf(job: Job): Promise<RenderLayer[]> {
  if (job.kind === "project") {
    const project = await registry(job.root).get(job.key);
    return projectRenderLayers(project, job.layers, job.styles);
  }
  return job.layers.map(({ style, features }) => ({
    kind: "vector" as const,
    style,
    input: {
      async *features() {
        yield* features;
      },
    },
  }));
}

function status(): WorkerStatus {
  const m = process.memoryUsage();
  const cache = [...registries.values()].flatMap((r) =>
    r.loaded().map((p) => ({
      key: p.key,
      filename: p.filename,
      last_modified: p.lastModified.toISOString().slice(0, 19),
      num_layers: p.layers.length,
    })),
  );
  return { threadId, heap: m.heapTotal + m.external, rss: m.rss, cache, jobs };
}

// No transfer lists: an empty render is a shared cached PNG that must not be detached.
const post = (r: Reply) => self.postMessage(r);

self.onmessage = async (e: MessageEvent<Request>) => {
  const req = e.data;
  try {
    if (req.op === "status") return post({ id: req.id, ok: true, status: status() });
    jobs++;
    const out = await renderImage(await layersOf(req.job), req.job.view);
    post({ id: req.id, ok: true, png: out.png, empty: out.empty });
  } catch (err) {
    const status =
      err instanceof RangeError ? 400 : Number((err as { status?: number }).status) || 500;
    post({ id: req.id, ok: false, message: (err as Error).message ?? String(err), status });
  }
};

post({ id: 0, op: "ready", threadId });
