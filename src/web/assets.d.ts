/** @module Precompressed UI assets (src/web/generated/*.gz|.br) import as embedded file paths. */
declare module "*.gz" {
  const path: string;
  export default path;
}
declare module "*.br" {
  const path: string;
  export default path;
}
