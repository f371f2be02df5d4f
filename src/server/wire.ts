/**
 * What the server sends to browsers (the common operational picture on the wire). Degrees, metres and
 * scenario seconds: this is an edge, so angles are in degrees here. The browser app imports these types
 * (type-only), so server and app speak one format.
 *
 * Every frame is built for ONE participant from what their nation's node holds (see views.ts); control
 * alone may ask for the truth or another nation's view.
 */
export type Role = "control" | "operator" | "observer";
export type ViewName = "KOR" | "USA" | "JPN" | "TRUTH";

export interface Participant {
  readonly exercise: string;
  /** The nation whose picture the participant sees; null for control (sees every nation and the truth). */
  readonly nation: "KOR" | "USA" | "JPN" | null;
  readonly role: Role;
  readonly name: string;
}

export interface ClockState {
  /** Scenario time now, s since epoch. */
  readonly t: number;
  readonly speed: number;
  readonly paused: boolean;
  /** True while the server is computing up to a seek target faster than the clock. */
  readonly catchingUp: boolean;
  readonly durationS: number;
  readonly epochMs: number;
}

/** A sensor of the viewer's own nation (sensor identities and sites never leave their nation). */
export interface WireSensor {
  readonly id: string;
  readonly nation: string;
  readonly kind: "radar" | "ir";
  readonly lat: number;
  readonly lon: number;
  readonly altM: number;
  /** Radar coverage on the map: max range, boresight and half-width, degrees; null for space IR. */
  readonly coverage: {
    readonly rangeM: number;
    readonly boresightDeg: number;
    readonly halfWidthDeg: number;
  } | null;
}

/**
 * A track: own (tracker) or system (fused). `cov` is the position covariance in the local east-north-up
 * frame at the track, upper triangle [ee, en, eu, nn, nu, uu], m².
 */
export interface WireTrack {
  readonly id: string;
  readonly t: number;
  readonly lat: number;
  readonly lon: number;
  readonly altM: number;
  readonly speedMps: number;
  /** Vertical speed, m/s (negative: descending). */
  readonly climbMps: number;
  readonly cov: readonly number[];
  /** Nations whose reports make up the track (system tracks) or the viewer's own nation (own tracks). */
  readonly sources: readonly string[];
  readonly phase: string;
}

export interface WireAlert {
  readonly id: string;
  readonly version: number;
  readonly state: "issued" | "updated" | "cancelled";
  readonly issuer: string;
  readonly threatId: string;
  readonly areaName: string;
  readonly areaKind: string;
  readonly t: number;
  readonly tImpact: number;
  readonly probability: number;
  readonly impact: { readonly lat: number; readonly lon: number };
  readonly semiMajorM: number;
  readonly semiMinorM: number;
  readonly orientationDeg: number;
  /** The impact ellipse as a closed ring of [lat, lon]. */
  readonly ellipse: readonly (readonly [number, number])[];
  readonly reason?: string;
}

/** A launch point: where a nation first held a threat (its estimate) or, for control, the true site. */
export interface WireLaunchPoint {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly t: number;
  readonly estimated: boolean;
}

/** A true object (control only). */
export interface WireTruthObject {
  readonly id: string;
  readonly kind: string;
  readonly lat: number;
  readonly lon: number;
  readonly altM: number;
}

export interface WireLogEntry {
  readonly seq: number;
  readonly t: number;
  readonly nation: string;
  readonly type: string;
  readonly text: string;
  readonly rejected: boolean;
}

export interface WireArea {
  readonly id: string;
  readonly name: string;
  readonly nation: string;
  readonly ring: readonly (readonly [number, number])[];
}

export interface SetupFrame {
  readonly type: "setup";
  readonly participant: Participant;
  readonly scenario: { readonly name: string; readonly description: string };
  readonly views: readonly ViewName[];
  readonly view: ViewName;
  readonly sensors: readonly WireSensor[];
  readonly areas: readonly WireArea[];
  readonly reports: readonly { readonly name: string; readonly url: string }[];
}

export interface PictureFrame {
  readonly type: "picture";
  readonly view: ViewName;
  readonly clock: ClockState;
  readonly tracks: readonly WireTrack[];
  readonly systemTracks: readonly WireTrack[];
  readonly alerts: readonly WireAlert[];
  readonly launchPoints: readonly WireLaunchPoint[];
  readonly truth: readonly WireTruthObject[];
}

export interface LogFrame {
  readonly type: "log";
  readonly entries: readonly WireLogEntry[];
}

export interface ErrorFrame {
  readonly type: "error";
  readonly error: string;
}

export type ServerFrame = SetupFrame | PictureFrame | LogFrame | ErrorFrame;

/** What a browser may send over the WebSocket. */
export type ClientCommand =
  | { readonly type: "view"; readonly view: ViewName }
  | { readonly type: "clock"; readonly action: "pause" | "resume" | "live" }
  | { readonly type: "clock"; readonly action: "speed"; readonly speed: number }
  | { readonly type: "clock"; readonly action: "seek"; readonly t: number };
