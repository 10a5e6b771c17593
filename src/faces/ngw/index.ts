/**
 * @module The NextGIS Web face: NGW's REST API at NGW's own paths (lower case, because GDAL
 * lower-cases URLs). The route table below is the whole face; each handler lives in the file
 * of its endpoint family, and every route carries NGW's route name for pyramid/route.
 */
import { Hono } from "hono";
import type { AppContext, Env } from "../../http/context.ts";
import { authHandlers } from "./auth.ts";
import { ngwOnError } from "./errors.ts";
import { fileUploadHandlers } from "./file-upload.ts";
import { pyramidHandlers } from "./pyramid.ts";
import { resourceHandlers } from "./resource.ts";
import { type Handler, honoPath, type NgwRoute } from "./routes.ts";

/** Routes other engines add to this face (features, MVT, render, …) before it is built. */
export type NgwExtension = (app: AppContext) => NgwRoute[];

export function ngwFace(
  app: AppContext,
  extensions: NgwExtension[] = [],
): { face: Hono<Env>; routes: NgwRoute[] } {
  const res = resourceHandlers(app);
  const auth = authHandlers(app);
  const pyr = pyramidHandlers(app, () => routes);
  const up = fileUploadHandlers(app);

  // prettier-ignore
  const routes: NgwRoute[] = [
    { name: "pyramid.route", path: "/api/component/pyramid/route", methods: { GET: pyr.route } },
    {
      name: "pyramid.pkg_version",
      path: "/api/component/pyramid/pkg_version",
      methods: { GET: pyr.pkgVersion },
    },
    {
      name: "pyramid.healthcheck",
      path: "/api/component/pyramid/healthcheck",
      methods: { GET: pyr.healthcheck },
    },
    { name: "pyramid.ping", path: "/api/component/pyramid/ping", methods: { GET: pyr.ping } },
    {
      name: "pyramid.settings",
      path: "/api/component/pyramid/settings",
      methods: { GET: pyr.settings },
    },
    {
      name: "pyramid.csettings",
      path: "/api/component/pyramid/csettings",
      methods: { GET: pyr.settings },
    },

    {
      name: "resource.blueprint",
      path: "/api/component/resource/blueprint",
      methods: { GET: res.blueprint },
    },
    { name: "resource.schema", path: "/resource/schema", methods: { GET: res.schema } },
    {
      name: "resource.collection",
      path: "/api/resource/",
      methods: { GET: res.collection, POST: res.create },
    },
    { name: "resource.search", path: "/api/resource/search/", methods: { GET: res.search } },
    {
      name: "resource.item",
      path: "/api/resource/{id}",
      methods: { GET: res.item, PUT: res.update, DELETE: res.remove },
    },
    {
      name: "resource.permission",
      path: "/api/resource/{id}/permission",
      methods: { GET: res.permission },
    },
    { name: "resource.child", path: "/resource/{id}/child/", methods: { GET: res.legacyChildren } },
    {
      name: "resource.child.item",
      path: "/resource/{id}/child/{child}",
      methods: { GET: res.legacyChild },
    },
    { name: "resource.store", path: "/resource/store/", methods: { GET: res.legacyStore } },
    {
      name: "resource.store.item",
      path: "/resource/store/{id}",
      methods: { GET: res.legacyStore },
    },

    {
      name: "auth.login_cookies",
      path: "/api/component/auth/login",
      methods: { POST: auth.login },
    },
    {
      name: "auth.logout_cookies",
      path: "/api/component/auth/logout",
      methods: { POST: auth.logout },
    },
    {
      name: "auth.current_user",
      path: "/api/component/auth/current_user",
      methods: { GET: auth.currentUser, POST: auth.currentUser },
    },
    {
      name: "auth.register",
      path: "/api/component/auth/register",
      methods: { POST: auth.register },
    },
    // NGW 4.x also took self-registration at the short path.
    { path: "/register", methods: { POST: auth.register } },
    {
      name: "auth.profile",
      path: "/api/component/auth/profile",
      methods: { GET: auth.profile, PUT: auth.profileUpdate },
    },
    {
      name: "auth.user.collection",
      path: "/api/component/auth/user/",
      methods: { GET: auth.userList, POST: auth.userCreate },
    },
    {
      name: "auth.user.item",
      path: "/api/component/auth/user/{id}",
      methods: { GET: auth.userItem, PUT: auth.userUpdate, DELETE: auth.userDelete },
    },
    {
      name: "auth.group.collection",
      path: "/api/component/auth/group/",
      methods: { GET: auth.groupList, POST: auth.groupCreate },
    },
    {
      name: "auth.group.item",
      path: "/api/component/auth/group/{id}",
      methods: { GET: auth.groupItem, PUT: auth.groupUpdate, DELETE: auth.groupDelete },
    },

    { name: "audit.log", path: "/api/component/audit/", methods: { GET: auth.audit } },
    {
      name: "file_upload.collection",
      path: "/api/component/file_upload/",
      methods: { POST: up.create, PUT: up.put, OPTIONS: up.tusOptions },
    },
    {
      name: "file_upload.upload",
      path: "/api/component/file_upload/upload",
      methods: { POST: up.form, PUT: up.put },
    },
    {
      name: "file_upload.item",
      path: "/api/component/file_upload/{id}",
      methods: { GET: up.item, HEAD: up.tusHead, PATCH: up.tusPatch, DELETE: up.tusDelete },
    },
  ];
  for (const ext of extensions) routes.push(...ext(app));

  const face = new Hono<Env>({ strict: false });
  // Authentication wraps each handler rather than sitting in a "*" middleware: this face is
  // mounted at the root, where a wildcard would also run for every other face's paths.
  const withActor =
    (h: Handler): Handler =>
    async (c) => {
      c.set("face", "ngw");
      c.set("actor", await app.auth.forRequest(c));
      return h(c);
    };
  for (const r of routes) {
    for (const [method, handler] of Object.entries(r.methods)) {
      face.on(method, honoPath(r.path), withActor(handler));
    }
  }
  face.onError(ngwOnError);
  return { face, routes };
}
