/**
 * The kinds of message allies exchange, and the token each kind takes in a transport subject
 * (`share.<origin>.rel.<destination>.<token>`). Tokens are lower-case and contain no dots or
 * wildcards so they are safe as one NATS subject token.
 */
export const MESSAGE_KINDS = [
  "NodeStatus",
  "LaunchEvent",
  "BallisticTrack",
  "ImpactPrediction",
  "TrackManagement",
  "Warning",
  "Receipt",
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const KIND_TOKENS = {
  NodeStatus: "node-status",
  LaunchEvent: "launch",
  BallisticTrack: "track",
  ImpactPrediction: "impact",
  TrackManagement: "track-mgmt",
  Warning: "warning",
  Receipt: "receipt",
} as const satisfies Record<MessageKind, string>;
export type KindToken = (typeof KIND_TOKENS)[MessageKind];

const TOKEN_TO_KIND: ReadonlyMap<string, MessageKind> = new Map(
  MESSAGE_KINDS.map((k) => [KIND_TOKENS[k], k] as const),
);

export function isMessageKind(s: unknown): s is MessageKind {
  return typeof s === "string" && (MESSAGE_KINDS as readonly string[]).includes(s);
}

export function kindToken(kind: MessageKind): KindToken {
  return KIND_TOKENS[kind];
}

/** The kind a subject token stands for, or undefined when the token is unknown. */
export function kindFromToken(token: string): MessageKind | undefined {
  return TOKEN_TO_KIND.get(token);
}
