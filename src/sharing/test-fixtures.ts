/**
 * Valid example payloads of every kind, for tests, benchmarks and partners reading the schemas.
 * Positions are rough public-level places: a launch near the DPRK west coast, impact in the Sea of
 * Japan; numbers only need to be plausible and valid.
 */
import type { NationCode } from "../world/nation.ts";
import type { MessageKind } from "./message-kinds.ts";
import type { PayloadOf } from "./messages.ts";

const LAUNCH_ECEF = [-3_135_000, 4_100_000, 3_900_000];
const TRACK_POS = [-3_300_000, 4_000_000, 4_100_000];
const TRACK_VEL = [-1_200, 300, 800];
const IMPACT_ECEF = [-3_600_000, 3_500_000, 4_100_000];

function upperCovariance(): number[] {
  const v: number[] = [];
  for (let i = 0; i < 6; i++) for (let j = i; j < 6; j++) v.push(i === j ? (i < 3 ? 2500 : 25) : 0);
  return v;
}

export function exampleTrack(
  origin: NationCode = "KOR",
  trackNumber = "T0001",
  updateSequence = 0,
): PayloadOf["BallisticTrack"] {
  return {
    trackNumber,
    origin,
    updateSequence,
    time: 100,
    quality: 12,
    state: { posEcef: [...TRACK_POS], velEcef: [...TRACK_VEL] },
    covariance: { form: "upper", values: upperCovariance() },
    phase: "midcourse",
    classification: { category: "MRBM", className: "generic-mrbm", confidence: 0.8 },
    contributors: [
      {
        sensorType: "radar",
        sensorId: `${origin}-RADAR-1`,
        siteEcef: [-3_050_000, 4_050_000, 3_800_000],
        lastUpdate: 99,
      },
      { sensorType: "ir", sensorId: `${origin}-SBIRS-2`, lastUpdate: 98 },
    ],
  };
}

export function examplePayload<K extends MessageKind>(kind: K, origin: NationCode = "KOR"): PayloadOf[K] {
  const p: { [k in MessageKind]: PayloadOf[k] } = {
    BallisticTrack: exampleTrack(origin),
    LaunchEvent: {
      eventId: "L0001",
      origin,
      time: 40,
      launchTime: 0,
      launchPointEcef: [...LAUNCH_ECEF],
      launchPointSigmaM: 2000,
      azimuthRad: 1.4,
      classification: { category: "MRBM", confidence: 0.6 },
      contributors: [{ sensorType: "ir", sensorId: `${origin}-IR-1`, siteEcef: [0, 0, 42_164_000] }],
    },
    ImpactPrediction: {
      predictionId: "P0001",
      trackNumber: "T0001",
      origin,
      updateSequence: 0,
      time: 120,
      flightPath: {
        launchPointEcef: [...LAUNCH_ECEF],
        launchTime: 0,
        apogeeAltM: 550_000,
        samples: [
          { time: 0, posEcef: [...LAUNCH_ECEF] },
          { time: 100, posEcef: [...TRACK_POS] },
        ],
      },
      impactEllipse: {
        centreEcef: [...IMPACT_ECEF],
        semiMajorM: 12_000,
        semiMinorM: 4_000,
        orientationRad: 1.2,
        probability: 0.95,
      },
      timeOfImpact: 600,
      timeOfImpactSigmaS: 8,
      contributors: [{ sensorType: "radar", sensorId: `${origin}-RADAR-1`, siteEcef: [1, 2, 3] }],
    },
    TrackManagement: {
      action: "change-responsibility",
      trackNumber: "T0001",
      origin,
      time: 130,
      from: origin,
      to: "USA",
    },
    Warning: {
      warningId: "W0001",
      origin,
      action: "issue",
      revision: 0,
      time: 125,
      severity: "extreme",
      headline: "Ballistic missile launch: impact predicted at sea",
      timeOfImpact: 600,
      trackNumbers: ["T0001"],
      areas: [{ shape: "circle", name: "predicted impact", centre: [0.7, 2.3], radiusM: 20_000 }],
    },
    NodeStatus: {
      nodeId: `${origin.toLowerCase()}-node`,
      nation: origin,
      time: 10,
      state: "up",
      tracksHeld: 3,
      sensors: [{ sensorType: "radar", status: "up", sensorId: `${origin}-RADAR-1`, siteEcef: [1, 2, 3] }],
    },
    Receipt: {
      receiptFor: "USA.usa-node.7",
      receiverNode: `${origin.toLowerCase()}-node`,
      time: 11,
      status: "accepted",
    },
  };
  return p[kind] as PayloadOf[K];
}
