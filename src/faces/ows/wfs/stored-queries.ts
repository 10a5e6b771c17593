/**
 * @module WFS 2.0 stored queries: only the mandatory GetFeatureById (§7.9.3.6), listed for every
 * served type and described with its one ID parameter; GetFeature runs it (get-feature.ts).
 */
import { escapeXml } from "../../../geo/xml.ts";
import { invalid } from "./errors.ts";
import { GET_FEATURE_BY_ID } from "./request.ts";
import { qualified, type WfsService } from "./service.ts";

const NS = `xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:xs="http://www.w3.org/2001/XMLSchema"`;
const xmlResponse = (body: string) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`, {
    headers: { "Content-Type": "application/xml; charset=utf-8" },
  });

export function listStoredQueries(s: WfsService): Response {
  const types = s.layers
    .map(
      (l) =>
        `<wfs:ReturnFeatureType xmlns:${l.prefix}="${escapeXml(l.namespaceUri)}">${escapeXml(qualified(l))}</wfs:ReturnFeatureType>`,
    )
    .join("");
  return xmlResponse(
    `<wfs:ListStoredQueriesResponse ${NS}><wfs:StoredQuery id="${GET_FEATURE_BY_ID}"><wfs:Title>Get feature by identifier</wfs:Title>${types}</wfs:StoredQuery></wfs:ListStoredQueriesResponse>`,
  );
}

export function describeStoredQueries(ids: string | undefined): Response {
  const wanted =
    ids
      ?.split(",")
      .map((x) => x.trim())
      .filter(Boolean) ?? [];
  for (const id of wanted) {
    if (id !== GET_FEATURE_BY_ID)
      throw invalid(`Stored query '${id.slice(0, 80)}' is not known.`, "STOREDQUERY_ID");
  }
  return xmlResponse(
    `<wfs:DescribeStoredQueriesResponse ${NS}><wfs:StoredQueryDescription id="${GET_FEATURE_BY_ID}"><wfs:Title>Get feature by identifier</wfs:Title><wfs:Parameter name="ID" type="xs:string"/><wfs:QueryExpressionText isPrivate="true" language="urn:ogc:def:queryLanguage:OGC-WFS::WFSQueryExpression" returnFeatureTypes=""/></wfs:StoredQueryDescription></wfs:DescribeStoredQueriesResponse>`,
  );
}
