/**
 * Brings a track report to the fusion time: x(t) = f(x(tᵣ)), P(t) = Φ·P·Φᵀ + Q(|t − tᵣ|), with the
 * tracking engineer's 6-state ballistic model (gravity with J2, Earth rotation; no drag, since allies
 * send no β) and its RK4 transition Jacobian Φ.
 *
 * Process noise is what keeps stale reports honest: the older a report, the more its covariance grows,
 * so a 10-s-old allied track does not outweigh a fresh own track, and association gates widen for it.
 * The density q depends on the flight phase the source declared, because the 6-state model leaves out
 * thrust in boost and drag in reentry (tens of m/s² — a large q), while midcourse flight is almost
 * exactly ballistic (a small q). Defaults are engineering choices. Boost: 20,000 m²/s³, chosen on the
 * consistency of the fused ICBM track in boost (icbm-track-continuity.test.ts, mean 6-D NEES, χ²₆
 * mean 6) when the trackers' boost model was white noise (5,000) instead of an estimated thrust: at
 * 5,000 here KOR 19.5, USA 8.8, JPN 8.7; at 20,000 13.7, 6.1, 9.5. (The report's thrust is not sent,
 * so a relayed booster is still extrapolated without it for the report's age.) (With
 * trackers that ran boost on 400, 2,500 here turned their overconfident early tracks into huge early
 * impact ellipses: KOR's trilateral false warnings 2 → 21 over 20 ICBM runs; the warning stage now also
 * waits while the reporter says boost.)
 * "Unknown" (a track its source cannot judge yet: young, or thrust seen only by its boost model)
 * keeps 400. Reentry: q = a²/τ for a drag deceleration a ≈ 50 m/s² not in the model (no β is
 * sent), τ ≈ 1 s.
 *
 * A report slightly AHEAD of the fusion time (clock skew, or a message stamped at its send time) is
 * brought back by a second-order Taylor step — the RK4 propagator only runs forward:
 *   x(t − h) ≈ x − h·f + (h²/2)·A·f,   Φ ≈ I − h·A + (h²/2)·A²,
 * with Q(h) added all the same (uncertainty grows in either direction). Its error over a few seconds is
 * far below a metre (the jerk of ballistic flight is ~1e-2 m/s³).
 */
import { BallisticModel } from "../tracking/models/ballistic.ts";
import { type FlightPhase, FUSED_DIM } from "./track-report.ts";

export type PhaseNoise = Readonly<Record<FlightPhase, number>>;

/** Acceleration noise density per phase, m²/s³ (see header). */
export const DEFAULT_PHASE_Q: PhaseNoise = { boost: 20_000, midcourse: 10, reentry: 2500, unknown: 400 };

const N = FUSED_DIM;

export class ReportPredictor {
  private readonly models = new Map<FlightPhase, BallisticModel>();
  private readonly Phi = new Float64Array(N * N);
  private readonly Q = new Float64Array(N * N);
  private readonly tmp = new Float64Array(N * N);
  private readonly A = new Float64Array(N * N);
  private readonly f = new Float64Array(N);
  private readonly Af = new Float64Array(N);

  constructor(readonly q: PhaseNoise = DEFAULT_PHASE_Q) {
    for (const [phase, qa] of Object.entries(q) as [FlightPhase, number][])
      this.models.set(phase, new BallisticModel({ drag: false, qAccel: qa }));
  }

  /**
   * Predicts (x, P) over dt = t − tᵣ (either sign) in place. `dt` should be bounded by the caller
   * (large backward steps are refused upstream, see FusionEngine).
   */
  predict(x: Float64Array, P: Float64Array, dt: number, phase: FlightPhase = "unknown"): void {
    if (dt === 0) return;
    const model = this.models.get(phase) ?? (this.models.get("unknown") as BallisticModel);
    const { Phi, Q, tmp } = this;
    if (dt > 0) {
      model.propagate(x, dt, Phi);
    } else {
      this.taylorBack(model, x, -dt);
    }
    model.processNoise(Math.abs(dt), Q);
    // P ← Φ P Φᵀ + Q
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += Phi[i * N + k] * P[k * N + j];
        tmp[i * N + j] = s;
      }
    for (let i = 0; i < N; i++)
      for (let j = i; j < N; j++) {
        let s = Q[i * N + j];
        for (let k = 0; k < N; k++) s += tmp[i * N + k] * Phi[j * N + k];
        P[i * N + j] = s;
        P[j * N + i] = s;
      }
  }

  private taylorBack(model: BallisticModel, x: Float64Array, h: number): void {
    const { Phi, A, f, Af, tmp } = this;
    model.derivative(x, f);
    model.jacobian(x, A);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k < N; k++) s += A[i * N + k] * f[k];
      Af[i] = s;
    }
    // A² into tmp
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += A[i * N + k] * A[k * N + j];
        tmp[i * N + j] = s;
      }
    for (let i = 0; i < N; i++) {
      x[i] += -h * f[i] + 0.5 * h * h * Af[i];
      for (let j = 0; j < N; j++)
        Phi[i * N + j] = (i === j ? 1 : 0) - h * A[i * N + j] + 0.5 * h * h * tmp[i * N + j];
    }
  }
}
