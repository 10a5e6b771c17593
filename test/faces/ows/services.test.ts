/**
 * @module NGW service resources and the dispatcher's other endpoints: wmsserver_service /
 * wfsserver_service CRUD through the resource API (NGW JSON, validation with 422), WFS answered
 * by the WFS face through /api/resource/{id}/wfs, GeoServer's /geoserver/ows and /ows.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SYSTEM } from "../../../src/catalog/acl.ts";
import { fillSld, type WmsFixture, wmsFixture } from "./wms-fixture.ts";

let f: WmsFixture;
beforeAll(async () => {
  f = await wmsFixture();
});
afterAll(() => f.stop());

describe("wmsserver_service and wfsserver_service", () => {
  test("NGW JSON round trip", async () => {
    const r = await f.s.json(`/api/resource/${f.service}`, { auth: f.s.admin });
    expect(r.body.wmsserver_service.layers[0]).toEqual({
      resource_id: f.zonesStyle,
      keyname: "zones",
      display_name: "Zones",
      min_scale_denom: null,
      max_scale_denom: null,
    });
  });
  test("validation: bad keyname, duplicate, missing resource, wrong kind", async () => {
    const bad = [
      [{ keyname: "1x", display_name: "a", resource_id: f.zones }],
      [
        { keyname: "a", display_name: "a", resource_id: f.zones },
        { keyname: "a", display_name: "b", resource_id: f.zones },
      ],
      [{ keyname: "a", display_name: "a", resource_id: 99999 }],
    ];
    for (const layers of bad) {
      const r = await f.s.json("/api/resource/", {
        method: "POST",
        auth: f.s.admin,
        body: {
          resource: {
            cls: "wmsserver_service",
            parent: { id: 0 },
            display_name: `bad ${Math.random()}`,
          },
          wmsserver_service: { layers },
        },
      });
      expect(r.status).toBe(422);
    }
    const wfs = await f.s.json("/api/resource/", {
      method: "POST",
      auth: f.s.admin,
      body: {
        resource: { cls: "wfsserver_service", parent: { id: 0 }, display_name: "wrong kind" },
        wfsserver_service: {
          layers: [{ keyname: "a", display_name: "a", resource_id: f.zonesStyle }],
        },
      },
    });
    expect(wfs.status).toBe(422);
  });
  test("a WFS service answers through the WFS face, without private layers for guests", async () => {
    const c = await f.s.json("/api/resource/", {
      method: "POST",
      auth: f.s.admin,
      body: {
        resource: { cls: "wfsserver_service", parent: { id: 0 }, display_name: "Test WFS" },
        wfsserver_service: {
          layers: [
            { keyname: "zones", display_name: "Zones", resource_id: f.zones, maxfeatures: 10 },
            { keyname: "secret", display_name: "Secret", resource_id: f.secret, maxfeatures: null },
          ],
        },
      },
    });
    expect(c.status).toBe(201);
    const read = await f.s.json(`/api/resource/${c.body.id}`, { auth: f.s.admin });
    expect(read.body.wfsserver_service.layers[0].maxfeatures).toBe(10);
    const caps = await (
      await f.s.fetch(
        `/api/resource/${c.body.id}/wfs?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0`,
      )
    ).text();
    expect(caps).toContain("zones");
    expect(caps).not.toContain("secret");
    const gf = await f.s.json(
      `/api/resource/${c.body.id}/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=zones&OUTPUTFORMAT=application/json`,
    );
    expect(gf.status).toBe(200);
    expect(gf.body.features[0].properties.name).toBe("Zone A");
    const denied = await f.s.fetch(
      `/api/resource/${c.body.id}/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=secret`,
    );
    expect(denied.status).toBeGreaterThanOrEqual(400);
    expect(denied.status).toBeLessThan(500);
  });
});

describe("deleted layers", () => {
  test("a layer whose resource was deleted leaves the service", async () => {
    const fd = new FormData();
    fd.append("file", new Blob([fillSld("#123456")]), "tmp.sld");
    const up = await f.s.json("/api/component/file_upload/upload", {
      method: "POST",
      body: fd,
      auth: f.s.admin,
    });
    const st = await f.s.json("/api/resource/", {
      method: "POST",
      auth: f.s.admin,
      body: {
        resource: { cls: "qgis_vector_style", parent: { id: f.zones }, display_name: "temporary" },
        qgis_vector_style: { file_upload: up.body.upload_meta[0] },
      },
    });
    expect(st.status).toBe(201);
    const svc = await f.s.json("/api/resource/", {
      method: "POST",
      auth: f.s.admin,
      body: {
        resource: { cls: "wmsserver_service", parent: { id: 0 }, display_name: "temporary wms" },
        wmsserver_service: {
          layers: [{ keyname: "tmp", display_name: "Tmp", resource_id: st.body.id }],
        },
      },
    });
    expect(svc.status).toBe(201);
    expect(
      (await f.s.fetch(`/api/resource/${st.body.id}`, { method: "DELETE", auth: f.s.admin }))
        .status,
    ).toBe(200);
    const read = await f.s.json(`/api/resource/${svc.body.id}`, { auth: f.s.admin });
    expect(read.body.wmsserver_service.layers).toEqual([]);
    const caps = await (
      await f.s.fetch(`/api/resource/${svc.body.id}/wms?SERVICE=WMS&REQUEST=GetCapabilities`, {
        auth: f.s.admin,
      })
    ).text();
    expect(caps).not.toContain("<Name>tmp</Name>");
  });
});

describe("reused ids", () => {
  test("a new resource that gets a deleted one's id does not join the service", async () => {
    const svc = await f.s.json("/api/resource/", {
      method: "POST",
      auth: f.s.admin,
      body: {
        resource: { cls: "wmsserver_service", parent: { id: 0 }, display_name: "reuse wms" },
      },
    });
    const style = async () => {
      const fd = new FormData();
      fd.append("file", new Blob([fillSld("#123456")]), "tmp.sld");
      const up = await f.s.json("/api/component/file_upload/upload", {
        method: "POST",
        body: fd,
        auth: f.s.admin,
      });
      const st = await f.s.json("/api/resource/", {
        method: "POST",
        auth: f.s.admin,
        body: {
          resource: {
            cls: "qgis_vector_style",
            parent: { id: f.zones },
            display_name: `s ${Math.random()}`,
          },
          qgis_vector_style: { file_upload: up.body.upload_meta[0] },
        },
      });
      expect(st.status).toBe(201);
      return st.body.id as number;
    };
    const first = await style();
    const put = await f.s.json(`/api/resource/${svc.body.id}`, {
      method: "PUT",
      auth: f.s.admin,
      body: {
        wmsserver_service: { layers: [{ keyname: "s", display_name: "S", resource_id: first }] },
      },
    });
    expect(put.status).toBe(200);
    await f.s.fetch(`/api/resource/${first}`, { method: "DELETE", auth: f.s.admin });
    // Creation dates have one-second resolution: the guard tells resources apart across seconds.
    await Bun.sleep(1100);
    const second = await style();
    expect(second).toBe(first); // the rowid was reused: the case this guards against
    const read = await f.s.json(`/api/resource/${svc.body.id}`, { auth: f.s.admin });
    expect(read.body.wmsserver_service.layers).toEqual([]);
  });
});

describe("extents follow edits", () => {
  test("a feature added through the NGW API widens the advertised box", async () => {
    const caps = async () =>
      (
        await f.s.fetch(
          `/api/resource/${f.service}/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1`,
        )
      ).text();
    expect(await caps()).toContain('<LatLonBoundingBox minx="10" miny="40" maxx="20" maxy="50"/>');
    const add = await f.s.json(`/api/resource/${f.zones}/feature/?srs=4326`, {
      method: "POST",
      auth: f.s.admin,
      body: { geom: "POLYGON ((30 40, 31 40, 31 41, 30 41, 30 40))", fields: { name: "Far" } },
    });
    expect(add.status).toBe(200);
    expect(await caps()).toContain('<LatLonBoundingBox minx="10" miny="40" maxx="31" maxy="50"/>');
  });
});

describe("other endpoints", () => {
  test("/ows serves the whole catalog to the administrator", async () => {
    const r = await f.s.fetch("/ows?SERVICE=WMS&REQUEST=GetCapabilities", { auth: f.s.admin });
    expect(r.status).toBe(200);
    const xml = await r.text();
    expect(xml).toContain("<Title>zones style</Title>");
  });
  test("/ows?MAP= without a project provider is a 4xx report", async () => {
    const r = await f.s.fetch("/ows?SERVICE=WMS&REQUEST=GetCapabilities&MAP=nothing");
    expect(r.status).toBe(404);
    expect(await r.text()).toContain("<ServiceExceptionReport");
  });
  test("/geoserver/wms answers capabilities; an unknown workspace is a 4xx report", async () => {
    const r = await f.s.fetch("/geoserver/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1");
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("<WMT_MS_Capabilities");
    const ws = await f.s.fetch("/geoserver/nope/ows?SERVICE=WMS&REQUEST=GetCapabilities");
    expect(ws.status).toBe(404);
  });
  test("a guest refused a private service is challenged", async () => {
    const c = await f.s.json("/api/resource/", {
      method: "POST",
      auth: f.s.admin,
      body: { resource: { cls: "resource_group", parent: { id: 0 }, display_name: "closed" } },
    });
    await f.s.json(`/api/resource/${c.body.id}`, {
      method: "PUT",
      auth: f.s.admin,
      body: {
        resource: {
          permissions: [
            {
              action: "deny",
              principal: { id: SYSTEM.guest },
              identity: "",
              scope: "service",
              permission: "",
              propagate: true,
            },
          ],
        },
      },
    });
    const svc = await f.s.json("/api/resource/", {
      method: "POST",
      auth: f.s.admin,
      body: {
        resource: {
          cls: "wmsserver_service",
          parent: { id: c.body.id },
          display_name: "closed wms",
        },
      },
    });
    expect(svc.status).toBe(201);
    const r = await f.s.fetch(
      `/api/resource/${svc.body.id}/wms?SERVICE=WMS&REQUEST=GetCapabilities`,
    );
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toContain("Basic");
  });
});
