/**
 * Command → events. Each handler reads the state, checks everything (who may do it, whether it makes
 * sense now) and returns the events the command causes; it never changes the state. A refused command
 * throws one UserError saying why, and since nothing was applied, the run is exactly as before.
 *
 * Releasability is decided here, once, by the audience each event gets: a consultation's events go
 * to its channel's members, a proposal's to the lead and the cells whose concurrence it needs, a draft
 * statement's to its parties; a released statement goes to everyone. A participant asking about
 * something their cell may not see is told it does not exist, so refusals leak nothing either.
 */
import { UserError } from "../core/errors.ts";
import type { Command } from "./commands.ts";
import type { InjectReason, PendingEvent } from "./events.ts";
import {
  type Channel,
  isNationalCell,
  type NationalCell,
  type Precondition,
  type ResponseOption,
} from "./model.ts";
import { type Audience, audienceOf, cellMaySee, EVERYONE, STAFF_ONLY, ttxLabel } from "./releasability.ts";
import { moveAt, type ParticipantState, type TtxState } from "./state.ts";

type Events = PendingEvent[];

function fail(msg: string): never {
  throw new UserError(msg);
}

function channelOf(s: TtxState, id: string): Channel {
  return (
    s.def.channels.find((c) => c.id === id) ??
    fail(`unknown channel "${id}" (known: ${s.def.channels.map((c) => c.id).join(", ")})`)
  );
}

function optionOf(s: TtxState, id: string): ResponseOption {
  return s.def.options.find((o) => o.id === id) ?? fail(`unknown option "${id}"`);
}

function channelAudience(c: Channel): Audience {
  return audienceOf(c.members);
}

/** A national player of the actor, or a clear refusal. */
function nationalPlayer(p: ParticipantState, what: string): NationalCell {
  if (p.role !== "player" || !isNationalCell(p.cell))
    fail(`${p.id} is a ${p.role} of ${p.cell}: only players of a national cell may ${what}`);
  return p.cell;
}

function requirePlay(s: TtxState): void {
  if (s.ended) fail("the exercise has ended (ENDEX): play is over");
  if (!s.started) fail("the exercise has not started: control resumes the clock at STARTEX");
  if (!s.clock.running) fail("the exercise is paused: play resumes when control resumes the clock");
}

function requireController(p: ParticipantState, what: string): void {
  if (p.role !== "controller") fail(`${p.id} is a ${p.role}: only controllers may ${what}`);
}

/** A decision point concerns the cells that may lead or must concur in any of its options. */
export function decisionPointAudience(s: TtxState, id: string): Audience {
  const dp = s.def.decisionPoints.find((d) => d.id === id)!;
  const cells = new Set<NationalCell>();
  for (const o of dp.options) {
    const opt = optionOf(s, o);
    for (const c of [...opt.leads, ...opt.concurrences]) cells.add(c);
  }
  return audienceOf(cells);
}

/** Events that deliver an inject now, and open the decision points it opens. */
export function deliveryEvents(
  s: TtxState,
  injectId: string,
  t: number,
  reason: InjectReason,
  actor: string | null,
  trigger?: string,
): Events {
  const st = s.injects.get(injectId)!;
  const events: Events = [
    {
      type: "inject.delivered",
      inject: { ...st.inject, deliveryS: st.deliveryS },
      reason,
      ...(trigger ? { trigger } : {}),
      t,
      actor,
      audience: audienceOf(st.inject.to),
    },
  ];
  for (const dp of s.def.decisionPoints) {
    if (dp.opensOn === injectId && s.decisionPoints.get(dp.id)!.openedAt === null) {
      events.push({
        type: "decision-point.opened",
        decisionPoint: dp.id,
        t,
        actor: null,
        audience: decisionPointAudience(s, dp.id),
      });
    }
  }
  return events;
}

