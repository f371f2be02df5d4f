import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.ts";
import { continueAuto, runAuto } from "./auto-play.ts";
import { VirtualClockSource, wallTimeFor } from "./clock.ts";
import type { TtxEvent } from "./events.ts";
import { computeMeasures } from "./measures.ts";
import type { AutoAction } from "./model.ts";
import { cellMaySee } from "./releasability.ts";
import { TtxSession } from "./session.ts";
import { clockPhases, stateDigest } from "./state.ts";
import { loadTtxFile } from "./ttx-load.ts";

const SHIPPED = fileURLToPath(new URL("../../scenarios/ttx-deterrence.yaml", import.meta.url));
const def = loadTtxFile(SHIPPED);

/** A session with everyone joined and the clock started, nothing scripted. */
function liveSession() {
  const clock = new VirtualClockSource(0);
  const s = new TtxSession(def, clock);
  for (const p of def.participants) s.handle(p.id, { type: "join" });
  s.handle("ctrl-lead", { type: "resume" });
  const goTo = (t: number) => {
    clock.set(wallTimeFor(s.state.clock, clockPhases(s.state), t));
    s.tick();
  };
  return { s, clock, goTo };
}

describe("a whole exercise played by scripted cells (three national cells, control, SIMCELL, evaluators)", () => {
  const run = runAuto(def);
  const m = computeMeasures(run.session.state);

  it("plays every scripted action and reaches ENDEX", () => {
    expect(run.executed.length).toBe(def.auto.length);
    expect(run.session.state.ended).toBe(true);
    expect(run.session.events.at(-1)!.type).toBe("exercise.ended");
    expect(run.session.events.at(-1)!.t).toBe(12_600);
  });

  it("after-action numbers equal those the script implies (worked out by hand)", () => {
    // Injects: 10 scheduled (I-101..104, I-201..203, I-301..303); I-107 by adjudication; I-304 on demand;
    // I-205 by TR-202 (no trilateral call within 30 min of I-201 at 5400 s: it opens at 7800 s).
    // I-105 (TR-101) and I-106 (TR-102) and I-204 (TR-201) do not fire: their conditions were met.
    expect(m.injectsDelivered).toBe(13);
    expect(m.injectsByReason).toEqual({ scheduled: 10, adjudication: 1, trigger: 1, "on-demand": 1 });
    expect(run.session.state.triggers.get("TR-101")).toBe("satisfied"); // trilateral opened at 480 s < 660 s
    expect(run.session.state.triggers.get("TR-202")).toBe("fired");
    // Consultations: c-m1-rokus, c-m1-tri, c-m2-ncg, c-m2-tri, c-m3-22.
    expect(m.consultations).toBe(5);
    expect(m.consultationsConvened).toBe(5);
    // Detection at 30 s (warning tDetect); KOR opens the ROK-US hotline at I-101 (60 s) + 120 = 180 s.
    expect(m.notifications).toEqual([
      {
        inject: "I-101",
        detectingNation: "KOR",
        tDetect: 30,
        notifiedAt: 180,
        delayS: 150,
        via: "consultation",
      },
    ]);
    expect(m.detectionToAllyNotificationS).toBe(150);
    // First consultation per move: M1 180−60 = 120; M2 (5400+300)−5400 = 300; M3 (9000+300)−9000 = 300.
    expect(m.moves.map((x) => x.timeToFirstConsultationS)).toEqual([120, 300, 300]);
    expect(m.timeToFirstConsultationS).toBe((120 + 300 + 300) / 3);
    // Decisions: DP-1 opens with I-103 at 900 s, P-2 decided at 900+370 → 370;
    // DP-2 opens with I-202 at 5700 s, P-4 decided at 5700+1620 → 1620; DP-3 opens at 9000, P-6 at +660.
    expect(m.decisionPoints.map((d) => d.timeToDecisionS)).toEqual([370, 1620, 660]);
    expect(m.timeToDecisionS).toBeCloseTo((370 + 1620 + 660) / 3, 9);
    // Proposals P-1..P-7; P-3 (carrier visit) refused by KOR: 6 decisions, consensus 6/7.
    expect([m.proposals, m.decisions, m.nonConcurrences]).toEqual([7, 6, 1]);
    expect(m.consensus).toBeCloseTo(6 / 7, 12);
    // Highest rung decided: strategic bomber flyover, rung 5.
    expect(m.escalationRungReached).toBe(5);
    // Statements: S-1 v2 cleared by all at 60+1300 → 1300 after the M1 trigger; S-2 at 9000+1000 → 1000.
    expect(m.moves.map((x) => x.timeToClearedStatementS)).toEqual([1300, null, 1000]);
    expect(m.moves.map((x) => x.timeToReleasedStatementS)).toEqual([1400, null, 1100]);
    expect(m.timeToClearedStatementS).toBe(1150);
    expect(m.statementsReleased).toBe(2);
    // Deadlines: M2's trilateral call (30 min after 5400 s) convened only at 7900 s.
    expect(m.moves.map((x) => x.deadlines.map((d) => d.met))).toEqual([[true, true], [true, false], [true]]);
    expect(m.ratings).toEqual({ "OBJ-1": "P", "OBJ-2": "M", "OBJ-3": "S", "OBJ-4": "P" });
    // Messages m-101, m-102, m-103, m-301; reads: usa-lead read m-101, jpn-lead read m-102.
    // Eligible (message, other national player) pairs: m-101 (KOR,USA): kor-lead, usa-lead = 2;
    // m-102 (all): kor-jcs, usa-lead, jpn-lead = 3; m-103 (KOR,USA): kor-lead, kor-jcs = 2; m-301 (JPN,USA): usa-lead = 1.
    expect(m.messages).toBe(4);
    expect(m.readShare).toBe(2 / 8);
    // The decided missile-defence posture (lead time 30 min) is carried out at 1270 + 1800 s.
    expect(run.session.state.proposals.get("P-2")!.executedAt).toBe(3070);
  });

  it("a JPN participant never receives a KOR–US-only message or event", () => {
    const received = new Map<string, TtxEvent[]>();
    const clock = new VirtualClockSource(0);
    const s = new TtxSession(def, clock);
    for (const p of def.participants) {
      received.set(p.id, []);
      s.subscribe(p.id, (e) => received.get(p.id)!.push(e));
    }
    for (const p of def.participants) s.handle(p.id, { type: "join" });
    s.handle("ctrl-lead", { type: "resume" });
    continueAuto(s, clock);
    expect(s.events.length).toBe(run.session.events.length);

    const jpnIds = def.participants.filter((p) => p.cell === "JPN").map((p) => p.id);
    expect(jpnIds).toEqual(["jpn-lead", "eval-jpn"]);
    for (const id of jpnIds) {
      const got = received.get(id)!;
      // Everything received is addressed to Japan...
      for (const e of got) expect(cellMaySee("JPN", e.audience)).toBe(true);
      // ...and exactly those events: none missing, none extra.
      expect(got).toEqual(s.events.filter((e) => cellMaySee("JPN", e.audience)));
      expect(got).toEqual(s.eventsFor(id));
      const messages = got
        .filter((e) => e.type === "message.sent")
        .map((e) => (e as { message: string }).message);
      // m-101 is on the ROK-US hotline; m-103 is labelled REL KOR, USA inside the trilateral call.
      expect(messages).toEqual(["m-102", "m-301"]);
      const ids = JSON.stringify(got);
      for (const secret of [
        "c-m1-rokus",
        "c-m2-ncg",
        "c-m3-22",
        "P-1",
        "P-3",
        "P-4",
        "P-6",
        "I-202",
        "I-302",
      ])
        expect(ids).not.toContain(JSON.stringify(secret));
      expect(ids).not.toContain("KOR-US only");
    }
    // Korea got m-103 with its label; staff got everything.
    const m103 = received.get("kor-lead")!.find((e) => e.type === "message.sent" && e.message === "m-103")!;
    expect(m103.type === "message.sent" && m103.label.categories[0].values).toEqual(["KOR", "USA"]);
    expect(received.get("obs-1")!.length).toBe(s.events.length);
    expect(received.get("sim-media")!.length).toBe(s.events.length);
    // The released statements are public: Japan sees S-2's release but none of its drafting.
    const jpnTypes = received
      .get("jpn-lead")!
      .filter((e) => JSON.stringify(e).includes('"S-2"'))
      .map((e) => e.type);
    expect(jpnTypes).toEqual(["statement.released"]);
  });

  it("replay of the event list reproduces the state; measures agree", () => {
    const replayed = TtxSession.replay(def, run.session.events, new VirtualClockSource(0));
    expect(stateDigest(replayed.state)).toBe(stateDigest(run.session.state));
    expect(computeMeasures(replayed.state)).toEqual(m);
    // Through JSON, as a store would keep it.
    const fromJson = TtxSession.replay(
      def,
      JSON.parse(JSON.stringify(run.session.events)),
      new VirtualClockSource(0),
    );
    expect(stateDigest(fromJson.state)).toBe(stateDigest(run.session.state));
  });

  it("a fork at any point, played on with the same script, ends where the original ended", () => {
    for (const atS of [0, 1000, 5400, 9500]) {
      const clock = new VirtualClockSource(0);
      const f = run.session.fork(atS, clock);
      expect(f.state.clock.running).toBe(false);
      expect(f.events.filter((e) => e.t <= atS && e.type !== "clock.paused").length).toBe(
        run.session.events.filter((e) => e.t <= atS).length,
      );
      f.handle("ctrl-lead", { type: "resume" });
      continueAuto(f, clock);
      const strip = (es: readonly TtxEvent[]) =>
        es.filter((e) => !e.type.startsWith("clock.")).map(({ seq: _s, wallMs: _w, ...rest }) => rest);
      expect(strip(f.events)).toEqual(strip(run.session.events));
      expect(computeMeasures(f.state)).toEqual(m);
    }
  });

  it("a fork goes its own way: Japan brought in on time in move 2 meets the deadline the original missed", () => {
    const clock = new VirtualClockSource(0);
    const f = run.session.fork(5400, clock);
    f.handle("ctrl-lead", { type: "resume" });
    const late = new Set(["c-m2-tri"]);
    const script: AutoAction[] = def.auto.map((a) =>
      late.has(String(a.command.consultationId)) ? { ...a, delayS: a.delayS - 1800 } : a,
    );
    continueAuto(f, clock, { script });
    const fm = computeMeasures(f.state);
    expect(fm.moves[1].deadlines).toEqual([
      { channel: "ncg", met: true },
      { channel: "trilateral-call", met: true },
    ]);
    expect(f.state.triggers.get("TR-202")).toBe("satisfied");
    expect(fm.injectsDelivered).toBe(12);
    // The original is untouched.
    expect(run.session.state.triggers.get("TR-202")).toBe("fired");
  });
});

