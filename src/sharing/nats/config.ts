/**
 * Generates nats-server (2.9) configuration for the coalition fabric from the releasability policy's
 * allowed flows: one hub server (the US hub) with an account per nation plus SYS, and one leaf server
 * per nation bound to its nation's account on the hub.
 *
 * How a flow becomes transport rules (so a wrong flow is refused by the transport even when the
 * application checks are off):
 * - Subjects are `share.<origin>.rel.<dest>.<kind>`. A flow {origin, destination, kinds} allows
 *   exactly the subjects `share.<origin>.rel.<destination>.<kind>` for those kinds.
 * - Each destination's inbox stream (INBOX_<dest>, JetStream, file storage) lives in the destination's
 *   account on the hub. Messages reach it by a cross-account *service* export/import per allowed
 *   subject: the destination's account exports `share.<origin>.rel.<dest>.<kind>` to the origin's
 *   account only, and the origin's account imports it. We use a service rather than a stream
 *   export because a JetStream publish is a request: the stream's PubAck must travel back to the
 *   publisher, and only service imports map the reply across accounts. The effect on releasability
 *   is the same: the subject connects exactly origin → destination and nothing else, and an
 *   account that holds no import of a subject has no route for it at all.
 * - The hub user each leaf logs in with may publish only its own nation's permitted subjects
 *   (allow list) and is explicitly denied every other nation's `share.<other>.>`; it may receive
 *   only `share.*.rel.<itself>.>` plus the JetStream/inbox reply subjects.
 * - The leaf repeats the same rules on its side (local app user permissions, `deny_exports` on the
 *   hub link), so a misbehaving local client is refused at its own border first.
 *
 * Never a top-level `authorization` block (CVE-2023-47090): every account carries explicit users.
 *
 * Durability (nats-server 2.9 has no `sync_interval`): the file store writes each message to the
 * operating system before the PubAck is sent and fsyncs every two minutes. A process crash
 * (`kill -9`) therefore loses no acknowledged message; an operating-system crash or power loss may
 * lose up to about two minutes of acknowledged stream data.
 */
import { randomBytes } from "node:crypto";
import { UserError } from "../../core/errors.ts";
import { ALLIES, type AllyCode, isAllyCode } from "../../world/nation.ts";
import { kindToken, MESSAGE_KINDS } from "../message-kinds.ts";
import { allowedFlows, type Policy } from "../policy.ts";
import { SUBJECT_ROOT } from "../transport.ts";

/** One permitted flow of message kinds from an origin nation to a destination nation. */
export interface NatsFlow {
  readonly origin: string;
  /** A relay the flow crosses (the US hub). On NATS every flow already crosses the hub server. */
  readonly via?: string;
  readonly destination: string;
  readonly kinds: readonly string[];
}

export interface NatsTopology {
  /** Nations that run a leaf (and own an account). */
  readonly nations: readonly AllyCode[];
  /** Every message kind that exists (for the explicit deny rules); each must be a subject token. */
  readonly kinds: readonly string[];
  readonly flows: readonly NatsFlow[];
}

export interface LeafPorts {
  readonly client: number;
  readonly http: number;
}

export interface NatsPorts {
  readonly hubClient: number;
  readonly hubLeaf: number;
  readonly hubHttp: number;
  readonly leaves: Readonly<Record<string, LeafPorts>>;
}

export interface NatsUser {
  readonly user: string;
  readonly password: string;
}

/** Per-nation login material; written to DIR/credentials.json (never committed). */
export interface NatsCredentials {
  readonly sys: NatsUser;
  /** User the nation's leaf uses to log into its account on the hub. */
  readonly hubLeaf: Readonly<Record<string, NatsUser>>;
  /** User the nation's applications use on their own leaf. */
  readonly leafApp: Readonly<Record<string, NatsUser>>;
}

export interface GeneratedNatsConfigs {
  readonly hub: string;
  readonly leaves: Readonly<Record<string, string>>;
  readonly credentials: NatsCredentials;
}

