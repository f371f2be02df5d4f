/**
 * What a national node reports about itself, for the event log, the metrics and the live picture.
 * Every event carries the node's nation and the scenario time it happened at.
 */

import type { MessageKind } from "../sharing/message-kinds.ts";
import type { RejectReason } from "../sharing/receiver.ts";
import type { Alert, GeoPoint } from "../warning/alert.ts";
import type { ImpactOutcome } from "../warning/alert-manager.ts";
import type { AllyCode, NationCode } from "../world/nation.ts";

interface Base {
  readonly nation: AllyCode;
  readonly t: number;
}

export type NodeEvent =
  | (Base & { readonly type: "track.confirmed"; readonly trackNumber: string })
  | (Base & { readonly type: "track.deleted"; readonly trackNumber: string; readonly reason: string })
  | (Base & {
      readonly type: "message.sent";
      readonly kind: MessageKind;
      readonly destination: NationCode;
      readonly msgId: string;
    })
  | (Base & {
      readonly type: "message.received";
      readonly kind: MessageKind;
      readonly origin: NationCode;
      readonly msgId: string;
      readonly trackNumber?: string;
    })
  | (Base & {
      readonly type: "message.rejected";
      readonly reason: RejectReason;
      readonly detail: string;
      readonly subject: string;
    })
  | (Base & {
      readonly type: "message.refused";
      readonly kind: MessageKind;
      readonly destination: NationCode;
      readonly detail: string;
    })
  | (Base & {
      readonly type: "system-track.new";
      readonly stn: number;
      readonly sources: readonly NationCode[];
    })
  | (Base & {
      readonly type: "prediction";
      readonly stn: number;
      readonly tImpact: number;
      readonly impact: GeoPoint;
      readonly semiMajorM: number;
      readonly semiMinorM: number;
      readonly sources: readonly NationCode[];
    })
  | (Base & {
      readonly type: "launch.detected";
      readonly launchTime: number;
      readonly launchPoint: GeoPoint;
      /** Who saw it: this nation's own space infrared, or the ally whose LaunchEvent arrived. */
      readonly source: NationCode;
    })
  | (Base & { readonly type: "alert"; readonly alert: Alert })
  | (Base & { readonly type: "impact.outcome"; readonly outcome: ImpactOutcome });

export type NodeEventSink = (e: NodeEvent) => void;
