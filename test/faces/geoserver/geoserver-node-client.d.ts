/** @module The real client ships no types; the tests use it as the untyped JavaScript it is. */
declare module "geoserver-node-client" {
  export const GeoServerRestClient: any;
  export type GeoServerRestClient = any;
}
