/** @module Lets TypeScript import data files that Bun embeds as strings (sample GeoJSON). */
declare module "*.geojson" {
  const text: string;
  export default text;
}
