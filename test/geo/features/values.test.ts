/** @module NGW feature JSON values: loading what clients (GDAL 3.6 included) send, dumping both dt formats. */
import { describe, expect, test } from "bun:test";
import {
  dumpValue,
  FieldValueError,
  filterValue,
  loadValue,
} from "../../../src/geo/features/values.ts";

describe("loadValue", () => {
  test("accepts GDAL 3.6's six-key objects for DATE, TIME and DATETIME", () => {
    const six = { year: 2015, month: 2, day: 7, hour: 12, minute: 30, second: 5 };
    expect(loadValue("DATE", six)).toBe("2015-02-07");
    expect(loadValue("TIME", six)).toBe("12:30:05");
    expect(loadValue("DATETIME", six)).toBe("2015-02-07T12:30:05");
  });
  test("accepts ISO strings and refuses impossible dates", () => {
    expect(loadValue("DATE", "2020-02-29")).toBe("2020-02-29");
    expect(() => loadValue("DATE", "2021-02-29")).toThrow(FieldValueError);
    expect(() => loadValue("DATE", { year: 2021, month: 13, day: 1 })).toThrow(FieldValueError);
  });
  test("coerces integers like NGW and checks int32/int64 ranges", () => {
    expect(loadValue("INTEGER", "42")).toBe(42);
    expect(loadValue("INTEGER", 2.6)).toBe(3);
    expect(() => loadValue("INTEGER", 2 ** 31)).toThrow(FieldValueError);
    expect(loadValue("BIGINT", "9223372036854775807")).toBe("9223372036854775807");
    expect(() => loadValue("BIGINT", "9223372036854775808")).toThrow(FieldValueError);
    expect(() => loadValue("INTEGER", "abc")).toThrow(FieldValueError);
  });
  test("REAL refuses NaN and Infinity", () => {
    expect(loadValue("REAL", "1.500000")).toBe(1.5);
    expect(() => loadValue("REAL", "NaN")).toThrow(FieldValueError);
    expect(() => loadValue("REAL", "Infinity")).toThrow(FieldValueError);
  });
  test("BOOLEAN takes booleans, 0/1 and true/false strings", () => {
    expect(loadValue("BOOLEAN", "true")).toBe(true);
    expect(loadValue("BOOLEAN", 0)).toBe(false);
    expect(() => loadValue("BOOLEAN", "maybe")).toThrow(FieldValueError);
  });
});

describe("dumpValue", () => {
  test("obj and iso date formats", () => {
    expect(dumpValue("DATE", "2015-02-07")).toEqual({ year: 2015, month: 2, day: 7 });
    expect(dumpValue("TIME", "12:30:00")).toEqual({ hour: 12, minute: 30, second: 0 });
    expect(dumpValue("DATETIME", "2015-02-07T12:30:00", "iso")).toBe("2015-02-07T12:30:00");
    expect(dumpValue("DATETIME", "2015-02-07T12:30:00")).toEqual({
      year: 2015,
      month: 2,
      day: 7,
      hour: 12,
      minute: 30,
      second: 0,
    });
  });
  test("bigint formats", () => {
    expect(dumpValue("BIGINT", "9007199254740993")).toBe("9007199254740993");
    expect(dumpValue("BIGINT", 5, "obj", "string")).toBe("5");
    expect(dumpValue("BIGINT", 5)).toBe(5);
  });
});

test("filterValue coerces to the column type but keeps LIKE patterns", () => {
  expect(filterValue("INTEGER", "7", "eq")).toBe(7);
  expect(filterValue("INTEGER", "7%", "like")).toBe("7%");
  expect(filterValue("ID", "12", "gt")).toBe(12);
  expect(() => filterValue("INTEGER", "x", "eq")).toThrow(FieldValueError);
});