export interface GenerateOptions {
  readonly ports: NatsPorts;
  /** Directory for JetStream stores: `<storeRoot>/hub`, leaves have no JetStream. */
  readonly storeRoot: string;
  /** Reuse existing credentials (e.g. regenerating configs with new ports); generated when absent. */
  readonly credentials?: NatsCredentials;
  /** Address every server listens on (default 127.0.0.1). */
  readonly host?: string;
  /** Address the leaves dial to reach the hub (default: `host`; set it when the hub is on another machine). */
  readonly hubAddress?: string;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** The subject a message of kind token `kind` from `origin` for `destination` travels on. */
function shareSubject(origin: string, destination: string, kind: string): string {
  return `${SUBJECT_ROOT}.${origin}.rel.${destination}.${kind}`;
}

/**
 * Builds the NATS topology from a loaded policy: its nations (each must be an allied nation that
 * runs a node), every kind token, and its allowed flows with kinds as subject tokens.
 */
export function topologyFromPolicy(policy: Policy): NatsTopology {
  const nations = [...policy.nations.keys()];
  for (const n of nations) {
    if (!isAllyCode(n))
      throw new UserError(
        `${policy.fileName}: nations.${n}: nation has no AllyLink node, so no NATS account (known nations: ${ALLIES.join(", ")})`,
      );
  }
  return {
    nations: nations as AllyCode[],
    kinds: MESSAGE_KINDS.map((k) => kindToken(k)),
    flows: allowedFlows(policy).map((f) => ({
      origin: f.origin,
      via: f.via,
      destination: f.destination,
      kinds: f.kinds.map((k) => kindToken(k)),
    })),
  };
}

export function inboxStreamName(destination: string): string {
  return `INBOX_${destination}`;
}

/** Checks the topology and returns the allowed (origin, destination, kind) triples, de-duplicated. */
export function allowedSubjects(t: NatsTopology): { origin: string; destination: string; kind: string }[] {
  validateTopology(t);
  const seen = new Set<string>();
  const out: { origin: string; destination: string; kind: string }[] = [];
  for (const f of t.flows) {
    for (const kind of f.kinds) {
      const key = shareSubject(f.origin, f.destination, kind);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ origin: f.origin, destination: f.destination, kind });
    }
  }
  return out;
}

export function validateTopology(t: NatsTopology): void {
  if (t.nations.length === 0) throw new UserError("policy: no nations to generate NATS accounts for");
  for (const n of t.nations) {
    if (!isAllyCode(n))
      throw new UserError(`policy: unknown nation "${n}" (known nations: ${ALLIES.join(", ")})`);
  }
  for (const k of t.kinds) {
    if (!TOKEN.test(k)) throw new UserError(`policy: message kind "${k}" is not a valid NATS subject token`);
  }
  const kinds = new Set(t.kinds);
  t.flows.forEach((f, i) => {
    for (const [field, v] of [
      ["origin", f.origin],
      ["destination", f.destination],
      ...(f.via === undefined ? [] : [["via", f.via]]),
    ] as const) {
      if (!isAllyCode(v))
        throw new UserError(
          `policy: flows[${i}].${field}: unknown nation "${v}" (known nations: ${ALLIES.join(", ")})`,
        );
      if (!t.nations.includes(v as AllyCode))
        throw new UserError(`policy: flows[${i}].${field}: nation "${v}" has no node in this policy`);
    }
    if (f.origin === f.destination)
      throw new UserError(`policy: flows[${i}]: origin and destination are both "${f.origin}"`);
    for (const k of f.kinds) {
      if (!kinds.has(k)) throw new UserError(`policy: flows[${i}].kinds: unknown message kind "${k}"`);
    }
  });
}

function password(): string {
  return randomBytes(18).toString("base64url");
}