describe("commands", () => {
  it("bad commands are refused with a clear error and change nothing", () => {
    const { s, goTo } = liveSession();
    goTo(1000); // I-101..I-103 delivered, DP-1 open
    s.handle("kor-lead", { type: "open-consultation", consultationId: "c1", channel: "rok-us-hotline" });
    s.handle("kor-lead", {
      type: "send-message",
      messageId: "m1",
      consultationId: "c1",
      text: "KOR-US only",
    });
    s.handle("kor-lead", {
      type: "draft-statement",
      statementId: "S",
      parties: ["KOR", "USA"],
      text: { en: "x", ar: "س" },
    });
    const cases: [string, unknown, RegExp][] = [
      ["nobody", { type: "leave" }, /unknown participant "nobody"/],
      ["kor-lead", { type: "fly" }, /command\.type: expected one of join, leave/],
      ["kor-lead", { type: "join" }, /kor-lead has already joined/],
      [
        "kor-lead",
        { type: "send-message", messageId: "m2", text: "hi" },
        /give either consultationId .* or to/,
      ],
      [
        "kor-lead",
        { type: "send-message", messageId: "m1", consultationId: "c1", text: "again" },
        /message id "m1" is already used/,
      ],
      ["kor-lead", { type: "read", messageId: "m1", extra: 1 }, /read\.extra: unknown field/],
      ["jpn-lead", { type: "join-consultation", consultationId: "c1" }, /unknown consultation "c1"/],
      ["jpn-lead", { type: "read", messageId: "m1" }, /unknown message "m1"/],
      [
        "jpn-lead",
        { type: "open-consultation", consultationId: "c2", channel: "ncg" },
        /JPN is not a member of channel "ncg"/,
      ],
      [
        "jpn-lead",
        { type: "open-consultation", consultationId: "c2", channel: "nccg" },
        /unknown channel "nccg"/,
      ],
      [
        "usa-lead",
        { type: "open-consultation", consultationId: "c3", channel: "rok-us-hotline" },
        /already has an open consultation \("c1"\)/,
      ],
      [
        "usa-lead",
        { type: "send-message", messageId: "m3", consultationId: "c1", text: "x" },
        /USA has not joined consultation "c1"/,
      ],
      [
        "kor-lead",
        {
          type: "send-message",
          messageId: "m4",
          consultationId: "c1",
          releasableTo: ["KOR", "JPN"],
          text: "x",
        },
        /releasableTo: JPN not a member of channel "rok-us-hotline"/,
      ],
      [
        "eval-lead",
        { type: "send-message", messageId: "m5", to: ["USA"], text: "x" },
        /only players of a national cell may send messages/,
      ],
      ["kor-lead", { type: "deliver-inject", injectId: "I-105" }, /only controllers may deliver injects/],
      [
        "ctrl-lead",
        { type: "deliver-inject", injectId: "I-101" },
        /inject "I-101" was already delivered at 60 s/,
      ],
      ["ctrl-lead", { type: "deliver-inject", injectId: "I-999" }, /unknown inject "I-999"/],
      [
        "usa-lead",
        { type: "propose", proposalId: "P", decisionPoint: "DP-1", option: "strategic-bomber-flyover" },
        /not available yet: a consultation on channel "rok-us-hotline" must have convened/,
      ],
      [
        "usa-lead",
        { type: "propose", proposalId: "P", decisionPoint: "DP-2", option: "carrier-visit" },
        /decision point "DP-2" is not open yet/,
      ],
      [
        "jpn-lead",
        { type: "propose", proposalId: "P", decisionPoint: "DP-1", option: "carrier-visit" },
        /option "carrier-visit" is not offered at decision point "DP-1"/,
      ],
      [
        "jpn-lead",
        { type: "propose", proposalId: "P", decisionPoint: "DP-1", option: "trilateral-warning-exercise" },
        /JPN may not lead option/,
      ],
      [
        "usa-lead",
        { type: "clear-statement", statementId: "S", version: 2 },
        /version 2 is not the current draft \(version 1\)/,
      ],
      ["usa-lead", { type: "release-statement", statementId: "S" }, /not cleared by KOR, USA/],
      ["jpn-lead", { type: "clear-statement", statementId: "S", version: 1 }, /unknown statement "S"/],
      [
        "kor-lead",
        { type: "draft-statement", statementId: "T", parties: ["KOR", "USA"], text: { en: "x" } },
        /draft-statement\.text\.ar: is required/,
      ],
      [
        "eval-lead",
        { type: "rate-objective", objectiveId: "OBJ-1", rating: "A" },
        /rating: expected one of P, S, M, U, got "A"/,
      ],
      [
        "eval-lead",
        { type: "rate-objective", objectiveId: "OBJ-9", rating: "P" },
        /unknown objective "OBJ-9"/,
      ],
      [
        "obs-1",
        { type: "rate-objective", objectiveId: "OBJ-1", rating: "P" },
        /only evaluators and controllers rate objectives/,
      ],
      [
        "ctrl-lead",
        { type: "shift-timeline", fromS: 10, deltaS: 60 },
        /fromS: 10 s is in the past \(now 1000 s\)/,
      ],
      [
        "ctrl-lead",
        { type: "shift-timeline", fromS: 5000, deltaS: -4500 },
        /would move inject "I-201" to 900 s, before now \(1000 s\)/,
      ],
      ["ctrl-lead", { type: "resume" }, /already running/],
      ["ctrl-lead", { type: "adjudicate", proposalId: "P-1", ruling: "x" }, /unknown proposal "P-1"/],
      [
        "eval-lead",
        {
          type: "add-improvement",
          itemId: "I",
          objectiveId: "OBJ-1",
          issue: "i",
          correctiveAction: "c",
          capability: "x",
          owner: "o",
          dueDate: "2025-13-45",
        },
        /dueDate: expected a date YYYY-MM-DD/,
      ],
    ];
    for (const [actor, cmd, re] of cases) {
      const before = stateDigest(s.state);
      const n = s.events.length;
      let err: unknown;
      try {
        s.handle(actor, cmd);
      } catch (e) {
        err = e;
      }
      expect(err, `${actor} ${JSON.stringify(cmd)}`).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(re);
      expect(s.events.length).toBe(n);
      expect(stateDigest(s.state)).toBe(before);
    }
  });

  it("player commands wait for STARTEX, stop while paused and after ENDEX; evaluators may still rate", () => {
    const clock = new VirtualClockSource(0);
    const s = new TtxSession(def, clock);
    s.handle("kor-lead", { type: "join" });
    s.handle("ctrl-lead", { type: "join" });
    s.handle("eval-lead", { type: "join" });
    expect(() =>
      s.handle("kor-lead", { type: "open-consultation", consultationId: "c", channel: "ncg" }),
    ).toThrow(/has not started/);
    s.handle("ctrl-lead", { type: "resume" });
    clock.advance(100_000); // 100 s at 1×
    expect(s.now()).toBe(100);
    s.handle("ctrl-lead", { type: "pause" });
    clock.advance(500_000);
    expect(s.now()).toBe(100); // stands still while paused
    expect(() =>
      s.handle("kor-lead", { type: "open-consultation", consultationId: "c", channel: "ncg" }),
    ).toThrow(/paused/);
    s.handle("ctrl-lead", { type: "resume" });
    clock.advance(50_000);
    expect(s.now()).toBe(150);
    clock.set(wallTimeFor(s.state.clock, clockPhases(s.state), 12_600));
    s.tick();
    expect(s.state.ended).toBe(true);
    expect(() =>
      s.handle("kor-lead", { type: "open-consultation", consultationId: "c", channel: "ncg" }),
    ).toThrow(/ENDEX/);
    s.handle("eval-lead", { type: "rate-objective", objectiveId: "OBJ-1", rating: "U", note: "no play" });
    expect(computeMeasures(s.state).ratings).toEqual({ "OBJ-1": "U" });
  });

  it("shift-timeline moves the remaining injects and moves by the same amount, keeping their spacing", () => {
    const { s, goTo } = liveSession();
    goTo(2000);
    const before = [...s.state.injects.values()].filter(
      (i) => i.deliveredAt === null && i.deliveryS !== null,
    );
    const times = new Map(before.map((i) => [i.inject.id, i.deliveryS!]));
    s.handle("ctrl-lead", { type: "shift-timeline", fromS: 5400, deltaS: 600 });
    for (const [id, t] of times) expect(s.state.injects.get(id)!.deliveryS).toBe(t + 600);
    expect(s.state.moveStart.get("M2")).toBe(6000);
    expect(s.state.moveStart.get("M3")).toBe(9600);
    expect(s.state.moveStart.get("M1")).toBe(0);
    expect(s.now()).toBe(2000); // the clock is continuous across the shift
    goTo(6000);
    expect(s.state.injects.get("I-201")!.deliveredAt).toBe(6000);
    expect(s.state.injects.get("I-202")!.deliveredAt).toBeNull(); // due at 6300 now
    const shifted = s.events.find((e) => e.type === "timeline.shifted")!;
    expect(shifted.audience).toEqual({ all: false, cells: [] }); // staff only
  });

  it("compression per move: move 2 runs at 4×, so 900 wall seconds cover 3600 exercise seconds", () => {
    const { s, clock, goTo } = liveSession();
    goTo(5400);
    const w = clock.nowMs();
    clock.set(w + 900_000);
    expect(s.now()).toBe(9000);
  });

  it("presence and read receipts", () => {
    const { s, goTo } = liveSession();
    goTo(120);
    expect([...s.state.participants.values()].every((p) => p.online)).toBe(true);
    s.handle("jpn-lead", { type: "leave" });
    expect(s.state.participants.get("jpn-lead")!.online).toBe(false);
    expect(() => s.handle("jpn-lead", { type: "read", messageId: "x" })).toThrow(/must join before/);
    s.handle("kor-lead", { type: "send-message", messageId: "d1", to: ["USA"], text: "launch detected" });
    goTo(130);
    s.handle("usa-lead", { type: "read", messageId: "d1" });
    expect(() => s.handle("usa-lead", { type: "read", messageId: "d1" })).toThrow(/already read/);
    expect([...s.state.messages.get("d1")!.readBy]).toEqual([["usa-lead", 130]]);
    const receipt = s.events.at(-1)!;
    expect(receipt.type).toBe("message.read");
    expect(receipt.audience).toEqual({ all: false, cells: ["KOR", "USA"] });
  });

  it("a statement edited after clearance must be cleared again by every party", () => {
    const { s, goTo } = liveSession();
    goTo(200);
    const text = { en: "We condemn the launch.", ar: "ندين الإطلاق." };
    s.handle("kor-lead", { type: "draft-statement", statementId: "S", parties: ["KOR", "USA", "JPN"], text });
    s.handle("kor-lead", { type: "clear-statement", statementId: "S", version: 1 });
    s.handle("usa-lead", { type: "clear-statement", statementId: "S", version: 1 });
    s.handle("jpn-lead", {
      type: "draft-statement",
      statementId: "S",
      parties: ["KOR", "USA", "JPN"],
      text: { ...text, en: "We strongly condemn the launch." },
    });
    expect(() => s.handle("kor-lead", { type: "release-statement", statementId: "S" })).toThrow(
      /version 2 is not cleared by KOR, USA, JPN/,
    );
    for (const p of ["kor-lead", "usa-lead", "jpn-lead"])
      s.handle(p, { type: "clear-statement", statementId: "S", version: 2 });
    s.handle("kor-lead", { type: "release-statement", statementId: "S" });
    expect(s.state.statements.get("S")!.releasedAt).toBe(200);
  });
});

