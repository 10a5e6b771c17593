/** @module A tiny declarative flag parser: each command lists its flags; unknown flags are errors. */

export interface FlagSpec {
  name: string;
  /** Takes a value (--port 8080 or --port=8080); otherwise a boolean switch. */
  value?: string;
  help: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
  /** Extra help text after the flag list. */
  details?: string;
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positional: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: FlagSpec[]): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("--") || a === "--") {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const f = spec.find((s) => s.name === name);
    if (!f) throw new UsageError(`unknown option --${name}`);
    if (f.value) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq < 0 && v.startsWith("--")))
        throw new UsageError(`option --${name} needs a value (${f.value})`);
      flags[name] = v;
    } else {
      if (eq > 0) throw new UsageError(`option --${name} takes no value`);
      flags[name] = true;
    }
  }
  return { flags, positional };
}

export function commandHelp(prog: string, cmd: Command): string {
  const lines = [`Usage: ${prog} ${cmd.usage}`, "", cmd.summary, ""];
  if (cmd.flags.length > 0) {
    lines.push("Options:");
    for (const f of cmd.flags) {
      const left = `  --${f.name}${f.value ? ` ${f.value}` : ""}`;
      lines.push(`${left.padEnd(30)} ${f.help}`);
    }
    lines.push(`${"  --help".padEnd(30)} Show this help`);
  }
  if (cmd.details) lines.push("", cmd.details);
  return `${lines.join("\n")}\n`;
}