export function generateCredentials(nations: readonly string[]): NatsCredentials {
  const hubLeaf: Record<string, NatsUser> = {};
  const leafApp: Record<string, NatsUser> = {};
  for (const n of nations) {
    hubLeaf[n] = { user: `${n.toLowerCase()}-leaf`, password: password() };
    leafApp[n] = { user: `${n.toLowerCase()}-app`, password: password() };
  }
  return { sys: { user: "sys", password: password() }, hubLeaf, leafApp };
}

/** A quoted NATS config string (JSON string syntax is accepted by the nats config parser). */
const q = (s: string): string => JSON.stringify(s);
const list = (xs: readonly string[]): string => `[${xs.map(q).join(", ")}]`;

/**
 * JetStream domain of the hub. Leaves run no JetStream, and a 2.9 leaf denies the bare `$JS.API.>`
 * across its link ("JetStream Not Extended"); clients on a leaf therefore reach the hub's JetStream
 * through the domain prefix `$JS.<domain>.API.>`, which the hub maps to its own API.
 */
export const HUB_JS_DOMAIN = "hub";

/** Reply/JetStream subjects every node needs, on top of its share subjects. */
const JS_PUBLISH = [`$JS.${HUB_JS_DOMAIN}.API.>`, "$JS.ACK.>", "$JS.FC.>", "_INBOX.>"];
const JS_SUBSCRIBE = ["_INBOX.>"];

/** Subjects a nation may publish (its own permitted share subjects) and receive (its inbox). */
export function nationPermissions(
  t: NatsTopology,
  nation: string,
): { publishAllow: string[]; publishDeny: string[]; subscribeAllow: string[]; denyExports: string[] } {
  const triples = allowedSubjects(t);
  const own = triples
    .filter((x) => x.origin === nation)
    .map((x) => shareSubject(x.origin, x.destination, x.kind));
  const others = t.nations.filter((n) => n !== nation);
  const otherOrigins = others.map((n) => `${SUBJECT_ROOT}.${n}.>`);
  // Own-origin subjects the policy does not permit, spelled out for the leaf's deny_exports (which
  // has no allow form): every (destination, kind) pair that is not an allowed flow.
  const allowedSet = new Set(own);
  const ownDenied: string[] = [`${SUBJECT_ROOT}.${nation}.rel.${nation}.>`];
  for (const d of others) {
    for (const k of t.kinds) {
      const s = shareSubject(nation, d, k);
      if (!allowedSet.has(s)) ownDenied.push(s);
    }
  }
  return {
    publishAllow: [...own, ...JS_PUBLISH],
    publishDeny: otherOrigins,
    subscribeAllow: [`${SUBJECT_ROOT}.*.rel.${nation}.>`, ...JS_SUBSCRIBE],
    denyExports: [...otherOrigins, ...ownDenied],
  };
}

function permissionsBlock(p: ReturnType<typeof nationPermissions>, indent: string): string {
  return [
    `${indent}permissions: {`,
    `${indent}  publish: { allow: ${list(p.publishAllow)}, deny: ${list(p.publishDeny)} }`,
    `${indent}  subscribe: { allow: ${list(p.subscribeAllow)} }`,
    `${indent}}`,
  ].join("\n");
}

