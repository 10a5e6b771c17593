/** @module Small helpers shared by the GeoNode face tests. */
import { expect } from "bun:test";
import type { TestServer } from "../../helpers/server.ts";

/** One NGW ACL rule, as PUT /api/resource/{id} takes it. */
export const aclRule = (
  principal: number,
  scope: string,
  permission: string,
  action = "allow",
) => ({
  action,
  principal: { id: principal },
  identity: "",
  scope,
  permission,
  propagate: true,
});

/** An NGW call as administrator that must succeed; returns the JSON body. */
export async function adminCall(s: TestServer, path: string, body: unknown, method = "POST") {
  const r = await s.json(path, { method, auth: s.admin, body });
  expect(r.status).toBeLessThan(300);
  return r.body;
}

/** An empty point layer created through the NGW face. */
export async function pointLayer(s: TestServer, parent: number, name: string): Promise<number> {
  const r = await adminCall(s, "/api/resource/", {
    resource: { cls: "vector_layer", parent: { id: parent }, display_name: name },
    vector_layer: {
      srs: { id: 3857 },
      geometry_type: "POINT",
      fields: [{ keyname: "name", datatype: "STRING" }],
    },
  });
  return r.id;
}

/** Lets everyone read the whole tree, and the data with `data` (keeps the root's other rules). */
export async function everyoneReads(s: TestServer, data = false): Promise<void> {
  const root = await s.json("/api/resource/0", { auth: s.admin });
  await adminCall(
    s,
    "/api/resource/0",
    {
      resource: {
        permissions: [
          ...root.body.resource.permissions,
          aclRule(1, "resource", "read"),
          ...(data ? [aclRule(1, "data", "read")] : []),
        ],
      },
    },
    "PUT",
  );
}

/** Polls an execution ticket (as the administrator) until it is finished or failed. */
export async function waitFor(s: TestServer, execId: string, auth = s.admin) {
  for (let i = 0; i < 3000; i++) {
    const r = await s.json(`/api/v2/resource-service/execution-status/${execId}`, { auth });
    expect(r.status).toBe(200);
    if (r.body.status === "finished" || r.body.status === "failed") return r.body;
    await Bun.sleep(20);
  }
  throw new Error(`execution ${execId} never ended`);
}
