// Moving through a recording: every snapshot is the configuration after one reduction step,
// so stepping is choosing another index. The units:
// - rule: one reduction step;
// - instruction: one step of a source instruction; the administrative steps that end a block
//   or a function (`end`, the function's end) go with it;
// - directive: to the first step of the next (previous) directive of the script;
// - switch: to the next (previous) step that moved segments (suspend, resume, switch, ...),
//   the steps where the snapshot's `switches` counter changes.

import type { Snapshot } from "./types";

export type Unit = "rule" | "instr" | "directive" | "switch";

const administrative = (s: Snapshot): boolean =>
  s.redex !== null && (s.redex.instr === "end" || s.redex.instr === "(end of function)");

const switched = (steps: Snapshot[], j: number): boolean =>
  j > 0 && steps[j].switches !== steps[j - 1].switches;

/** The index one `unit` away from `at` in direction `dir` (+1 or -1), within the recording. */
export function move(steps: Snapshot[], at: number, unit: Unit, dir: 1 | -1): number {
  const last = steps.length - 1;
  const clamp = (j: number) => Math.max(0, Math.min(last, j));
  switch (unit) {
    case "rule":
      return clamp(at + dir);
    case "instr": {
      let j = clamp(at + dir);
      while (j > 0 && j < last && administrative(steps[j])) j += dir;
      return j;
    }
    case "directive": {
      const d = steps[at]?.directive ?? 0;
      if (dir > 0) {
        const j = steps.findIndex((s) => s.directive > d);
        return j < 0 ? last : j;
      }
      const first = steps.findIndex((s) => s.directive === d);
      if (first < at) return first;
      const prev = steps.findIndex((s) => s.directive === (steps[clamp(at - 1)]?.directive ?? 0));
      return prev < 0 ? 0 : prev;
    }
    case "switch": {
      for (let j = at + dir; j >= 0 && j <= last; j += dir) if (switched(steps, j)) return j;
      return dir > 0 ? last : 0;
    }
  }
}

/** The first step of directive `d` or of the first later one (the last step if none). */
export function directiveStart(steps: Snapshot[], d: number): number {
  const j = steps.findIndex((s) => s.directive >= d);
  return j < 0 ? steps.length - 1 : j;
}
