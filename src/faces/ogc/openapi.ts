/**
 * @module The service description (OpenAPI 3.0) linked as service-desc from the landing page:
 * the face's paths and the items query parameters, so clients can discover limits and CRSes.
 */
import { CRS84, DEFAULT_LIMIT, MAX_LIMIT } from "./params.ts";

const json = (description: string, type = "application/json") => ({
  description,
  content: { [type]: { schema: { type: "object" } } },
});
const problem = { description: "Problem", content: { "application/problem+json": {} } };
const cid = { name: "collectionId", in: "path", required: true, schema: { type: "string" } };
const crs = {
  name: "crs",
  in: "query",
  required: false,
  schema: { type: "string", format: "uri", default: CRS84 },
};

function get(id: string, summary: string, ok: object, parameters: object[] = []) {
  return {
    get: {
      operationId: id,
      summary,
      parameters,
      responses: { "200": ok, "400": problem, "404": problem },
    },
  };
}

export function openApi(base: string, version: string) {
  return {
    openapi: "3.0.3",
    info: { title: "gisd OGC API – Features", version },
    servers: [{ url: base }],
    paths: {
      "/": get("getLandingPage", "Landing page", json("Landing page")),
      "/conformance": get("getConformance", "Conformance classes", json("Conformance")),
      "/collections": get("getCollections", "Feature collections", json("Collections")),
      "/collections/{collectionId}": get(
        "describeCollection",
        "One collection",
        json("Collection"),
        [cid],
      ),
      "/collections/{collectionId}/items": get(
        "getFeatures",
        "Features of a collection",
        json("Features", "application/geo+json"),
        [
          cid,
          {
            name: "limit",
            in: "query",
            required: false,
            schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
          },
          { name: "offset", in: "query", required: false, schema: { type: "integer", minimum: 0 } },
          {
            name: "bbox",
            in: "query",
            required: false,
            style: "form",
            explode: false,
            schema: { type: "array", minItems: 4, maxItems: 6, items: { type: "number" } },
          },
          { ...crs, name: "bbox-crs" },
          crs,
        ],
      ),
      "/collections/{collectionId}/items/{featureId}": get(
        "getFeature",
        "One feature",
        json("Feature", "application/geo+json"),
        [cid, { name: "featureId", in: "path", required: true, schema: { type: "integer" } }, crs],
      ),
    },
  };
}
