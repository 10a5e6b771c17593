/**
 * @module The render cache forgets every picture that drew a changed resource, whichever
 * position (style or layer) its "<id>.<version>" holds in the key, and nothing else; change
 * events come from the catalog's Resources (and, from other nodes, through the change feed).
 */
import { expect, test } from "bun:test";
import { renderCache } from "../../src/catalog/render/cache.ts";

test("a change event drops the pictures of that resource only", () => {
  const owner = {
    resources: new (class {
      fns: ((ev: { id: number; kind: string }) => void)[] = [];
      onChange(fn: (ev: { id: number; kind: string }) => void) {
        this.fns.push(fn);
      }
      emit(id: number, kind: string) {
        for (const f of this.fns) f({ id, kind });
      }
    })(),
  };
  const cache = renderCache(owner);
  const png = (n: number) => ({ png: new Uint8Array(n) }) as never;
  const keys = {
    style7: "-1.5,2.5,3.5,4.5|256x256|7.3/5.2",
    layer7: "0,0,1,1|256x256|9.1/7.4;12.1/5.2",
    other: "0,0,1,1|256x256|17.3/70.2;71.1/5.2[0,1]",
  };
  for (const k of Object.values(keys)) cache.set(k, png(10));
  owner.resources.emit(7, "data");
  expect(cache.get(keys.style7)).toBeUndefined();
  expect(cache.get(keys.layer7)).toBeUndefined();
  expect(cache.get(keys.other)).toBeDefined();
  owner.resources.emit(71, "create"); // a new resource has nothing cached yet
  expect(cache.get(keys.other)).toBeDefined();
  owner.resources.emit(5, "delete");
  expect(cache.get(keys.other)).toBeUndefined();
});