function preconditionMet(s: TtxState, p: Precondition): boolean {
  switch (p.kind) {
    case "consulted":
      return [...s.consultations.values()].some((c) => c.channel === p.channel && c.convenedAt !== null);
    case "decided":
      return [...s.proposals.values()].some((x) => x.option === p.option && x.decidedAt !== null);
    case "inject-delivered":
      return s.injects.get(p.inject)?.deliveredAt != null;
  }
}

function describePrecondition(p: Precondition): string {
  switch (p.kind) {
    case "consulted":
      return `a consultation on channel "${p.channel}" must have convened`;
    case "decided":
      return `option "${p.option}" must have been decided`;
    case "inject-delivered":
      return `inject "${p.inject}" must have been delivered`;
  }
}

function proposalAudience(
  s: TtxState,
  cell: NationalCell,
  required: readonly NationalCell[],
  consultation: string | null,
): Audience {
  const cells = new Set<NationalCell>([cell, ...required]);
  if (consultation)
    for (const c of channelOf(s, s.consultations.get(consultation)!.channel).members) cells.add(c);
  return audienceOf(cells);
}

/**
 * The events a command causes at exercise time t, or a UserError. `actorId` is who sends it (the
 * server's authenticated connection, never a field of the command).
 */
export function handleCommand(s: TtxState, actorId: string, cmd: Command, t: number): Events {
  const actor =
    s.participants.get(actorId) ?? fail(`unknown participant "${actorId}" (not on the exercise roster)`);
  if (cmd.type === "join") {
    if (actor.online) fail(`${actorId} has already joined`);
    return [
      {
        type: "participant.joined",
        participant: actorId,
        cell: actor.cell,
        role: actor.role,
        t,
        actor: actorId,
        audience: EVERYONE,
      },
    ];
  }
  if (!actor.online) fail(`${actorId} must join before sending "${cmd.type}"`);
  const ev = (body: Record<string, unknown>, audience: Audience): PendingEvent =>
    ({ ...body, t, actor: actorId, audience }) as PendingEvent;

  switch (cmd.type) {
    case "leave":
      return [ev({ type: "participant.left", participant: actorId }, EVERYONE)];

    case "open-consultation": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "open a consultation");
      const ch = channelOf(s, cmd.channel);
      if (!ch.members.includes(cell))
        fail(`${cell} is not a member of channel "${ch.id}" (members: ${ch.members.join(", ")})`);
      if (s.consultations.has(cmd.consultationId))
        fail(`consultation id "${cmd.consultationId}" is already used`);
      const open = [...s.consultations.values()].find((c) => c.channel === ch.id && c.closedAt === null);
      if (open)
        fail(`channel "${ch.id}" already has an open consultation ("${open.id}"): join it or close it first`);
      const audience = channelAudience(ch);
      const out: Events = [
        ev(
          {
            type: "consultation.opened",
            consultation: cmd.consultationId,
            channel: ch.id,
            move: moveAt(s, t),
            cell,
          },
          audience,
        ),
        ev(
          { type: "consultation.joined", consultation: cmd.consultationId, cell, participant: actorId },
          audience,
        ),
      ];
      if (ch.required.every((c) => c === cell))
        out.push(ev({ type: "consultation.convened", consultation: cmd.consultationId }, audience));
      return out;
    }

    case "join-consultation": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "join a consultation");
      const c = s.consultations.get(cmd.consultationId);
      const ch = c ? channelOf(s, c.channel) : undefined;
      if (!c || !ch?.members.includes(cell)) fail(`unknown consultation "${cmd.consultationId}"`);
      if (c.closedAt !== null) fail(`consultation "${c.id}" is closed`);
      if (c.present.has(actorId)) fail(`${actorId} is already in consultation "${c.id}"`);
      const audience = channelAudience(ch);
      const out: Events = [
        ev({ type: "consultation.joined", consultation: c.id, cell, participant: actorId }, audience),
      ];
      const joined = new Set([...c.joined.keys(), cell]);
      if (c.convenedAt === null && ch.required.every((r) => joined.has(r)))
        out.push(ev({ type: "consultation.convened", consultation: c.id }, audience));
      return out;
    }

    case "close-consultation": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "close a consultation");
      const c = s.consultations.get(cmd.consultationId);
      const ch = c ? channelOf(s, c.channel) : undefined;
      if (!c || !ch?.members.includes(cell)) fail(`unknown consultation "${cmd.consultationId}"`);
      if (c.closedAt !== null) fail(`consultation "${c.id}" is already closed`);
      return [ev({ type: "consultation.closed", consultation: c.id }, channelAudience(ch))];
    }

    case "send-message": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "send messages");
      if (s.messages.has(cmd.messageId)) fail(`message id "${cmd.messageId}" is already used`);
      let releasableTo: NationalCell[];
      let consultation: string | null = null;
      if (cmd.consultationId !== undefined) {
        const c = s.consultations.get(cmd.consultationId);
        const ch = c ? channelOf(s, c.channel) : undefined;
        if (!c || !ch?.members.includes(cell)) fail(`unknown consultation "${cmd.consultationId}"`);
        if (c.closedAt !== null) fail(`consultation "${c.id}" is closed`);
        if (!c.joined.has(cell)) fail(`${cell} has not joined consultation "${c.id}": join it first`);
        consultation = c.id;
        releasableTo = [...ch.members];
        if (cmd.releasableTo) {
          // A label may narrow a channel's audience, never widen it.
          const outside = cmd.releasableTo.filter((x) => !ch.members.includes(x));
          if (outside.length > 0)
            fail(
              `send-message.releasableTo: ${outside.join(", ")} not a member of channel "${ch.id}" (members: ${ch.members.join(", ")})`,
            );
          if (!cmd.releasableTo.includes(cell))
            fail(`send-message.releasableTo: must include the sender's own cell ${cell}`);
          releasableTo = cmd.releasableTo;
        }
      } else {
        if (cmd.releasableTo)
          fail("send-message.releasableTo: a direct message is releasable to its recipients; use `to`");
        releasableTo = [...new Set<NationalCell>([cell, ...cmd.to!])];
      }
      const audience = audienceOf(releasableTo);
      const rel = audience.all ? [] : [...audience.cells];
      return [
        ev(
          {
            type: "message.sent",
            message: cmd.messageId,
            consultation,
            from: actorId,
            fromCell: cell,
            releasableTo: rel,
            label: ttxLabel(rel),
            text: cmd.text,
            lang: cmd.lang,
          },
          audience,
        ),
      ];
    }

    case "read": {
      const m = s.messages.get(cmd.messageId);
      if (!m || !cellMaySee(actor.cell, m.audience)) fail(`unknown message "${cmd.messageId}"`);
      if (m.readBy.has(actorId)) fail(`${actorId} has already read message "${m.id}"`);
      return [ev({ type: "message.read", message: m.id, participant: actorId }, m.audience)];
    }

    case "propose": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "propose options");
      const dp =
        s.def.decisionPoints.find((d) => d.id === cmd.decisionPoint) ??
        fail(`unknown decision point "${cmd.decisionPoint}"`);
      const dps = s.decisionPoints.get(dp.id)!;
      if (dps.openedAt === null)
        fail(`decision point "${dp.id}" is not open yet (it opens with inject "${dp.opensOn}")`);
      if (dps.closedAt !== null) fail(`decision point "${dp.id}" closed at ${dps.closedAt} s`);
      if (!dp.options.includes(cmd.option))
        fail(
          `option "${cmd.option}" is not offered at decision point "${dp.id}" (offered: ${dp.options.join(", ")})`,
        );
      const opt = optionOf(s, cmd.option);
      if (!opt.leads.includes(cell))
        fail(`${cell} may not lead option "${opt.id}" (leads: ${opt.leads.join(", ")})`);
      if (s.proposals.has(cmd.proposalId)) fail(`proposal id "${cmd.proposalId}" is already used`);
      const twin = [...s.proposals.values()].find(
        (p) => p.decisionPoint === dp.id && p.option === opt.id && p.decidedAt !== null,
      );
      if (twin)
        fail(`option "${opt.id}" was already decided at decision point "${dp.id}" (proposal "${twin.id}")`);
      const unmet = opt.preconditions.filter((p) => !preconditionMet(s, p));
      if (unmet.length > 0)
        fail(`option "${opt.id}" is not available yet: ${unmet.map(describePrecondition).join("; ")}`);
      const required = opt.concurrences.filter((c) => c !== cell);
      let consultation: string | null = null;
      if (cmd.consultationId !== undefined) {
        const c = s.consultations.get(cmd.consultationId);
        const ch = c ? channelOf(s, c.channel) : undefined;
        if (!c || !ch?.members.includes(cell)) fail(`unknown consultation "${cmd.consultationId}"`);
        if (c.closedAt !== null) fail(`consultation "${c.id}" is closed`);
        const missing = required.filter((r) => !ch.members.includes(r));
        if (missing.length > 0)
          fail(
            `option "${opt.id}" needs the concurrence of ${missing.join(", ")}, who are not on channel "${ch.id}"`,
          );
        consultation = c.id;
      }
      return [
        ev(
          {
            type: "proposal.made",
            proposal: cmd.proposalId,
            decisionPoint: dp.id,
            option: opt.id,
            cell,
            required,
            consultation,
          },
          proposalAudience(s, cell, required, consultation),
        ),
      ];
    }

    case "concur": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "concur");
      const p = s.proposals.get(cmd.proposalId);
      const audience = p ? proposalAudience(s, p.cell, p.required, p.consultation) : STAFF_ONLY;
      if (!p || !cellMaySee(cell, audience)) fail(`unknown proposal "${cmd.proposalId}"`);
      if (!p.required.includes(cell))
        fail(
          `proposal "${p.id}" does not ask for ${cell}'s concurrence (asks: ${p.required.join(", ") || "nobody"})`,
        );
      if (p.answers.has(cell)) fail(`${cell} has already answered proposal "${p.id}"`);
      if (p.decidedAt !== null) fail(`proposal "${p.id}" is already decided`);
      if (s.decisionPoints.get(p.decisionPoint)!.closedAt !== null)
        fail(`decision point "${p.decisionPoint}" is closed`);
      return [
        ev(
          { type: "proposal.answered", proposal: p.id, cell, concur: cmd.concur, reason: cmd.reason },
          audience,
        ),
      ];
    }

    case "decide": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "decide");
      const p = s.proposals.get(cmd.proposalId);
      const audience = p ? proposalAudience(s, p.cell, p.required, p.consultation) : STAFF_ONLY;
      if (!p || !cellMaySee(cell, audience)) fail(`unknown proposal "${cmd.proposalId}"`);
      if (p.cell !== cell) fail(`only the lead cell ${p.cell} may decide proposal "${p.id}"`);
      if (p.decidedAt !== null) fail(`proposal "${p.id}" is already decided`);
      if (s.decisionPoints.get(p.decisionPoint)!.closedAt !== null)
        fail(`decision point "${p.decisionPoint}" is closed`);
      const against = p.required.filter((c) => p.answers.get(c)?.concur === false);
      if (against.length > 0)
        fail(`proposal "${p.id}" lacks concurrence: ${against.join(", ")} did not concur`);
      const waiting = p.required.filter((c) => !p.answers.has(c));
      if (waiting.length > 0) fail(`proposal "${p.id}" awaits the concurrence of ${waiting.join(", ")}`);
      const opt = optionOf(s, p.option);
      return [
        ev(
          {
            type: "decision.made",
            proposal: p.id,
            decisionPoint: p.decisionPoint,
            option: opt.id,
            cell,
            rung: opt.rung,
            effectiveS: t + opt.leadTimeS,
          },
          audience,
        ),
      ];
    }

    case "draft-statement": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "draft statements");
      if (!cmd.parties.includes(cell))
        fail(`draft-statement.parties: must include the drafter's own cell ${cell}`);
      if (cmd.parties.length < 2)
        fail("draft-statement.parties: a joint statement needs at least two nations");
      const st = s.statements.get(cmd.statementId);
      if (st) {
        if (!st.parties.includes(cell)) fail(`statement id "${cmd.statementId}" is already used`);
        if (st.releasedAt !== null)
          fail(`statement "${st.id}" was released at ${st.releasedAt} s; draft a new one`);
        const same =
          st.parties.length === cmd.parties.length && st.parties.every((c) => cmd.parties.includes(c));
        if (!same)
          fail(`statement "${st.id}" is between ${st.parties.join(", ")}; its parties cannot change`);
      }
      const parties = audienceOf(cmd.parties);
      const partyList = parties.all ? [] : [...parties.cells];
      return [
        ev(
          {
            type: "statement.drafted",
            statement: cmd.statementId,
            version: (st?.version ?? 0) + 1,
            parties: partyList,
            text: cmd.text,
          },
          parties,
        ),
      ];
    }

    case "clear-statement": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "clear statements");
      const st = s.statements.get(cmd.statementId);
      if (!st?.parties.includes(cell)) fail(`unknown statement "${cmd.statementId}"`);
      if (st.releasedAt !== null) fail(`statement "${st.id}" is already released`);
      if (cmd.version !== st.version)
        fail(`statement "${st.id}": version ${cmd.version} is not the current draft (version ${st.version})`);
      if (st.clearedVersion.get(cell) === st.version)
        fail(`${cell} has already cleared version ${st.version} of statement "${st.id}"`);
      return [
        ev(
          { type: "statement.cleared", statement: st.id, version: st.version, cell },
          audienceOf(st.parties),
        ),
      ];
    }

    case "release-statement": {
      requirePlay(s);
      const cell = nationalPlayer(actor, "release statements");
      const st = s.statements.get(cmd.statementId);
      if (!st?.parties.includes(cell)) fail(`unknown statement "${cmd.statementId}"`);
      if (st.releasedAt !== null) fail(`statement "${st.id}" is already released`);
      const pending = st.parties.filter((c) => st.clearedVersion.get(c) !== st.version);
      if (pending.length > 0)
        fail(`statement "${st.id}" version ${st.version} is not cleared by ${pending.join(", ")}`);
      // Released: public, everyone sees it (the media cell reacts to it).
      return [
        ev(
          {
            type: "statement.released",
            statement: st.id,
            version: st.version,
            parties: [...st.parties],
            text: st.text,
          },
          EVERYONE,
        ),
      ];
    }

    case "deliver-inject": {
      requireController(actor, "deliver injects");
      if (!s.started || s.ended) fail("injects are delivered between STARTEX and ENDEX");
      const inj = s.injects.get(cmd.injectId) ?? fail(`unknown inject "${cmd.injectId}"`);
      if (inj.deliveredAt !== null)
        fail(`inject "${cmd.injectId}" was already delivered at ${inj.deliveredAt} s`);
      return deliveryEvents(s, cmd.injectId, t, "on-demand", actorId);
    }

    case "shift-timeline": {
      requireController(actor, "shift the timeline");
      if (s.ended) fail("the exercise has ended (ENDEX)");
      if (cmd.fromS < t)
        fail(
          `shift-timeline.fromS: ${cmd.fromS} s is in the past (now ${t} s); only the remaining timeline moves`,
        );
      const injects = [...s.injects.values()]
        .filter((i) => i.deliveredAt === null && i.deliveryS !== null && i.deliveryS >= cmd.fromS)
        .sort((a, b) => a.deliveryS! - b.deliveryS! || a.inject.seq - b.inject.seq);
      if (injects.length === 0)
        fail(`shift-timeline: no undelivered scheduled inject at or after ${cmd.fromS} s`);
      const first = injects[0];
      if (first.deliveryS! + cmd.deltaS < t)
        fail(
          `shift-timeline.deltaS: would move inject "${first.inject.id}" to ${first.deliveryS! + cmd.deltaS} s, before now (${t} s)`,
        );
      const moves = s.def.moves.filter((m) => {
        const st = s.moveStart.get(m.id)!;
        return st >= cmd.fromS && st > t;
      });
      return [
        ev(
          {
            type: "timeline.shifted",
            fromS: cmd.fromS,
            deltaS: cmd.deltaS,
            injects: injects.map((i) => i.inject.id),
            moves: moves.map((m) => m.id),
          },
          STAFF_ONLY,
        ),
      ];
    }

    case "adjudicate": {
      requireController(actor, "adjudicate");
      if (!s.started || s.ended) fail("adjudication happens between STARTEX and ENDEX");
      const p = s.proposals.get(cmd.proposalId) ?? fail(`unknown proposal "${cmd.proposalId}"`);
      if (p.decidedAt === null)
        fail(`proposal "${p.id}" has not been decided; control adjudicates decisions`);
      if (p.adjudicatedAt !== null)
        fail(`proposal "${p.id}" was already adjudicated at ${p.adjudicatedAt} s`);
      let out: Events = [];
      if (cmd.injectId !== undefined) {
        const inj =
          s.injects.get(cmd.injectId) ?? fail(`adjudicate.injectId: unknown inject "${cmd.injectId}"`);
        if (inj.deliveredAt !== null)
          fail(`adjudicate.injectId: inject "${cmd.injectId}" was already delivered at ${inj.deliveredAt} s`);
        out = deliveryEvents(s, cmd.injectId, t, "adjudication", actorId);
      }
      return [
        ev(
          { type: "adjudication.made", proposal: p.id, ruling: cmd.ruling, inject: cmd.injectId ?? null },
          proposalAudience(s, p.cell, p.required, p.consultation),
        ),
        ...out,
      ];
    }

    case "rate-objective": {
      if (actor.role !== "evaluator" && actor.role !== "controller")
        fail(`${actor.id} is a ${actor.role}: only evaluators and controllers rate objectives`);
      if (!s.def.exercise.objectives.some((o) => o.id === cmd.objectiveId))
        fail(
          `unknown objective "${cmd.objectiveId}" (objectives: ${s.def.exercise.objectives.map((o) => o.id).join(", ")})`,
        );
      return [
        ev(
          {
            type: "objective.rated",
            objective: cmd.objectiveId,
            rating: cmd.rating,
            evaluator: actorId,
            note: cmd.note,
          },
          STAFF_ONLY,
        ),
      ];
    }

    case "add-improvement": {
      if (actor.role !== "evaluator" && actor.role !== "controller")
        fail(`${actor.id} is a ${actor.role}: only evaluators and controllers write the improvement plan`);
      if (!s.def.exercise.objectives.some((o) => o.id === cmd.objectiveId))
        fail(`unknown objective "${cmd.objectiveId}"`);
      if (s.improvements.some((i) => i.id === cmd.itemId))
        fail(`improvement item id "${cmd.itemId}" is already used`);
      const { itemId, objectiveId, issue, correctiveAction, capability, owner, dueDate } = cmd;
      return [
        ev(
          {
            type: "improvement.added",
            item: { id: itemId, objective: objectiveId, issue, correctiveAction, capability, owner, dueDate },
          },
          STAFF_ONLY,
        ),
      ];
    }

    case "pause":
      requireController(actor, "pause the exercise");
      if (s.ended) fail("the exercise has ended (ENDEX)");
      if (!s.clock.running)
        fail(s.started ? "the exercise is already paused" : "the exercise has not started");
      return [ev({ type: "clock.paused" }, EVERYONE)];

    case "resume":
      requireController(actor, "resume the exercise");
      if (s.ended) fail("the exercise has ended (ENDEX)");
      if (s.clock.running) fail("the exercise clock is already running");
      return [ev({ type: "clock.resumed" }, EVERYONE)];
  }
}
