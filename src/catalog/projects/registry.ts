/**
 * @module The project cache (py-qgis-server's cache manager): projects in the folder are listed
 * from disk, loaded on first use, reloaded when the file's mtime changes, and evicted on demand
 * or when the cache is full (least recently used first). Each loaded project resolves its layers'
 * datasources against its folder (refusing any path that escapes the projects root) and opens a
 * layer's data on first use. A registry is a value: each server (or worker) holds its own.
 */
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type FileSource, parseDatasource } from "../../geo/qgis/datasource.ts";
import type { QgisLayer, QgisProject } from "../../geo/qgis/project.ts";
import { readProjectFile } from "../../geo/qgis/qgz.ts";
import { ValidationError } from "../errors.ts";
import { type LayerData, openLayerData } from "./data.ts";
import { keyOf, PROJECT_FILE, ProjectNotFound, resolveDataPath } from "./paths.ts";

export interface ProjectLayer extends QgisLayer {
  /** The resolved file for readable datasources; the datasource as written otherwise. */
  source: string;
  /** Whether gisd can serve the layer (supported provider, file inside the root, present). */
  valid: boolean;
  /** Why the layer is not valid; undefined when it is. */
  error?: string;
  /** Vector and raster layers are spatial (py-qgis-server's `isSpatial`). */
  spatial: boolean;
  file?: FileSource;
}

export interface LoadedProject {
  key: string;
  /** Absolute path of the .qgs/.qgz file. */
  filename: string;
  /** The file's mtime when it was read. */
  lastModified: Date;
  project: QgisProject;
  layers: ProjectLayer[];
  /** Opens (once) the data of a valid layer. */
  data(layer: ProjectLayer): Promise<LayerData>;
}

export interface ProjectFile {
  key: string;
  filename: string;
  lastModified: Date;
}

/** Projects kept loaded at once; the least recently used goes first. */
const DEFAULT_CAPACITY = 32;

export class ProjectRegistry {
  readonly root: string;
  readonly #cache = new Map<string, LoadedProject>();
  readonly #loading = new Map<string, Promise<LoadedProject>>();

  constructor(
    root: string,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {
    this.root = resolve(root);
  }

  /** The project files in the folder (not loaded), sorted by key. */
  async files(): Promise<ProjectFile[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    const out: ProjectFile[] = [];
    for (const name of names.filter((n) => PROJECT_FILE.test(n)).sort()) {
      const filename = join(this.root, name);
      const st = await stat(filename).catch(() => null);
      if (st?.isFile()) out.push({ key: keyOf(name), filename, lastModified: st.mtime });
    }
    return out;
  }

  /** The projects loaded now, most recently used last. */
  loaded(): LoadedProject[] {
    return [...this.#cache.values()];
  }

  /** The project with this key: from the cache if its file is unchanged, else (re)loaded. */
  async get(key: string): Promise<LoadedProject> {
    const file = (await this.files()).find((f) => f.key === key);
    if (!file) {
      this.#cache.delete(key);
      throw new ProjectNotFound(key);
    }
    const hit = this.#cache.get(key);
    if (hit && hit.lastModified.getTime() === file.lastModified.getTime()) {
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit;
    }
    return this.load(file);
  }

  /** Drops a project from the cache; false when it was not loaded. */
  evict(key: string): boolean {
    return this.#cache.delete(key);
  }

  /** Loads a project again from its file, whatever the cache holds. */
  async reload(key: string): Promise<LoadedProject> {
    this.#cache.delete(key);
    return this.get(key);
  }

  private load(file: ProjectFile): Promise<LoadedProject> {
    const pending = this.#loading.get(file.key);
    if (pending) return pending;
    const p = (async () => {
      let project: QgisProject;
      try {
        project = await readProjectFile(file.filename);
      } catch (e) {
        throw new ValidationError(
          `Project '${file.key}' cannot be read: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      const loaded = this.#entry(file, project);
      this.#cache.delete(file.key);
      this.#cache.set(file.key, loaded);
      while (this.#cache.size > this.capacity) {
        this.#cache.delete(this.#cache.keys().next().value!);
      }
      return loaded;
    })();
    this.#loading.set(file.key, p);
    return p.finally(() => this.#loading.delete(file.key));
  }

  #entry(file: ProjectFile, project: QgisProject): LoadedProject {
    const dir = dirname(file.filename);
    const layers = project.layers.map((l) => this.#layer(dir, l));
    const opened = new Map<string, Promise<LayerData>>();
    return {
      ...file,
      project,
      layers,
      data: (layer) => {
        if (!layer.valid || !layer.file)
          throw new ValidationError(`Layer '${layer.name}' is not valid.`);
        let p = opened.get(layer.id);
        if (!p) {
          p = openLayerData(layer.source, layer.file, layer.crs.epsg);
          // A failed open is not cached: the file may be fixed and asked for again.
          p.catch(() => opened.delete(layer.id));
          opened.set(layer.id, p);
        }
        return p;
      },
    };
  }

  #layer(dir: string, l: QgisLayer): ProjectLayer {
    const spatial = l.type === "vector" || l.type === "raster";
    const parsed = parseDatasource(l.provider, l.datasource);
    if (!parsed.ok)
      return { ...l, source: redact(l.datasource), valid: false, error: parsed.reason, spatial };
    try {
      const source = resolveDataPath(this.root, dir, parsed.source.path);
      if (!existsSync(source))
        return { ...l, source, valid: false, error: "the file does not exist", spatial };
      return { ...l, source, valid: true, spatial, file: parsed.source };
    } catch (e) {
      return { ...l, source: l.datasource, valid: false, error: (e as Error).message, spatial };
    }
  }
}

/** Database datasources may carry credentials (`password='…'`); they are never reported. */
function redact(datasource: string): string {
  return datasource.replace(
    /(password|passwd|pwd|authcfg)\s*=\s*('[^']*'|"[^"]*"|\S+)/gi,
    "$1=***",
  );
}
