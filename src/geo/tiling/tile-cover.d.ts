/** @module Types for @mapbox/tile-cover (the package ships none): the one function gisd uses. */
declare module "@mapbox/tile-cover" {
  /** [x, y, z] of every tile at min_zoom..max_zoom that the lon/lat geometry touches. */
  export function tiles(
    geom: { type: string; coordinates: unknown },
    limits: { min_zoom: number; max_zoom: number },
  ): [number, number, number][];
}
