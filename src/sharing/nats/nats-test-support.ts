/**
 * Shared set-up for the NATS tests and benchmark: a real hub + leaves from the default policy, and
 * transports for each nation's node. Not a mock: everything here talks to real nats-server processes.
 */
import { join } from "node:path";
import type { NationCode } from "../../world/nation.ts";
import { loadPolicy, type Policy } from "../policy.ts";
import { NatsCluster } from "./cluster.ts";
import { topologyFromPolicy } from "./config.ts";
import { NatsTransport, type NatsTransportOptions } from "./nats-transport.ts";

export const DEFAULT_POLICY_FILE = join(import.meta.dirname, "../../../policies/default.yaml");

export async function startDefaultCluster(): Promise<{ cluster: NatsCluster; policy: Policy }> {
  const policy = loadPolicy(DEFAULT_POLICY_FILE);
  const cluster = await NatsCluster.start({ topology: topologyFromPolicy(policy) });
  return { cluster, policy };
}

/** A node's transport on its nation's leaf, logging in as the nation's application user. */
export function nodeTransport(
  cluster: NatsCluster,
  nation: NationCode,
  nodeId: string,
  extra: Partial<NatsTransportOptions> = {},
): Promise<NatsTransport> {
  const c = cluster.appConnectOptions(nation);
  return NatsTransport.connect({ nation, nodeId, servers: c.servers, user: c.user, pass: c.pass, ...extra });
}

/** Polls `cond` every 20 ms until true; throws with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
