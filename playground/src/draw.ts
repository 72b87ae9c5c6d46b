// Drawing one snapshot: the running stack (segments, top first, each above its prompt), the
// suspended continuations or stacks as detached slices, and an arrow from every reference to
// what it points to (a suspended slice, or the segments of the thread it is running as).
// Consumed references are greyed out and point nowhere.

import type { Frame, Prompt, Segment, Snapshot, Suspended, Val } from "./types";

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function val(v: Val, where: string): string {
  if (v.target) {
    return (
      `<span class="val ref ${v.state}" data-target="${esc(v.target)}" data-state="${v.state}"` +
      ` title="${esc(where)}: reference to ${esc(v.target)} (${v.state})">${esc(v.text)}</span>`
    );
  }
  return `<span class="val" title="${esc(where)}: ${v.ty}"><i>${v.ty}</i> ${esc(v.text)}</span>`;
}

const vals = (vs: Val[], where: string, hidden: number): string =>
  (hidden > 0 ? `<span class="more">…${hidden}</span>` : "") + vs.map((v) => val(v, where)).join("");

function frame(f: Frame, top: boolean): string {
  const line = f.at.line !== null ? ` · line ${f.at.line}` : "";
  const labels = f.labels
    .map((l) => `<span class="label" title="${l.kind}: a branch continues at ${l.cont}, carrying ${l.arity}">${l.kind}→${l.cont}</span>`)
    .join("");
  const locals = f.locals.length || f.hidden_locals
    ? `<div class="row"><b>locals${f.shared_locals ? " (shared)" : ""}</b>${vals(f.locals, "local", 0)}${
        f.hidden_locals ? `<span class="more">+${f.hidden_locals}</span>` : ""
      }</div>`
    : "";
  return (
    `<div class="frame${top ? " top" : ""}">` +
    `<div class="fhead"><span class="fname">${esc(f.at.name)}</span>` +
    `<span class="pc">pc ${f.at.pc}${line}</span></div>` +
    `<div class="next"><b>next</b> <code>${esc(f.at.instr)}</code></div>` +
    (labels ? `<div class="row"><b>labels</b>${labels}</div>` : "") +
    locals +
    `<div class="row"><b>values</b>${vals(f.vals, "value", f.hidden_vals)}</div>` +
    `</div>`
  );
}

function prompt(p: Prompt): string {
  const at = p.at ? ` @${p.at.pc} in ${esc(p.at.name)}` : "";
  const clauses = p.clauses
    .map((c) => `<span class="clause">on ${esc(c.tag)} → ${esc(c.action)}</span>`)
    .join("");
  const state = p.kind === "handle" ? (p.in_clause ? " (clause running)" : " (body running)") : "";
  return `<div class="prompt ${p.kind}"><b>${p.kind}</b>${at}${state}${clauses}</div>`;
}

/** A segment; `top` marks the thread's top segment (its top frame holds the redex). */
function segment(sg: Segment, top: boolean): string {
  const frames = [...sg.frames].reverse().map((f, i) => frame(f, top && i === 0)).join("");
  const attrs = sg.origin ? ` data-origin="${esc(sg.origin)}"` : "";
  const origin = sg.origin ? `<div class="origin">from ${esc(sg.origin)} (running)</div>` : "";
  return (
    `<div class="segment${sg.origin ? " resumed" : ""}"${attrs}>` +
    origin +
    frames +
    (sg.hidden_frames ? `<div class="more">…${sg.hidden_frames} more frames</div>` : "") +
    (sg.vals.length ? `<div class="row"><b>below the frames</b>${vals(sg.vals, "value", 0)}</div>` : "") +
    prompt(sg.prompt) +
    `</div>`
  );
}

function suspended(k: Suspended): string {
  const start = k.start ? `<div class="row"><b>starts</b> ${esc(k.start)}</div>` : "";
  const segs = [...k.segments].reverse().map((sg) => segment(sg, false)).join("");
  return (
    `<div class="cont" data-id="${esc(k.id)}" data-kind="${esc(k.kind)}">` +
    `<div class="chead">${esc(k.kind)} <b>${esc(k.id)}</b> · suspended</div>${start}${segs}</div>`
  );
}

/** The HTML of a snapshot: the thread and the suspended slices side by side. */
export function snapshotHtml(s: Snapshot): string {
  const n = s.thread.length;
  const thread = [...s.thread].reverse().map((sg, i) => segment(sg, i === 0)).join("");
  const hidden = s.hidden_segments ? `<div class="more">…${s.hidden_segments} more segments</div>` : "";
  const ks = s.suspended.map(suspended).join("");
  const khidden = s.hidden_suspended ? `<div class="more">…${s.hidden_suspended} more</div>` : "";
  return (
    `<div class="stage">` +
    `<div class="thread" data-segments="${n}"><h3>running stack · ${n} segment${n === 1 ? "" : "s"}, depth ${s.depth}</h3>${thread}${hidden}</div>` +
    `<div class="parked" data-count="${s.suspended.length}"><h3>suspended · ${s.suspended.length}</h3>${ks}${khidden}</div>` +
    `<svg class="arrows"></svg>` +
    `</div>`
  );
}

/** Draws the arrows of the stage `root` (after it is laid out). */
export function drawArrows(root: HTMLElement): void {
  const stage = root.querySelector<HTMLElement>(".stage");
  const svg = root.querySelector<SVGSVGElement>("svg.arrows");
  if (!stage || !svg) return;
  const box = stage.getBoundingClientRect();
  svg.setAttribute("width", String(stage.scrollWidth));
  svg.setAttribute("height", String(stage.scrollHeight));
  const paths: string[] = [
    `<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>`,
  ];
  for (const el of stage.querySelectorAll<HTMLElement>(".val.ref[data-target]")) {
    const id = el.dataset.target!;
    const state = el.dataset.state;
    if (state === "consumed") continue;
    const target =
      state === "suspended"
        ? stage.querySelector<HTMLElement>(`.cont[data-id="${CSS.escape(id)}"]`)
        : stage.querySelector<HTMLElement>(`.thread .segment[data-origin="${CSS.escape(id)}"]`);
    if (!target) continue;
    const a = el.getBoundingClientRect();
    const b = target.getBoundingClientRect();
    const x1 = a.right - box.left;
    const y1 = a.top + a.height / 2 - box.top;
    // To the near side of the target: its left edge, or its right edge when it lies left.
    const toLeft = b.left - box.left > x1 - 40;
    const x2 = toLeft ? b.left - box.left : b.right - box.left;
    const y2 = b.top + 14 - box.top;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const c1 = x1 + bend;
    const c2 = toLeft ? x2 - bend : x2 + bend;
    paths.push(
      `<path class="arrow ${state}" data-from="${esc(id)}" d="M${x1},${y1} C${c1},${y1} ${c2},${y2} ${x2},${y2}" marker-end="url(#head)"/>`,
    );
  }
  svg.innerHTML = paths.join("");
}
