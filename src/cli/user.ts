/** @module `gisd user create|passwd|list`: manage users directly in the catalog (no server needed). */
import { SYSTEM } from "../catalog/acl.ts";
import { Catalog } from "../catalog/index.ts";
import { loadConfig, type ServeFlags } from "../config.ts";
import { type Command, UsageError } from "./args.ts";

async function readPassword(flag: string | true | undefined): Promise<string> {
  if (typeof flag === "string") return flag;
  // No --password: read one line from standard input, so it stays out of the process list.
  const text = await new Response(Bun.stdin.stream()).text();
  const line = text.split(/\r?\n/)[0] ?? "";
  if (!line)
    throw new UsageError("no password given (use --password or pipe it on standard input)");
  return line;
}

export const userCommand: Command = {
  name: "user",
  summary: "Manage users of the catalog in the data folder.",
  usage: "user <create NAME | passwd NAME | list> [options]",
  flags: [
    { name: "data", value: "DIR", help: "Data folder (GISD_DATA, default ./gisd-data)" },
    { name: "password", value: "P", help: "Password (otherwise read from standard input)" },
    { name: "display-name", value: "TEXT", help: "Display name for create" },
    { name: "admin", help: "Make the new user a member of administrators" },
    { name: "disable", help: "passwd: also disable the user; create: create disabled" },
  ],
  details:
    "Examples:\n  gisd user create alice --password 's3cret-pass'\n  echo 'n3w-pass' | gisd user passwd alice\n  gisd user list",
  async run({ flags, positional }) {
    const [sub, name] = positional;
    if (!sub || !["create", "passwd", "list"].includes(sub))
      throw new UsageError("expected create, passwd or list");
    if (sub !== "list" && !name) throw new UsageError(`user ${sub} needs a user name`);
    const config = loadConfig(
      { data: flags.data as string | undefined } as ServeFlags,
      process.env,
    );
    const { catalog, generatedPassword } = await Catalog.open({
      databaseUrl: config.databaseUrl,
      databaseAuthToken: config.databaseAuthToken,
      dataDir: config.dataDir,
      maxUpload: config.maxUpload,
      adminPassword: config.adminPassword,
    });
    try {
      if (generatedPassword)
        process.stderr.write(`created user 'administrator' with password: ${generatedPassword}\n`);
      const p = catalog.principals;
      if (sub === "list") {
        for (const u of await p.list("U")) {
          if (u.system) continue;
          const groups = await p.groupsOf(u.id);
          const admin = u.superuser || groups.includes(SYSTEM.administrators);
          process.stdout.write(
            `${u.id}\t${u.keyname}\t${u.displayName}${admin ? "\tadmin" : ""}${u.disabled ? "\tdisabled" : ""}\n`,
          );
        }
        return 0;
      }
      if (sub === "create") {
        const id = await p.createUser({
          keyname: name,
          display_name: (flags["display-name"] as string) ?? name,
          password: await readPassword(flags.password),
          member_of: flags.admin ? [SYSTEM.administrators] : [],
          disabled: flags.disable === true,
        });
        process.stdout.write(`created user ${name} (id ${id})\n`);
        return 0;
      }
      const user = await p.byKeyname(name!, "U");
      if (!user) throw new UsageError(`no user named '${name}'`);
      await p.updateUser(user.id, {
        password: await readPassword(flags.password),
        ...(flags.disable ? { disabled: true } : {}),
      });
      process.stdout.write(`password of ${name} changed\n`);
      return 0;
    } finally {
      catalog.close();
    }
  },
};
