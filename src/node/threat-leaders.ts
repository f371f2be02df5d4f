/**
 * Which system tracks need an impact prediction of their own. A missile's debris and spent stages
 * travel together for minutes after release, and predicting each fragment separately would cost
 * hundreds of flights per second for the same warning area: one prediction of the group's leader
 * serves all of them.
 */
import type { SystemTrack } from "../fusion/fusion-engine.ts";

/** Objects this close in position and velocity fly one trajectory: one impact prediction serves all. */
const GROUP_DISTANCE_M = 10_000;
const GROUP_SPEED_MPS = 100;

/**
 * The leaders of a picture: tracks are taken in stn order; a track within GROUP_DISTANCE_M and
 * GROUP_SPEED_MPS of an earlier leader is represented by that leader.
 */
export function threatLeaders(picture: readonly SystemTrack[]): SystemTrack[] {
  const leaders: SystemTrack[] = [];
  const d2 = GROUP_DISTANCE_M * GROUP_DISTANCE_M;
  const v2 = GROUP_SPEED_MPS * GROUP_SPEED_MPS;
  for (const st of [...picture].sort((a, b) => a.stn - b.stn)) {
    const x = st.x;
    const near = leaders.some((l) => {
      const y = l.x;
      const dx = y[0] - x[0];
      const dy = y[1] - x[1];
      const dz = y[2] - x[2];
      if (dx * dx + dy * dy + dz * dz >= d2) return false;
      const du = y[3] - x[3];
      const dv = y[4] - x[4];
      const dw = y[5] - x[5];
      return du * du + dv * dv + dw * dw < v2;
    });
    if (!near) leaders.push(st);
  }
  return leaders;
}
