/**
 * @module /settings, /settings/contact and the read-only security lists mapped onto gisd's
 * principals: users are the catalog's (non-system) users, roles are ADMIN and GROUP_ADMIN plus
 * one role per gisd group. Settings PUTs are accepted and kept as catalog settings.
 */
import type { GsDeps } from "./index.ts";
import { empty, type GsReq, ok } from "./request.ts";
import { asObj } from "./xml.ts";

const SETTINGS_KEY = "geoserver.settings";
const CONTACT_KEY = "geoserver.contact";

function json(text: string | undefined): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function settingsHandlers({ app }: GsDeps) {
  const cat = app.catalog;
  const contact = async () => ({
    contactPerson: "",
    contactOrganization: "gisd",
    ...json(await cat.getSetting(CONTACT_KEY)),
  });
  return {
    async settings(_r: GsReq) {
      const stored = json(await cat.getSetting(SETTINGS_KEY));
      return new Response(
        JSON.stringify({
          global: {
            settings: {
              id: "SettingsInfoImpl-gisd",
              contact: await contact(),
              charset: "UTF-8",
              numDecimals: 8,
              onlineResource: "https://github.com/",
              verbose: false,
              verboseExceptions: false,
              localWorkspaceIncludesPrefix: false,
              showCreatedTimeColumnsInAdminList: false,
              showModifiedTimeColumnsInAdminList: false,
              ...asObj(stored),
            },
            useHeadersProxyURL: false,
          },
        }),
        { headers: { "Content-Type": "application/json" } },
      );
    },
    async putSettings(r: GsReq) {
      const body = await r.body();
      const s = asObj(asObj(body.global).settings);
      const { contact: _c, ...rest } = s;
      await cat.setSetting(
        SETTINGS_KEY,
        JSON.stringify({ ...json(await cat.getSetting(SETTINGS_KEY)), ...rest }),
      );
      return empty();
    },
    async contact(r: GsReq) {
      const doc = { contact: await contact() };
      return r.ext ? ok(r, doc) : ok({ ...r, fmt: "json" }, doc);
    },
    async putContact(r: GsReq) {
      const c = asObj((await r.body()).contact);
      const clean: Record<string, string> = {};
      for (const [k, v] of Object.entries(c))
        if (typeof v === "string" || typeof v === "number") clean[k] = String(v);
      await cat.setSetting(CONTACT_KEY, JSON.stringify({ ...(await contact()), ...clean }));
      return empty();
    },
    async users(_r: GsReq) {
      const users = (await cat.principals.list("U")).filter((u) => !u.system);
      // This endpoint's converter writes a bare array: {"users": [{userName, enabled}]}.
      const list = users.map((u) => ({ userName: u.keyname, enabled: !u.disabled }));
      return new Response(JSON.stringify({ users: list }), {
        headers: { "Content-Type": "application/json" },
      });
    },
    async roles(_r: GsReq) {
      const groups = (await cat.principals.list("G")).filter((g) => !g.system);
      const roles = ["ADMIN", "GROUP_ADMIN", ...groups.map((g) => g.keyname)];
      return new Response(JSON.stringify({ roles }), {
        headers: { "Content-Type": "application/json" },
      });
    },
  };
}
