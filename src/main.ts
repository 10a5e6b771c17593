#!/usr/bin/env bun
import { CatalogError } from "./catalog/errors.ts";
/** @module The gisd command line: one table of commands, each delegating to library code. */
import { type Command, commandHelp, parseArgs, UsageError } from "./cli/args.ts";
import { exportCommand } from "./cli/export.ts";
import { importCommand } from "./cli/import.ts";
import { seedCommand } from "./cli/seed.ts";
import { serveCommand } from "./cli/serve.ts";
import { userCommand } from "./cli/user.ts";
import { ConfigError } from "./config.ts";
import { VERSION } from "./version.ts";

const PROG = "gisd";

export const commands: Command[] = [
  serveCommand,
  userCommand,
  importCommand,
  exportCommand,
  seedCommand,
];

function mainHelp(): string {
  const lines = [
    `gisd ${VERSION}: a whole geospatial server in one executable.`,
    "",
    `Usage: ${PROG} <command> [options]`,
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    "",
    `Run '${PROG} <command> --help' for the options of a command.`,
  ];
  return `${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(mainHelp());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`${PROG}: unknown command '${name}'\n\n${mainHelp()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(commandHelp(PROG, cmd));
    return 0;
  }
  try {
    return await cmd.run(parseArgs(rest, cmd.flags));
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`${PROG} ${cmd.name}: ${err.message}\n\n${commandHelp(PROG, cmd)}`);
      return 2;
    }
    if (err instanceof CatalogError) {
      process.stderr.write(`${PROG} ${cmd.name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
