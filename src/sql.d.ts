/** @module Lets TypeScript import .sql and other text assets that Bun embeds as strings. */
declare module "*.sql" {
  const text: string;
  export default text;
}
