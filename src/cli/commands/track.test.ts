import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Rng } from "../../core/rng.ts";
import { CvScenario } from "../../tracking/cv-scenario.ts";
import { parseTrackOptions } from "./track.ts";

const dir = mkdtempSync(join(tmpdir(), "allylink-track-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(import.meta.dirname, "../../../bin/allylink.js"), ...args], {
    encoding: "utf8",
  });
const dets = join(dir, "dets.csv");
const truth = join(dir, "truth.csv");

beforeAll(() => {
  // 6 targets, Pd 0.9, 4 clutter points per scan, 50 scans; an extra ignored column.
  const sc = new CvScenario(new Rng("cli-track"), { targets: 6, pd: 0.9, clutterPerScan: 4 });
  const d = ["t,x,y,z,sensor,truth,snr"];
  const tr = ["t,id,x,y,z,vx,vy,vz"];
  for (let s = 0; s < 50; s++) {
    if (s) sc.step();
    sc.detections().forEach((x, i) => {
      d.push([x.t, ...x.z, "r1", sc.lastTruthIds[i] ?? "", 12].join(","));
    });
    for (const p of sc.truthPoints()) tr.push([sc.t, p.id, ...Array.from(p.state)].join(","));
  }
  writeFileSync(dets, `${d.join("\n")}\n`);
  writeFileSync(truth, `${tr.join("\n")}\n`);
});

it("track --json prints the summary with metrics against truth, and writes tracks", () => {
  const out = join(dir, "tracks.csv");
  const r = cli(
    "track",
    "--detections",
    dets,
    "--truth",
    truth,
    "--model",
    "cv",
    "--q",
    "0.1",
    "--sigma",
    "10",
    "--json",
    "--out",
    out,
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const s = JSON.parse(r.stdout);
  for (const k of [
    "tracks",
    "confirmedTracks",
    "spuriousTracks",
    "msPerScan",
    "rmseM",
    "meanNees",
    "gospa",
  ]) {
    expect(s).toHaveProperty(k);
  }
  expect(s.confirmedTracks).toBe(6);
  expect(s.spuriousTracks).toBe(0);
  expect(s.rmseM).toBeGreaterThan(5);
  expect(s.rmseM).toBeLessThan(13);
  expect(s.meanNees).toBeGreaterThan(3);
  expect(s.meanNees).toBeLessThan(10);
  expect(s.msPerScan).toBeGreaterThan(0);
  const csv = readFileSync(out, "utf8").split("\n");
  expect(csv[0]).toBe("track,t,status,x,y,z,vx,vy,vz,sx,sy,sz,svx,svy,svz");
  expect(csv.some((l) => l.includes(",confirmed,"))).toBe(true);
});

it("without truth the metrics are null; a JSON track file is written", () => {
  const out = join(dir, "tracks.json");
  const r = cli(
    "track",
    "--detections",
    dets,
    "--sigma-x",
    "10",
    "--sigma-y",
    "10",
    "--sigma-z",
    "10",
    "--json",
    "--out",
    out,
  );
  expect(r.status).toBe(0);
  const s = JSON.parse(r.stdout);
  expect(s.rmseM).toBeNull();
  expect(s.spuriousTracks).toBeNull();
  expect(s.gospa).toBeNull();
  expect(s.confirmedTracks).toBe(6);
  const j = JSON.parse(readFileSync(out, "utf8"));
  expect(j.tracks.filter((t: { confirmed: boolean }) => t.confirmed).length).toBe(6);
});

it("bad input: one clear error naming file, line and column (exit 2, no stack)", () => {
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "t,x,y,z\n0,1,2,3\n1,4,five,6\n");
  const r = cli("track", "--detections", bad, "--sigma", "10");
  expect(r.status).toBe(2);
  expect(r.stderr.trim()).toBe(`allylink: ${bad}: line 3, column "y": "five" is not a finite number`);
});

it("flag validation names the flag and the reason", () => {
  const ok = {
    detections: "x.csv",
    frame: "local",
    model: "cv",
    q: "0.1",
    sigma: "10",
    velocitySigma: "300",
    accelerationSigma: "50",
    confirm: "3/4",
    maxMisses: "5",
    gate: "0.999",
    cutoff: "200",
  };
  expect(parseTrackOptions(ok).sigma).toEqual([10, 10, 10]);
  const bad = (patch: Record<string, string | undefined>, re: RegExp) =>
    expect(() => parseTrackOptions({ ...ok, ...patch })).toThrow(re);
  bad({ sigma: undefined }, /--sigma: the measurement σ is required/);
  bad({ sigma: undefined, sigmaX: "1", sigmaY: "2" }, /--sigma: the measurement σ is required/);
  bad({ sigmaX: "1" }, /either --sigma or --sigma-x/);
  bad({ sigma: "-3" }, /--sigma: must be a positive number/);
  bad({ model: "imm" }, /--model: must be "cv" or "ca"/);
  bad({ frame: "wgs84" }, /--frame: must be "local" or "ecef"/);
  bad({ q: "abc" }, /--q: must be a number ≥ 0/);
  bad({ confirm: "5/3" }, /--confirm: must be M\/N/);
  bad({ gate: "1.5" }, /--gate: must be a probability/);
  bad({ maxMisses: "0" }, /--max-misses/);
});
