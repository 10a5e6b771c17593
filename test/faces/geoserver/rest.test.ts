/**
 * @module The GeoServer REST face over plain HTTP (what curl scripts do): the smoke sequence in
 * JSON and XML, and the Part D quirks one by one (empty lists as "", single items as objects,
 * plain-text errors and their statuses, Location headers, about/version, auth).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
const R = "/geoserver/rest";

async function call(method: string, path: string, body?: string, type = "application/json") {
  const res = await s.fetch(R + path, {
    method,
    auth: s.admin,
    body,
    headers: body === undefined ? {} : { "Content-Type": type },
  });
  return { status: res.status, text: await res.text(), res };
}

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
});

describe("formats and negotiation", () => {
  test("empty collections are the empty string, in JSON; an empty element in XML", async () => {
    expect(JSON.parse((await call("GET", "/workspaces.json")).text)).toEqual({ workspaces: "" });
    expect((await call("GET", "/workspaces.xml")).text).toBe("<workspaces/>");
    expect(JSON.parse((await call("GET", "/layers.json")).text)).toEqual({ layers: "" });
    expect(JSON.parse((await call("GET", "/namespaces.json")).text)).toEqual({ namespaces: "" });
  });

  test("create in JSON: 201, absolute Location without extension, the name as text", async () => {
    const r = await call("POST", "/workspaces", JSON.stringify({ workspace: { name: "demo" } }));
    expect(r.status).toBe(201);
    expect(r.res.headers.get("location")).toBe(`${s.url}${R}/workspaces/demo`);
    expect(r.text).toBe("demo");
    expect(r.res.headers.get("content-type")).toStartWith("text/plain");
  });

  test("create in XML works the same, and a clash is 409 with a plain-text message", async () => {
    const r = await call(
      "POST",
      "/workspaces",
      "<workspace><name>xmlws</name></workspace>",
      "text/xml",
    );
    expect(r.status).toBe(201);
    const again = await call(
      "POST",
      "/workspaces",
      "<workspace><name>xmlws</name></workspace>",
      "application/xml",
    );
    expect(again.status).toBe(409);
    expect(again.text).toBe("Workspace 'xmlws' already exists");
  });

  test("list items are arrays even for one item; objects wrap in their alias", async () => {
    const list = JSON.parse((await call("GET", "/workspaces.json")).text);
    expect(Array.isArray(list.workspaces.workspace)).toBe(true);
    expect(list.workspaces.workspace.map((w: { name: string }) => w.name).sort()).toEqual([
      "demo",
      "xmlws",
    ]);
    expect(list.workspaces.workspace[0].href).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/geoserver\/rest\/workspaces\/\w+\.json$/,
    );
    const one = JSON.parse((await call("GET", "/workspaces/demo.json")).text);
    expect(one.workspace.name).toBe("demo");
    expect(one.workspace.isolated).toBe(false);
    expect(one.workspace.dataStores).toBe(`${s.url}${R}/workspaces/demo/datastores.json`);
  });

  test("XML uses atom links with the .xml extension", async () => {
    const x = (await call("GET", "/workspaces/demo.xml")).text;
    expect(x).toStartWith("<workspace><name>demo</name>");
    expect(x).toContain(
      `<dataStores><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="alternate" href="${s.url}${R}/workspaces/demo/datastores.xml" type="application/xml"/></dataStores>`,
    );
    const list = (await call("GET", "/workspaces.xml")).text;
    expect(list).toContain('type="application/atom+xml"');
  });

  test("Accept picks the format when there is no extension; HTML otherwise", async () => {
    const j = await s.fetch(`${R}/workspaces/demo`, {
      auth: s.admin,
      headers: { Accept: "application/json" },
    });
    expect(JSON.parse(await j.text()).workspace.name).toBe("demo");
    const x = await s.fetch(`${R}/workspaces/demo`, {
      auth: s.admin,
      headers: { Accept: "text/xml" },
    });
    expect(await x.text()).toStartWith("<workspace>");
    const h = await s.fetch(`${R}/workspaces`, { auth: s.admin });
    expect(h.headers.get("content-type")).toStartWith("text/html");
    expect(await h.text()).toContain("GeoServer Configuration");
  });

  test("HTML lists link NAME.html; names from NGW groups are escaped in HTML and XML", async () => {
    const g = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "resource_group", parent: { id: 0 }, display_name: "<b>x</b> & y" },
      },
    });
    expect(g.status).toBe(201);
    const html = (await call("GET", "/workspaces.html")).text;
    expect(html).toContain(`<a href="${s.url}${R}/workspaces/demo.html">demo</a>`);
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt; &amp; y");
    expect(html).not.toContain("<b>x</b>");
    const xml = (await call("GET", "/workspaces.xml")).text;
    expect(xml).toContain("<name>&lt;b&gt;x&lt;/b&gt; &amp; y</name>");
    await s.json(`/api/resource/${g.body.id}`, { method: "DELETE", auth: s.admin });
  });

  test("`//` is tolerated and `+` is a space; dotted names keep their dots", async () => {
    expect((await call("GET", "//workspaces//demo.json")).status).toBe(200);
    expect(
      (
        await call(
          "POST",
          "/workspaces",
          JSON.stringify({ workspace: { name: "it.geo solutions" } }),
        )
      ).status,
    ).toBe(201);
    const r = await call("GET", "/workspaces/it.geo+solutions.json");
    expect(JSON.parse(r.text).workspace.name).toBe("it.geo solutions");
  });

  test("about/version answers the shape node-client reads", async () => {
    const v = JSON.parse((await call("GET", "/about/version.json")).text);
    expect(v.about.resource[0]["@name"]).toBe("GeoServer");
    expect(typeof v.about.resource[0].Version).toBe("string");
  });
});

describe("statuses and errors", () => {
  test("unknown objects are 404 with GeoServer's text; quietOnNotFound empties the body", async () => {
    const r = await call("GET", "/workspaces/nope.json");
    expect(r.status).toBe(404);
    expect(r.text).toBe("No such workspace: 'nope' found");
    const q = await call("GET", "/workspaces/nope.json?quietOnNotFound=true");
    expect(q.status).toBe(404);
    expect(q.text).toBe("");
  });

  test('an unknown workspace lists no layers (200 ""), not 404', async () => {
    const r = await call("GET", "/workspaces/fantasy/layers.json");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ layers: "" });
  });

  test("wrong method on an existing path is 405 with Allow", async () => {
    const r = await call("PUT", "/workspaces", "{}");
    expect(r.status).toBe(405);
    expect(r.res.headers.get("allow")).toContain("GET");
    expect((await call("GET", "/reload")).status).toBe(405);
    expect((await call("DELETE", "/reset")).status).toBe(405);
    expect((await call("POST", "/reload")).status).toBe(200);
    expect((await call("PUT", "/reset")).status).toBe(200);
  });

  test("renaming a workspace is 403; a non-empty workspace delete is 403", async () => {
    const r = await call(
      "PUT",
      "/workspaces/demo",
      JSON.stringify({ workspace: { name: "other" } }),
    );
    expect(r.status).toBe(403);
    await call(
      "POST",
      "/workspaces/demo/datastores",
      JSON.stringify({ dataStore: { name: "ds" } }),
    );
    const d = await call("DELETE", "/workspaces/demo");
    expect(d.status).toBe(403);
    expect(d.text).toBe("Workspace not empty");
  });

  test("anonymous requests get 401 with the GeoServer realm; other users write what the ACL allows", async () => {
    const r = await s.fetch(`${R}/workspaces.json`);
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe('Basic realm="GeoServer Realm"');
    const bad = await s.fetch(`${R}/workspaces.json`, { auth: "administrator:wrong-password" });
    expect(bad.status).toBe(401);
    await s.json("/api/component/auth/user/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "alice", password: "alice-password-1" },
    });
    const w = await s.fetch(`${R}/workspaces`, {
      method: "POST",
      auth: "alice:alice-password-1",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ workspace: { name: "alices" } }),
    });
    expect(w.status).toBe(403);
    // The catalog ACL decides: alice may manage the group she was given; other workspaces are
    // invisible to her (404, nothing leaks), server-wide settings are for superusers.
    await call("POST", "/workspaces", JSON.stringify({ workspace: { name: "shared" } }));
    const shared = JSON.parse((await call("GET", "/workspaces/shared.json")).text).workspace;
    expect(shared.name).toBe("shared");
    const search = await s.json("/api/resource/search/?display_name=shared", { auth: s.admin });
    const sid = (search.body as { resource: { id: number } }[])[0]!.resource.id;
    const alice = (
      await s.json("/api/component/auth/current_user", { auth: "alice:alice-password-1" })
    ).body.id;
    const acl = await s.json(`/api/resource/${sid}`, {
      method: "PUT",
      auth: s.admin,
      body: {
        resource: {
          permissions: [
            {
              action: "allow",
              principal: { id: alice },
              identity: "",
              scope: "",
              permission: "",
              propagate: true,
            },
          ],
        },
      },
    });
    expect(acl.status).toBe(200);
    const asAlice = (method: string, path: string, body: string) =>
      s.fetch(R + path, {
        method,
        auth: "alice:alice-password-1",
        headers: { "Content-Type": "application/json" },
        body,
      });
    expect(
      (
        await asAlice(
          "POST",
          "/workspaces/shared/datastores",
          JSON.stringify({ dataStore: { name: "hers" } }),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await asAlice(
          "POST",
          "/workspaces/demo/datastores",
          JSON.stringify({ dataStore: { name: "hers" } }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await asAlice(
          "PUT",
          "/settings",
          JSON.stringify({ global: { settings: { verbose: true } } }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await asAlice(
          "PUT",
          "/workspaces/default",
          JSON.stringify({ workspace: { name: "shared" } }),
        )
      ).status,
    ).toBe(403);
    expect((await call("DELETE", "/workspaces/shared?recurse=true")).status).toBe(200);
    const users = JSON.parse((await call("GET", "/security/usergroup/users.json")).text);
    expect(users.users.map((u: { userName: string }) => u.userName)).toContain("alice");
    const roles = JSON.parse((await call("GET", "/security/roles.json")).text);
    expect(roles.roles).toContain("ADMIN");
  });

  test("bad bodies are 400, never 500", async () => {
    expect((await call("POST", "/workspaces", "{not json")).status).toBe(400);
    expect(
      (await call("POST", "/workspaces", "<workspace><name>x</name>", "text/xml")).status,
    ).toBe(400);
    expect((await call("POST", "/workspaces", JSON.stringify({ workspace: {} }))).status).toBe(400);
    expect(
      (await call("POST", "/workspaces", JSON.stringify({ workspace: { name: "../etc" } }))).status,
    ).toBe(400);
    expect(
      (await call("POST", "/workspaces", JSON.stringify({ workspace: { name: "a/b" } }))).status,
    ).toBe(400);
  });
});

describe("namespaces, datastores, styles, settings", () => {
  test("namespaces mirror workspaces and create them", async () => {
    const r = await call(
      "POST",
      "/namespaces",
      JSON.stringify({ namespace: { prefix: "nsx", uri: "http://example.com/nsx" } }),
    );
    expect(r.status).toBe(201);
    const ns = JSON.parse((await call("GET", "/namespaces/nsx.json")).text);
    expect(ns.namespace).toEqual({ prefix: "nsx", uri: "http://example.com/nsx", isolated: false });
    expect(JSON.parse((await call("GET", "/workspaces/nsx.json")).text).workspace.name).toBe("nsx");
    expect((await call("DELETE", "/namespaces/nsx")).status).toBe(200);
    expect((await call("GET", "/namespaces/nsx.json")).status).toBe(404);
  });

  test("a datastore round-trips its connection parameters; unsupported kinds are 400", async () => {
    const body = {
      dataStore: {
        name: "files",
        connectionParameters: { entry: [{ "@key": "charset", $: "UTF-8" }] },
      },
    };
    expect((await call("POST", "/workspaces/demo/datastores", JSON.stringify(body))).status).toBe(
      201,
    );
    const ds = JSON.parse(
      (await call("GET", "/workspaces/demo/datastores/files.json")).text,
    ).dataStore;
    expect(ds.workspace.name).toBe("demo");
    expect(ds._default).toBe(false);
    const entries = ds.connectionParameters.entry;
    expect(entries).toContainEqual({ "@key": "charset", $: "UTF-8" });
    expect(entries).toContainEqual({ "@key": "namespace", $: "http://demo" });
    // One item inside an object is an object (GeoServer 2.21+), several are an array.
    const single = JSON.parse((await call("GET", "/workspaces/demo/datastores/ds.json")).text);
    expect(single.dataStore.connectionParameters.entry).toEqual({
      "@key": "namespace",
      $: "http://demo",
    });
    const xml = (await call("GET", "/workspaces/demo/datastores/files.xml")).text;
    expect(xml).toContain("<__default>false</__default>");
    expect(xml).toContain('<entry key="charset">UTF-8</entry>');
    const pg = {
      dataStore: {
        name: "pg",
        connectionParameters: {
          entry: [
            { "@key": "dbtype", $: "postgis" },
            { "@key": "port", $: 5432 },
          ],
        },
      },
    };
    expect((await call("POST", "/workspaces/demo/datastores", JSON.stringify(pg))).status).toBe(
      400,
    );
    const other = { dataStore: { name: "x", workspace: { name: "xmlws" } } };
    expect((await call("POST", "/workspaces/demo/datastores", JSON.stringify(other))).status).toBe(
      403,
    );
    expect((await call("GET", "/workspaces/demo/datastores/none.json")).text).toBe(
      "No such datastore: demo,none",
    );
  });

  test("five built-in styles; an SLD POST keeps the document byte-exact", async () => {
    const list = JSON.parse((await call("GET", "/styles.json")).text);
    expect(list.styles.style.map((x: { name: string }) => x.name).sort()).toEqual([
      "generic",
      "line",
      "point",
      "polygon",
      "raster",
    ]);
    const sld = await Bun.file("test/fixtures/style/points-sld10.sld").text();
    const r = await call(
      "POST",
      "/workspaces/demo/styles?name=red",
      sld,
      "application/vnd.ogc.sld+xml",
    );
    expect(r.status).toBe(201);
    expect(r.res.headers.get("location")).toBe(`${s.url}${R}/workspaces/demo/styles/red`);
    const back = await call("GET", "/workspaces/demo/styles/red.sld");
    expect(back.text).toBe(sld);
    expect(back.res.headers.get("content-type")).toBe("application/vnd.ogc.sld+xml");
    const info = JSON.parse((await call("GET", "/workspaces/demo/styles/red.json")).text);
    expect(info.style).toMatchObject({ name: "red", workspace: { name: "demo" }, format: "sld" });
    expect(
      (await call("POST", "/workspaces/demo/styles?name=red", sld, "application/vnd.ogc.sld+xml"))
        .status,
    ).toBe(403);
  });

  test("two-step style: info first, then PUT the SLD to the .xml URL", async () => {
    const r = await call(
      "POST",
      "/styles",
      JSON.stringify({ style: { name: "twostep", filename: "twostep.sld" } }),
    );
    expect(r.status).toBe(201);
    expect(r.text).toBe("twostep");
    const sld = await Bun.file("test/fixtures/style/highway-se11.sld").text();
    const put = await call("PUT", "/styles/twostep.xml", sld, "application/vnd.ogc.se+xml");
    expect(put.status).toBe(200);
    const got = await s.fetch(`${R}/styles/twostep`, {
      auth: s.admin,
      headers: { Accept: "application/vnd.ogc.se+xml" },
    });
    expect(await got.text()).toBe(sld);
    expect((await call("DELETE", "/styles/twostep?purge=true")).status).toBe(200);
    expect((await call("GET", "/styles/twostep.json")).status).toBe(404);
    expect((await call("DELETE", "/styles/point")).status).toBe(403);
  });

  test("the default workspace and namespace follow each other", async () => {
    const first = JSON.parse((await call("GET", "/workspaces/default.json")).text);
    expect(first.workspace.name).toBe("demo");
    const put = await call(
      "PUT",
      "/workspaces/default",
      JSON.stringify({ workspace: { name: "xmlws" } }),
    );
    expect(put.status).toBe(200);
    expect(JSON.parse((await call("GET", "/namespaces/default.json")).text).namespace.prefix).toBe(
      "xmlws",
    );
    expect((await call("DELETE", "/workspaces/default")).status).toBe(405);
    expect(
      (await call("PUT", "/workspaces/default", JSON.stringify({ workspace: { name: "none" } })))
        .status,
    ).toBe(404);
  });

  test("settings and contact read, recursive delete empties the catalog", async () => {
    const st = JSON.parse((await call("GET", "/settings.json")).text);
    expect(st.global.settings.charset).toBe("UTF-8");
    const c = JSON.parse((await call("GET", "/settings/contact")).text);
    expect(c.contact).toBeDefined();
    for (const w of ["demo", "xmlws", "it.geo solutions"])
      expect(
        (await call("DELETE", `/workspaces/${encodeURIComponent(w)}?recurse=true`)).status,
      ).toBe(200);
    expect(JSON.parse((await call("GET", "/workspaces.json")).text)).toEqual({ workspaces: "" });
    expect((await call("GET", "/workspaces/demo/styles/red.json")).status).toBe(404);
  });
});
