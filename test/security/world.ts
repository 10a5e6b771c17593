/**
 * @module A small catalog with something to protect, built over HTTP by the administrator:
 * a public group and layer (guests read), a private group and layer whose title is a secret,
 * four users (plain, reader, writer, a sacrificial one the fuzzer may aim at), a QML style and
 * features in both layers. Shared by the attack suite and the access-control matrix.
 */
import { expect } from "bun:test";
import type { TestServer } from "../helpers/server.ts";

/** Appears only in private titles; any response to a non-authorised actor containing it leaks. */
export const SECRET = "SECRET-ZX81";

export interface World {
  publicGroup: number;
  privateGroup: number;
  publicLayer: number;
  privateLayer: number;
  privateStyle: number;
  publicStyle: number;
  publicFeature: number;
  privateFeature: number;
  users: { plain: string; reader: string; writer: string; victim: number };
}

export const PASSWORDS = {
  plain: "plain-pass-123",
  reader: "reader-pass-123",
  writer: "writer-pass-123",
};

const rule = (principal: number, scope: string, permission: string, propagate = false) => ({
  action: "allow",
  principal: { id: principal },
  identity: "",
  scope,
  permission,
  propagate,
});

const EVERYONE = 1;

export async function buildWorld(s: TestServer): Promise<World> {
  const post = async (path: string, body: unknown, method = "POST") => {
    const r = await s.json(path, { method, auth: s.admin, body });
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body;
  };
  const user = async (keyname: string, password: string) =>
    (await post("/api/component/auth/user/", { keyname, password, display_name: keyname }))
      .id as number;
  await user("plain", PASSWORDS.plain);
  const reader = await user("reader", PASSWORDS.reader);
  const writer = await user("writer", PASSWORDS.writer);
  const victim = await user("victim", "victim-pass-123");

  const group = async (name: string) =>
    (
      await post("/api/resource/", {
        resource: { cls: "resource_group", parent: { id: 0 }, display_name: name, keyname: name },
      })
    ).id as number;
  const layer = async (parent: number, name: string) =>
    (
      await post("/api/resource/", {
        resource: { cls: "vector_layer", parent: { id: parent }, display_name: name },
        vector_layer: {
          srs: { id: 3857 },
          geometry_type: "POINT",
          fields: [{ keyname: "name", datatype: "STRING" }],
        },
      })
    ).id as number;
  const publicGroup = await group("pubgroup");
  const privateGroup = await group(`privgroup-${SECRET}`);
  const publicLayer = await layer(publicGroup, "public layer");
  const privateLayer = await layer(privateGroup, `private layer ${SECRET}`);
  const feature = async (id: number, name: string) =>
    (await post(`/api/resource/${id}/feature/`, { geom: "POINT (1000 1000)", fields: { name } }))
      .id as number;
  const publicFeature = await feature(publicLayer, "public point");
  const privateFeature = await feature(privateLayer, `private point ${SECRET}`);
  const privateStyle = (
    await post("/api/resource/", {
      resource: {
        cls: "qgis_vector_style",
        parent: { id: privateLayer },
        display_name: `style ${SECRET}`,
      },
    })
  ).id as number;

  const publicStyle = (
    await post("/api/resource/", {
      resource: { cls: "qgis_vector_style", parent: { id: publicLayer }, display_name: "style" },
    })
  ).id as number;

  // Root: authenticated users read it by default; guests too, so that public things are reachable.
  const root = (await s.json("/api/resource/0", { auth: s.admin })).body;
  const acl = (id: number, rules: unknown[]) =>
    post(`/api/resource/${id}`, { resource: { permissions: rules } }, "PUT");
  await acl(0, [...root.resource.permissions, rule(EVERYONE, "resource", "read")]);
  await acl(publicGroup, [rule(EVERYONE, "resource", "read")]);
  await acl(publicLayer, [
    rule(EVERYONE, "resource", "read", true),
    rule(EVERYONE, "data", "read", true),
  ]);
  const read = (p: number) => [rule(p, "resource", "read", true), rule(p, "data", "read", true)];
  await acl(privateGroup, [...read(reader), ...read(writer)]);
  await acl(privateLayer, [
    ...read(reader),
    ...read(writer),
    rule(writer, "data", "write"),
    rule(writer, "resource", "update"),
  ]);
  return {
    publicGroup,
    privateGroup,
    publicLayer,
    privateLayer,
    privateStyle,
    publicStyle,
    publicFeature,
    privateFeature,
    users: {
      plain: `plain:${PASSWORDS.plain}`,
      reader: `reader:${PASSWORDS.reader}`,
      writer: `writer:${PASSWORDS.writer}`,
      victim,
    },
  };
}