export function generateNatsConfigs(t: NatsTopology, opts: GenerateOptions): GeneratedNatsConfigs {
  const triples = allowedSubjects(t);
  const host = opts.host ?? "127.0.0.1";
  const hubAddress = opts.hubAddress ?? host;
  const creds = opts.credentials ?? generateCredentials(t.nations);
  for (const n of t.nations) {
    if (!creds.hubLeaf[n] || !creds.leafApp[n])
      throw new UserError(`credentials: no users for nation "${n}"`);
    if (!opts.ports.leaves[n]) throw new UserError(`ports: no leaf ports for nation "${n}"`);
  }

  const hub: string[] = [
    "# AllyLink hub server (generated by `allylink nats-config`; contains passwords: do not commit).",
    "# No top-level authorization block (CVE-2023-47090): every account lists its users explicitly.",
    "# Durability: 2.9 fsyncs the JetStream file store every 2 min; a process crash loses no",
    "# acknowledged message, an OS crash may lose up to ~2 min of acknowledged stream data.",
    `server_name: "allylink-hub"`,
    `listen: "${host}:${opts.ports.hubClient}"`,
    `http: "${host}:${opts.ports.hubHttp}"`,
    "max_payload: 1048576",
    "jetstream {",
    `  store_dir: ${q(`${opts.storeRoot}/hub`)}`,
    `  domain: ${HUB_JS_DOMAIN}`,
    "  max_memory_store: 268435456",
    "  max_file_store: 4294967296",
    "}",
    "leafnodes {",
    `  listen: "${host}:${opts.ports.hubLeaf}"`,
    "}",
    "system_account: SYS",
    "accounts {",
    `  SYS { users: [ { user: ${q(creds.sys.user)}, password: ${q(creds.sys.password)} } ] }`,
  ];
  for (const n of t.nations) {
    const perms = nationPermissions(t, n);
    // Exports: the subjects other nations may deliver into this nation's inbox, each to that origin only.
    const exportsIn = triples
      .filter((x) => x.destination === n)
      .map(
        (x) =>
          `      { service: ${q(shareSubject(x.origin, x.destination, x.kind))}, accounts: [${x.origin}] }`,
      );
    const importsOut = triples
      .filter((x) => x.origin === n)
      .map(
        (x) =>
          `      { service: { account: ${x.destination}, subject: ${q(shareSubject(x.origin, x.destination, x.kind))} } }`,
      );
    hub.push(
      `  ${n} {`,
      "    jetstream: enabled",
      "    users: [",
      `      { user: ${q(creds.hubLeaf[n].user)}, password: ${q(creds.hubLeaf[n].password)},`,
      permissionsBlock(perms, "        "),
      "      }",
      "    ]",
      `    exports: [${exportsIn.length ? `\n${exportsIn.join("\n")}\n    ` : ""}]`,
      `    imports: [${importsOut.length ? `\n${importsOut.join("\n")}\n    ` : ""}]`,
      "  }",
    );
  }
  hub.push("}", "");

  const leaves: Record<string, string> = {};
  for (const n of t.nations) {
    const perms = nationPermissions(t, n);
    const lp = opts.ports.leaves[n];
    const hl = creds.hubLeaf[n];
    const app = creds.leafApp[n];
    const url = `nats-leaf://${encodeURIComponent(hl.user)}:${encodeURIComponent(hl.password)}@${hubAddress}:${opts.ports.hubLeaf}`;
    leaves[n] = [
      `# AllyLink leaf server for ${n} (generated; contains passwords: do not commit).`,
      `# Bound to account ${n} on the hub. No JetStream here: the inbox stream lives on the hub so`,
      "# that it keeps collecting while this leaf or its link is down.",
      `server_name: "allylink-leaf-${n.toLowerCase()}"`,
      `listen: "${host}:${lp.client}"`,
      `http: "${host}:${lp.http}"`,
      "max_payload: 1048576",
      "accounts {",
      `  ${n} {`,
      "    users: [",
      `      { user: ${q(app.user)}, password: ${q(app.password)},`,
      permissionsBlock(perms, "        "),
      "      }",
      "    ]",
      "  }",
      "}",
      "leafnodes {",
      "  reconnect: 1",
      "  remotes: [",
      "    {",
      `      url: ${q(url)}`,
      `      account: ${n}`,
      `      deny_exports: ${list(perms.denyExports)}`,
      `      deny_imports: ${list(t.nations.filter((o) => o !== n).map((o) => `${SUBJECT_ROOT}.*.rel.${o}.>`))}`,
      "    }",
      "  ]",
      "}",
      "",
    ].join("\n");
  }
  return { hub: hub.join("\n"), leaves, credentials: creds };
}