describe("missile warnings from the coupled simulation", () => {
  const deg = Math.PI / 180;
  const event = {
    threatId: "T-77",
    missileClass: "IRBM",
    launchPoint: { lat: 40 * deg, lon: 127 * deg },
    impactPoint: { lat: 38 * deg, lon: 140 * deg },
    ellipse: {
      center: { lat: 38 * deg, lon: 140 * deg },
      semiMajorM: 30_000,
      semiMinorM: 10_000,
      orientation: 1.2,
      probability: 0.95,
    },
    tLaunch: 500,
    tDetect: 520,
    tImpact: 1400,
    detectingNation: "JPN",
    recipients: ["JPN", "USA"],
    track: [{ t: 520, lat: 40.1 * deg, lon: 127.3 * deg, altM: 30_000 }],
  };

  it("becomes an inject with track, impact prediction and time to impact, for its recipients only", () => {
    const { s, goTo } = liveSession();
    goTo(600);
    const out = s.ingestWarning(event);
    expect(out[0].type).toBe("inject.delivered");
    const e = out[0] as Extract<TtxEvent, { type: "inject.delivered" }>;
    expect(e.inject.id).toBe("W-T-77");
    expect(e.reason).toBe("warning");
    expect(e.audience).toEqual({ all: false, cells: ["USA", "JPN"] });
    expect(e.inject.warning).toEqual(event);
    // 1400 − 600 = 800 s to impact; 30 × 10 km ellipse; launch 40N 127E.
    expect(e.inject.text.en).toContain("time to impact 800 s");
    expect(e.inject.text.en).toContain("40.00N 127.00E");
    expect(e.inject.text.en).toContain("95% ellipse 30 x 10 km");
    expect(e.inject.text.ar).toContain("800 ثانية");
    expect(s.eventsFor("kor-lead").some((x) => x.seq === e.seq)).toBe(false);
    // Japan and the US both had it at 600 s: detection (520 s) to ally notification = 80 s via the warning.
    expect(computeMeasures(s.state).notifications.find((n) => n.inject === "W-T-77")).toEqual({
      inject: "W-T-77",
      detectingNation: "JPN",
      tDetect: 520,
      notifiedAt: 600,
      delayS: 80,
      via: "warning",
    });
    expect(() => s.ingestWarning(event)).toThrow(/already exists/);
  });

  it("a malformed warning is refused naming the field", () => {
    const { s, goTo } = liveSession();
    goTo(600);
    const n = s.events.length;
    expect(() => s.ingestWarning({ ...event, tImpact: 400 })).toThrow(
      /warning\.tImpact: 400 is not after tLaunch 500/,
    );
    expect(() => s.ingestWarning({ ...event, detectingNation: "PRK" })).toThrow(
      /warning\.detectingNation: expected KOR, USA or JPN/,
    );
    expect(() => s.ingestWarning({ ...event, ellipse: { ...event.ellipse, semiMinorM: 50_000 } })).toThrow(
      /semiMinorM: 50000 exceeds semiMajorM/,
    );
    expect(() => s.ingestWarning({ ...event, launchPoint: { lat: 2, lon: 0 } })).toThrow(
      /warning\.launchPoint\.lat: 2 is outside/,
    );
    expect(() => s.ingestWarning({ ...event, colour: "red" })).toThrow(/warning\.colour: unknown field/);
    expect(s.events.length).toBe(n);
  });
});
