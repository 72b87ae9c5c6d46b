// The JSON the server sends: `switchyard::exec::snapshot` and `switchyard::playground`.

export type Design = "typed-cont" | "raw-stacks" | "effect-handlers";
export const DESIGNS: Design[] = ["typed-cont", "raw-stacks", "effect-handlers"];

export interface Position {
  func: number;
  name: string;
  pc: number;
  instr: string;
  line: number | null;
}

export interface Val {
  ty: string;
  text: string;
  /** A continuation or stack reference: the id of its target. */
  target: string | null;
  state: "suspended" | "running" | "consumed" | null;
}

export interface Label {
  kind: string;
  arity: number;
  cont: number;
}

export interface Frame {
  at: Position;
  labels: Label[];
  locals: Val[];
  hidden_locals: number;
  shared_locals: boolean;
  vals: Val[];
  hidden_vals: number;
}

export interface Clause {
  tag: string;
  action: string;
}

export interface Prompt {
  kind: string;
  at: Position | null;
  clauses: Clause[];
  in_clause: boolean;
}

export interface Segment {
  prompt: Prompt;
  origin: string | null;
  vals: Val[];
  frames: Frame[];
  hidden_frames: number;
}

export interface Suspended {
  id: string;
  kind: string;
  segments: Segment[];
  start: string | null;
  depth: number;
}

export interface Snapshot {
  step: number;
  directive: number;
  rule: string;
  redex: Position | null;
  thread: Segment[];
  hidden_segments: number;
  depth: number;
  suspended: Suspended[];
  hidden_suspended: number;
  running: string[];
  switches: number;
  error: string | null;
}

export interface Directive {
  line: number;
  kind: string;
  status: string;
  expected: string;
  actual: string;
  first_step: number;
  end_step: number;
}

export interface Recording {
  design: Design;
  steps: Snapshot[];
  directives: Directive[];
  total_steps: number;
  limit: number;
  truncated: boolean;
  summary: string;
  failed: number;
  diagnostics: string;
  printed: string[];
}

export interface Example {
  name: string;
  title: string;
  scripts: { design: Design; path: string; source: string }[];
}

export interface Proposal {
  name: string;
  path: string;
  text: string;
  rules: { name: string; section: string; anchor: string }[];
}
