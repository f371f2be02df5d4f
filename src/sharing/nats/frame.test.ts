import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, FRAME_OVERHEAD, frameId, frameItemBytes, isFrame } from "./frame.ts";

const item = (id: string, text: string) => ({ msgId: id, data: Buffer.from(text) });

describe("frames", () => {
  it("round-trips items (ids and bytes) in order; size is the sum of its parts", () => {
    const items = [item("KOR.n.1", '{"a":1}'), item("KOR.n.2", ""), item("KOR.n.3", "x".repeat(70_000))];
    const f = encodeFrame(items);
    expect(isFrame(f)).toBe(true);
    expect(f.length).toBe(FRAME_OVERHEAD + items.reduce((s, x) => s + frameItemBytes(x.msgId, x.data), 0));
    const d = decodeFrame(f);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.items.map((x) => x.msgId)).toEqual(["KOR.n.1", "KOR.n.2", "KOR.n.3"]);
    expect(d.items.map((x) => Buffer.from(x.data).toString())).toEqual(items.map((x) => x.data.toString()));
  });

  it("decodes from a view into a larger buffer (as a NATS message is)", () => {
    const f = encodeFrame([item("a.b.1", "hello")]);
    const big = Buffer.concat([Buffer.from("junk"), f, Buffer.from("more")]);
    const d = decodeFrame(big.subarray(4, 4 + f.length));
    expect(d.ok && Buffer.from(d.items[0].data).toString()).toBe("hello");
  });

  it("refuses malformed frames with a reason, never throws", () => {
    const good = encodeFrame([item("a.b.1", "hello"), item("a.b.2", "world")]);
    const cases: [Uint8Array, RegExp][] = [
      [Buffer.from("ALF"), /shorter than a frame header/],
      [Buffer.from('{"v":2}'), /no frame magic/],
      [Buffer.concat([Buffer.from("ALF1"), Buffer.from([0, 0])]), /item count 0/],
      [good.subarray(0, good.length - 1), /runs past the frame's end/],
      [Buffer.concat([good, Buffer.from([0])]), /1 trailing bytes/],
      [Buffer.concat([Buffer.from("ALF1"), Buffer.from([0, 1, 0])]), /empty id/],
      [Buffer.concat([Buffer.from("ALF1"), Buffer.from([0, 1, 2, 0x20, 0x41, 0, 0, 0, 0])]), /not printable/],
      [Buffer.concat([Buffer.from("ALF1"), Buffer.from([0, 1, 5, 0x41])]), /truncated in its id/],
      [
        Buffer.concat([Buffer.from("ALF1"), Buffer.from([0, 1, 1, 0x41, 0xff, 0xff, 0xff, 0xff])]),
        /runs past/,
      ],
    ];
    for (const [bytes, re] of cases) {
      const d = decodeFrame(bytes);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.error).toMatch(re);
    }
    // Random bytes after the magic: refused or decoded, never a throw.
    for (let k = 0; k < 500; k++) {
      const junk = Buffer.from(Array.from({ length: 1 + (k % 40) }, (_, i) => (i * 37 + k * 11) & 0xff));
      expect(() => decodeFrame(Buffer.concat([Buffer.from("ALF1"), junk]))).not.toThrow();
    }
  });

  it("refuses to encode nothing, or an id it cannot carry", () => {
    expect(() => encodeFrame([])).toThrow(RangeError);
    expect(() => encodeFrame([item("has space", "x")])).toThrow(RangeError);
    expect(() => encodeFrame([item("x".repeat(256), "x")])).toThrow(RangeError);
  });

  it("frame ids: the same items give the same id, other items another", () => {
    const a = [item("KOR.n.1", "x"), item("KOR.n.2", "y")];
    expect(frameId(a)).toBe(frameId([item("KOR.n.1", "other bytes"), item("KOR.n.2", "y")]));
    expect(frameId(a)).toMatch(/^frame\.KOR\.n\.1\.2\.[A-Za-z0-9_-]{16}$/);
    expect(frameId(a)).not.toBe(frameId([item("KOR.n.1", "x"), item("KOR.n.3", "y")]));
    expect(frameId(a)).not.toBe(frameId([a[0]]));
  });
});
