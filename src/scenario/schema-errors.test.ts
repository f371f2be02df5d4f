import { describe, expect, it } from "vitest";
import { closest, editDistance } from "./schema-errors.ts";
import { pointer, YamlSource } from "./yaml-source.ts";

describe("editDistance / closest (the 'did you mean' hints)", () => {
  it.each([
    ["", "", 0],
    ["abc", "abc", 0],
    ["SRMB", "SRBM", 1], // a swap of neighbours is one edit
    ["kitten", "sitting", 3], // the textbook Levenshtein case
    ["nations", "nation", 1],
    ["abc", "", 3],
  ])("%s → %s = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it("suggests only close names", () => {
    expect(closest("Sunnan", ["Sunan", "Sinpo", "Hamhung"])).toBe("Sunan");
    expect(closest("sunan", ["Sunan"])).toBe("Sunan");
    expect(closest("Okinawa", ["Sunan", "Sinpo", "Hamhung"])).toBeUndefined();
  });
});

describe("YamlSource", () => {
  const src = new YamlSource("a: 1\nlist:\n  - {x: 1, y: 2}\n  - k:\n    z: [1, 2]\n");

  it("maps paths to the lines of values, keys, and the deepest existing parent", () => {
    expect(src.lineOf(["a"])).toBe(1);
    expect(src.lineOf(["list", 0, "y"])).toBe(3);
    expect(src.lineOf(["list", 1, "k"])).toBe(4); // a key with no value: the key's line
    expect(src.lineOf(["list", 1, "z", 1])).toBe(5);
    expect(src.lineOf(["list", 1, "missing", "deeper"])).toBe(4);
    expect(src.lineOf(["list", "7"])).toBe(3); // the list itself starts on line 3
  });

  it("writes JSON Pointers with ~ and / escaped", () => {
    expect(pointer([])).toBe("/");
    expect(pointer(["a/b", "c~d", 3])).toBe("/a~1b/c~0d/3");
  });
});
