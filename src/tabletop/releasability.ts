/**
 * Who may see what in a tabletop run. Every event the engine emits is addressed: its audience is a
 * set of national cells (or every cell). Staff cells (CONTROL, SIMCELL) see everything, because in
 * HSEEP they are exercise control. Evaluators and observers see what their cell sees.
 *
 * Messages additionally carry a security label in the shape of the sharing side's STANAG 4774 labels
 * (src/sharing/label.ts), whose "Releasable To" category is the message's audience. The label is what
 * a player's screen shows; the audience is what the delivery function enforces, and the two are
 * built from the same list so they cannot disagree.
 */
import type { SecurityLabel } from "../sharing/label.ts";
import { RELEASABLE_TO } from "../sharing/policy.ts";
import { type CellId, isStaffCell, NATIONAL_CELLS, type NationalCell } from "./model.ts";

/** The tabletop's label policy: one classification, exercise play only. */
export const TTX_POLICY_ID = "ALLYLINK-TTX";
export const TTX_CLASSIFICATION = "UNCLASSIFIED";

/** The national cells an event is addressed to, or every cell. Staff is always included. */
export type Audience =
  | { readonly all: true }
  | { readonly all: false; readonly cells: readonly NationalCell[] };

export const EVERYONE: Audience = { all: true };
export const STAFF_ONLY: Audience = { all: false, cells: [] };

/** An audience of these national cells, in canonical order (staff cells in the list are dropped: staff sees all). */
export function audienceOf(cells: Iterable<CellId>): Audience {
  const set = new Set(cells);
  return { all: false, cells: NATIONAL_CELLS.filter((c) => set.has(c)) };
}

/** Whether a member of `cell` may see an event addressed to `audience`. */
export function cellMaySee(cell: CellId, audience: Audience): boolean {
  if (audience.all || isStaffCell(cell)) return true;
  return audience.cells.includes(cell as NationalCell);
}

/** A message label: unclassified exercise play, releasable to exactly these nations. */
export function ttxLabel(releasableTo: readonly NationalCell[]): SecurityLabel {
  return {
    policyId: TTX_POLICY_ID,
    classification: TTX_CLASSIFICATION,
    categories: [
      {
        name: RELEASABLE_TO,
        type: "permissive",
        values: NATIONAL_CELLS.filter((c) => releasableTo.includes(c)),
      },
    ],
  };
}

/** Short marking a screen prints, e.g. "UNCLASSIFIED // REL TO KOR, USA". */
export function labelMarking(releasableTo: readonly NationalCell[]): string {
  const rel = NATIONAL_CELLS.filter((c) => releasableTo.includes(c));
  return `${TTX_CLASSIFICATION} // REL TO ${rel.join(", ")}`;
}
