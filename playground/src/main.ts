// The playground page: pick an example (or edit/paste a script), run it under one design or
// all three side by side, and step through the recorded snapshots. The server runs the script
// (POST /api/run) and sends one snapshot per reduction step; all stepping happens here.

import "./style.css";
import { drawArrows, snapshotHtml } from "./draw";
import { render } from "./markdown";
import { directiveStart, move, type Unit } from "./steps";
import { DESIGNS, type Design, type Example, type Proposal, type Recording } from "./types";

interface Panel {
  design: Design;
  rec: Recording | null;
  at: number;
  error: string | null;
}

const state = {
  examples: [] as Example[],
  proposals: [] as Proposal[],
  sources: {} as Record<Design, string>,
  view: "one" as "one" | "side",
  design: "typed-cont" as Design,
  panels: [] as Panel[],
};

const $ = <T extends HTMLElement>(sel: string): T => document.querySelector<T>(sel)!;
const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

async function getJson<T>(url: string, body?: unknown): Promise<T> {
  const r = await fetch(url, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  const data = await r.json();
  if (!r.ok) throw new Error(data.error ?? r.statusText);
  return data as T;
}

function layout(): void {
  $("#app").innerHTML = `
    <header>
      <h1>Switchyard playground</h1>
      <label>example <select id="example"></select></label>
      <label><input type="radio" name="view" value="one" checked> one design</label>
      <select id="design">${DESIGNS.map((d) => `<option>${d}</option>`).join("")}</select>
      <label><input type="radio" name="view" value="side"> all three side by side</label>
      <button id="run" class="primary">Run</button>
      <button id="toggle-source">source</button>
    </header>
    <p id="title"></p>
    <section id="source" hidden></section>
    <div id="together" hidden>all designs:
      <button data-all="directive" data-dir="-1">◀ directive</button>
      <button data-all="directive" data-dir="1">directive ▶</button>
      <button data-all="switch" data-dir="-1">◀ switch</button>
      <button data-all="switch" data-dir="1">switch ▶</button>
    </div>
    <main id="panels"></main>
    <aside id="doc" hidden><div class="dochead"><span id="docname"></span><button id="closedoc">close</button></div><div id="doctext"></div></aside>`;
}

function sourceEditors(): void {
  const designs = state.view === "side" ? DESIGNS : [state.design];
  $("#source").innerHTML = designs
    .map(
      (d) =>
        `<div class="editor"><div>${d}</div><textarea spellcheck="false" data-design="${d}">${esc(
          state.sources[d] ?? "",
        )}</textarea></div>`,
    )
    .join("");
  for (const ta of document.querySelectorAll<HTMLTextAreaElement>("#source textarea")) {
    ta.addEventListener("input", () => (state.sources[ta.dataset.design as Design] = ta.value));
  }
}

function loadExample(name: string): void {
  const ex = state.examples.find((e) => e.name === name);
  if (!ex) return;
  state.sources = {} as Record<Design, string>;
  for (const s of ex.scripts) state.sources[s.design] = s.source;
  if (!state.sources[state.design]) state.design = ex.scripts[0].design;
  $<HTMLSelectElement>("#design").value = state.design;
  $("#title").textContent = ex.title;
  sourceEditors();
}

async function run(): Promise<void> {
  const designs = state.view === "side" ? DESIGNS : [state.design];
  state.panels = designs.map((design) => ({ design, rec: null, at: 0, error: null }));
  $("#together").hidden = state.view !== "side";
  renderPanels();
  await Promise.all(
    state.panels.map(async (p) => {
      const source = state.sources[p.design];
      if (!source) {
        p.error = "no script for this design";
        return;
      }
      try {
        p.rec = await getJson<Recording>("/api/run", { design: p.design, source, name: `${p.design}.wast` });
      } catch (e) {
        p.error = String(e);
      }
    }),
  );
  renderPanels();
}

/** Where the proposal texts write `rule`: the design's text, else the core's. */
function ruleDoc(design: Design, rule: string): { doc: string; id: string; section: string } | null {
  for (const name of [design, "core"]) {
    const p = state.proposals.find((q) => q.name === name);
    const r = p?.rules.find((x) => x.name === rule);
    if (p && r) return { doc: name, id: `rule-${rule}`, section: r.section };
  }
  // Numeric instructions go by their own names; the core text says so at its top.
  if (/^[if](32|64)\./.test(rule)) return { doc: "core", id: "", section: "numeric instructions" };
  return null;
}

function openDoc(doc: string, id: string): void {
  const p = state.proposals.find((q) => q.name === doc);
  if (!p) return;
  const aside = $("#doc");
  aside.hidden = false;
  if (aside.dataset.doc !== doc) {
    $("#doctext").innerHTML = render(p.text);
    aside.dataset.doc = doc;
  }
  $("#docname").textContent = p.path;
  for (const el of aside.querySelectorAll(".hl")) el.classList.remove("hl");
  const target = id ? document.getElementById(id) : null;
  if (target) {
    target.classList.add("hl");
    target.scrollIntoView({ block: "center" });
  } else {
    $("#doctext").scrollTop = 0;
  }
}

const UNITS: [Unit, string][] = [
  ["directive", "directive"],
  ["switch", "switch"],
  ["instr", "instruction"],
  ["rule", "rule"],
];

function panelHtml(p: Panel, i: number): string {
  const head = `<h2>${p.design}</h2>`;
  if (p.error) return `${head}<div class="error">${esc(p.error)}</div>`;
  if (!p.rec) return `${head}<div class="waiting">running…</div>`;
  const rec = p.rec;
  if (rec.steps.length === 0) {
    return `${head}<div class="notice">No reduction steps (${esc(rec.summary)}).</div><pre class="diag">${esc(rec.diagnostics)}</pre>`;
  }
  const s = rec.steps[p.at];
  const back = UNITS.map(([u, t]) => `<button data-panel="${i}" data-unit="${u}" data-dir="-1" title="back one ${t}">◀ ${t}</button>`).join("");
  const fwd = [...UNITS].reverse().map(([u, t]) => `<button data-panel="${i}" data-unit="${u}" data-dir="1" title="forward one ${t}">${t} ▶</button>`).join("");
  const doc = ruleDoc(p.design, s.rule);
  const rule = doc
    ? `<a href="#" class="rule" data-doc="${doc.doc}" data-id="${doc.id}" title="${esc(doc.doc)}: ${esc(doc.section)}">${esc(s.rule)}</a>`
    : `<span class="rule">${esc(s.rule)}</span>`;
  const d = rec.directives[s.directive];
  const directive = d
    ? `${esc(d.kind)} at line ${d.line}: <span class="${d.status}">${esc(d.status)}</span>${d.status === "failed" ? ` (${esc(d.actual)})` : ""}`
    : "";
  const redex = s.redex
    ? `<code>${esc(s.redex.instr)}</code> in ${esc(s.redex.name)}${s.redex.line !== null ? `, line ${s.redex.line}` : ""}`
    : "nothing yet: the invocation starts";
  const truncated = rec.truncated
    ? `<div class="notice">Recorded the first ${rec.steps.length} of ${rec.total_steps} steps (limit ${rec.limit}): the rest ran unrecorded.</div>`
    : "";
  const failed = rec.failed ? `<details class="notice"><summary>${esc(rec.summary)}</summary><pre class="diag">${esc(rec.diagnostics)}</pre></details>` : "";
  return (
    head +
    `<div class="bar"><button data-panel="${i}" data-go="first" title="the first step">first</button>${back}` +
    `<span class="counter">step <b class="stepno">${p.at}</b> / ${rec.steps.length - 1}</span>${fwd}` +
    `<button data-panel="${i}" data-go="last" title="the last step">last</button></div>` +
    `<div class="now">rule ${rule} · ${s.redex ? "reduced " : ""}${redex}</div>` +
    `<div class="now">directive ${s.directive + 1}: ${directive}</div>` +
    (s.error ? `<div class="error">${esc(s.error)}</div>` : "") +
    truncated +
    failed +
    `<div class="drawing">${snapshotHtml(s)}</div>`
  );
}

function renderPanels(): void {
  const main = $("#panels");
  main.className = state.panels.length > 1 ? "side" : "one";
  main.innerHTML = state.panels
    .map((p, i) => `<section class="panel" data-design="${p.design}">${panelHtml(p, i)}</section>`)
    .join("");
  requestAnimationFrame(() => {
    for (const el of main.querySelectorAll<HTMLElement>(".panel")) drawArrows(el);
  });
}

function step(i: number, unit: Unit, dir: 1 | -1): void {
  const p = state.panels[i];
  if (p?.rec) p.at = move(p.rec.steps, p.at, unit, dir);
}

/** Side by side: every design moves to the same directive, or to its own next switch. */
function stepAll(unit: Unit, dir: 1 | -1): void {
  const ready = state.panels.filter((p) => p.rec && p.rec.steps.length);
  if (unit === "directive") {
    const now = ready.map((p) => p.rec!.steps[p.at].directive);
    const d = dir > 0 ? Math.min(...now) + 1 : Math.max(0, Math.max(...now) - 1);
    for (const p of ready) p.at = directiveStart(p.rec!.steps, d);
  } else {
    for (const p of ready) p.at = move(p.rec!.steps, p.at, unit, dir);
  }
}

function events(): void {
  $<HTMLSelectElement>("#example").addEventListener("change", (e) => {
    loadExample((e.target as HTMLSelectElement).value);
    void run();
  });
  $<HTMLSelectElement>("#design").addEventListener("change", (e) => {
    state.design = (e.target as HTMLSelectElement).value as Design;
    state.view = "one";
    $<HTMLInputElement>('input[name="view"][value="one"]').checked = true;
    sourceEditors();
    void run();
  });
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="view"]')) {
    r.addEventListener("change", () => {
      state.view = r.value as "one" | "side";
      sourceEditors();
      void run();
    });
  }
  $("#run").addEventListener("click", () => void run());
  $("#toggle-source").addEventListener("click", () => ($("#source").hidden = !$("#source").hidden));
  $("#closedoc").addEventListener("click", () => ($("#doc").hidden = true));
  document.addEventListener("click", (e) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>("button, a.rule");
    if (!t) return;
    const d = t.dataset;
    if (t.matches("a.rule")) {
      e.preventDefault();
      openDoc(d.doc!, d.id!);
      return;
    }
    if (d.all) stepAll(d.all as Unit, Number(d.dir) as 1 | -1);
    else if (d.unit) step(Number(d.panel), d.unit as Unit, Number(d.dir) as 1 | -1);
    else if (d.go) {
      const p = state.panels[Number(d.panel)];
      if (p?.rec) p.at = d.go === "first" ? 0 : p.rec.steps.length - 1;
    } else return;
    renderPanels();
  });
  // Arrow keys step every panel by rule; with Shift, by directive.
  document.addEventListener("keydown", (e) => {
    if ((e.target as HTMLElement).closest("textarea, select, input")) return;
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const dir = e.key === "ArrowRight" ? 1 : -1;
    if (e.shiftKey) stepAll("directive", dir);
    else state.panels.forEach((_, i) => step(i, "rule", dir));
    renderPanels();
  });
  window.addEventListener("resize", () => renderPanels());
}

async function main(): Promise<void> {
  layout();
  events();
  const [examples, proposals, file] = await Promise.all([
    getJson<Example[]>("/api/examples"),
    getJson<Proposal[]>("/api/proposals"),
    getJson<{ name: string; design: Design; source: string } | null>("/api/file"),
  ]);
  state.examples = examples;
  state.proposals = proposals;
  if (file) {
    state.examples.unshift({
      name: file.name,
      title: `${file.name} (from the command line)`,
      scripts: [{ design: file.design, path: file.name, source: file.source }],
    });
    state.design = file.design;
  }
  $("#example").innerHTML = state.examples
    .map((e) => `<option value="${esc(e.name)}">${esc(e.name)}</option>`)
    .join("");
  // `?example=NAME&view=side&design=raw-stacks` opens a given view (the tests use it).
  const q = new URLSearchParams(location.search);
  const pick = q.get("example") ?? state.examples[0].name;
  if (q.get("design")) state.design = q.get("design") as Design;
  if (q.get("view") === "side") {
    state.view = "side";
    $<HTMLInputElement>('input[name="view"][value="side"]').checked = true;
  }
  $<HTMLSelectElement>("#example").value = pick;
  loadExample(pick);
  await run();
}

void main();
