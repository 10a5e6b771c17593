/**
 * @module The browser UI face: HTML pages at NGW's page paths (/resource/{id},
 * /resource/{id}/display, …), the embedded assets under /ui/assets/ and page data under
 * /ui/api/. The route table below is the whole face. Pages are shells; the data comes from the
 * NGW API, so this face only adds what no NGW endpoint answers in one call.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { CatalogError } from "../../catalog/errors.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { serveAsset } from "./assets.ts";
import { dataHandlers } from "./data.ts";
import { pageHandlers } from "./pages.ts";

type Handler = (c: Context<Env>) => Response | Promise<Response>;

export function webFace(app: AppContext): Hono<Env> {
  const data = dataHandlers(app);
  const pages = pageHandlers(app);
  const face = new Hono<Env>({ strict: false });
  // Actor per handler, not a "*" middleware: the face is mounted at the root (see ngw/index.ts).
  const withActor =
    (h: Handler): Handler =>
    async (c) => {
      c.set("face", "web");
      c.set("actor", await app.auth.forRequest(c));
      return h(c);
    };
  const ID = ":id{[0-9]{1,15}}";

  face.get("/login", pages.login);
  face.get(`/resource/${ID}`, pages.browser);
  face.get(`/resource/${ID}/feature`, pages.table);
  face.get(`/resource/${ID}/preview`, pages.preview);
  face.get(`/resource/${ID}/display`, pages.display);
  face.get(`/resource/${ID}/display/tiny`, pages.tiny);
  face.get("/ui/assets/:name", serveAsset);
  face.get(`/ui/api/display/${ID}`, withActor(data.display));
  face.get(`/ui/api/breadcrumbs/${ID}`, withActor(data.breadcrumbs));

  face.onError((err, c) => {
    // The pages live at NGW's paths, so errors take NGW's error JSON shape (reference/ngw.md §1.2).
    if (err instanceof CatalogError)
      return c.json(
        {
          title: err.title,
          message: err.message,
          status_code: err.status,
          exception: `gisd.${err.code}`,
          data: err.data,
        },
        err.status as 400,
      );
    console.error(err);
    const message = "Internal error";
    return c.json({ title: message, message, status_code: 500, exception: "gisd.internal" }, 500);
  });
  return face;
}
