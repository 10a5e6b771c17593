/** @module Runs GDAL's command-line tools (Debian gdal-bin) against a test server; async so the in-process server keeps answering. */

export const hasGdal = Bun.which("ogrinfo") !== null;

if (!hasGdal) {
  console.warn(
    "GDAL tests skipped: ogrinfo not found (scripts/setup-test-deps.sh installs gdal-bin)",
  );
}

export async function gdal(cmd: string, args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn([cmd, ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, CPL_DEBUG: "OFF", GDAL_HTTP_TIMEOUT: "60", ...env },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout, stderr, code };
}
