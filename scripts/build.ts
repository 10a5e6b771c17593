/**
 * Builds the single executable dist/gisd with `bun build --compile`.
 *
 * Native addons: libSQL's index.js picks `@libsql/<platform>` with a computed require, which the
 * bundler cannot follow, so the compiled file would fail at start. The plugin below rewrites
 * that one require to the concrete `.node` file of this platform; Bun then embeds the addon.
 * Other addons that load the same way get a rule in NATIVE_REWRITES.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { BunPlugin } from "bun";
import { buildWeb } from "./build-web.ts";

const root = resolve(import.meta.dir, "..");
const out = join(root, "dist", "gisd");

function libsqlNative(): string {
  const target = process.arch === "arm64" ? "linux-arm64-gnu" : "linux-x64-gnu";
  const pkg = join(root, "node_modules", "@libsql", target, "index.node");
  if (!existsSync(pkg)) throw new Error(`libSQL native addon not found at ${pkg}; run npm install`);
  return pkg;
}

const NATIVE_REWRITES: { file: RegExp; from: RegExp; to: () => string }[] = [
  {
    file: /node_modules\/libsql\/index\.js$/,
    from: /return require\(`@libsql\/\$\{target\}`\);/,
    to: () => `return require(${JSON.stringify(libsqlNative())});`,
  },
];

const nativePlugin: BunPlugin = {
  name: "gisd-native-addons",
  setup(build) {
    build.onLoad({ filter: /node_modules\/.*\.js$/ }, (args) => {
      const rule = NATIVE_REWRITES.find((r) => r.file.test(args.path));
      if (!rule) return undefined;
      const src = readFileSync(args.path, "utf8");
      if (!rule.from.test(src)) throw new Error(`native rewrite did not match in ${args.path}`);
      return { contents: src.replace(rule.from, rule.to()), loader: "js" };
    });
  },
};

mkdirSync(dirname(out), { recursive: true });
const t0 = performance.now();
// The UI's bundles are embedded files of the executable, so they are built first.
await buildWeb();
const result = await Bun.build({
  // The render worker is an entry point of its own: Bun bundles each one separately into the
  // executable, and `new Worker(new URL("./render-worker.ts", import.meta.url))` finds it there.
  entrypoints: [join(root, "src", "main.ts"), join(root, "src", "workers", "render-worker.ts")],
  compile: { outfile: out },
  minify: true,
  sourcemap: "none",
  target: "bun",
  plugins: [nativePlugin],
  define: { "process.env.LIBSQL_JS_DEV": "undefined" },
} as Parameters<typeof Bun.build>[0]);
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
const mb = (statSync(out).size / 1024 / 1024).toFixed(1);
console.log(`built ${out} (${mb} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
