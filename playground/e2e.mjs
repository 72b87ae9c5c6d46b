// End-to-end tests of the playground in headless Chromium: start `switchyard serve`, load the
// page, step the generator of docs/examples/ in each design, and check the drawing (segments of
// the running stack, the continuation or stack leaving and re-entering it, arrows, rule names
// and their links into the proposal text), then the three designs side by side.
//
//   node e2e.mjs [--screenshots DIR]
//
// Environment: SWITCHYARD (the binary; default ../target/release/switchyard), CHROMIUM
// (default /usr/bin/chromium). Exits with 1 on the first failed check.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.env.SWITCHYARD ?? path.join(here, "../target/release/switchyard");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const shotsAt = process.argv.indexOf("--screenshots");
const shots = shotsAt > 0 ? path.resolve(process.env.E2E_CWD ?? ".", process.argv[shotsAt + 1]) : null;

let failures = 0;
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) {
    failures++;
    console.log(`FAIL ${what}`);
  }
}
function equal(actual, expected, what) {
  const ok = JSON.stringify(actual) === JSON.stringify(expected);
  check(ok, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Starts the server on a free port; resolves with its address. */
function serve() {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    child.on("error", reject);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve({ child, url: m[0] });
    });
    child.on("exit", (code) => reject(new Error(`switchyard serve exited with ${code}: ${out}`)));
  });
}

/** What the panel `design` shows now. */
async function panel(page, design) {
  return page.$eval(`.panel[data-design="${design}"]`, (p) => ({
    step: Number(p.querySelector(".stepno")?.textContent),
    rule: p.querySelector(".rule")?.textContent,
    segments: Number(p.querySelector(".thread")?.getAttribute("data-segments")),
    prompts: [...p.querySelectorAll(".thread > .segment > .prompt")].map((e) => e.classList[1]).reverse(),
    origins: [...p.querySelectorAll(".thread > .segment")].map((e) => e.getAttribute("data-origin")).reverse(),
    suspended: [...p.querySelectorAll(".parked > .cont")].map((e) => e.getAttribute("data-id")),
    arrows: [...p.querySelectorAll("path.arrow")].map((e) => `${e.getAttribute("data-from")}:${e.classList[1]}`),
    consumed: [...p.querySelectorAll(".val.ref.consumed")].map((e) => e.getAttribute("data-target")),
  }));
}

async function click(page, design, unit, dir = 1) {
  await page.click(`.panel[data-design="${design}"] button[data-unit="${unit}"][data-dir="${dir}"]`);
  // Arrows are drawn on the next frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function open(page, base, query) {
  await page.goto(`${base}?${query}`);
  await page.waitForSelector(".panel .stage");
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function typedCont(page, base) {
  const d = "typed-cont";
  await open(page, base, `design=${d}`);
  let p = await panel(page, d);
  equal([p.step, p.rule, p.segments, p.prompts], [0, "invoke", 1, ["root"]], `${d} start`);
  await click(page, d, "switch");
  p = await panel(page, d);
  equal([p.rule, p.segments, p.prompts], ["resume", 2, ["root", "resume"]], `${d} resume enters`);
  equal(p.origins, [null, "k0.0"], `${d} the resumed segment comes from k0.0`);
  equal(p.suspended, [], `${d} nothing suspended while it runs`);
  check(p.arrows.includes("k0.0:running"), `${d} an arrow from the local to the running segment`);
  if (shots) await page.screenshot({ path: `${shots}/playground-typed-cont-resume.png`, fullPage: true });
  await click(page, d, "switch");
  p = await panel(page, d);
  equal([p.rule, p.segments, p.prompts], ["resume-suspend", 1, ["root"]], `${d} suspend leaves`);
  equal(p.suspended, ["k0.1"], `${d} the continuation is detached`);
  check(p.arrows.includes("k0.1:suspended"), `${d} an arrow from the new reference to k0.1`);
  equal(p.consumed, ["k0.0"], `${d} the local still holds the used-up reference, greyed`);
  if (shots) await page.screenshot({ path: `${shots}/playground-typed-cont-suspend.png`, fullPage: true });
  await click(page, d, "switch");
  p = await panel(page, d);
  equal([p.rule, p.segments, p.origins], ["resume", 2, [null, "k0.1"]], `${d} re-enters`);
  // Back by one rule: the step before the resume, with k0.1 still suspended.
  await click(page, d, "rule", -1);
  p = await panel(page, d);
  equal([p.segments, p.suspended], [1, ["k0.1"]], `${d} one rule back`);
  // The rule's name links to its text in the proposal.
  await click(page, d, "rule", 1);
  await page.click(`.panel[data-design="${d}"] a.rule`);
  const hl = await page.$eval("#doc .hl", (e) => e.id);
  equal(hl, "rule-resume", `${d} the rule link highlights its bullet`);
  check(await page.isVisible("#doc"), `${d} the proposal text is shown`);
  if (shots) await page.screenshot({ path: `${shots}/playground-rule-link.png` });
  await page.click("#closedoc");
  // By instruction: the steps that close a block or a function go with the instruction before.
  await page.click(`.panel[data-design="${d}"] button[data-go="first"]`);
  const reduced = [];
  for (let i = 0; i < 60; i++) {
    await click(page, d, "instr");
    const now = await page.$eval(`.panel[data-design="${d}"] .now code`, (e) => e.textContent);
    const at = (await panel(page, d)).step;
    if (reduced.length && reduced[reduced.length - 1].at === at) break;
    reduced.push({ at, now });
  }
  const ends = reduced.slice(0, -1).filter((r) => r.now === "end" || r.now === "(end of function)");
  equal(ends, [], `${d} stepping by instruction skips the end steps`);
  check(reduced.length < 30, `${d} fewer instruction steps (${reduced.length}) than rule steps (30)`);
  // To the end: the sum on the root.
  await page.click(`.panel[data-design="${d}"] button[data-go="last"]`);
  const result = await page.$eval(`.panel[data-design="${d}"] .thread .val`, (e) => e.textContent);
  equal(result, "i32 3", `${d} the result`);
}

async function rawStacks(page, base) {
  const d = "raw-stacks";
  await open(page, base, `design=${d}`);
  await click(page, d, "switch");
  let p = await panel(page, d);
  equal([p.rule, p.prompts, p.origins], ["stack.switch-start", ["stack"], ["s0.0"]], `${d} the generator's stack runs`);
  equal(p.suspended, ["s0.1"], `${d} the root stack is parked`);
  check(p.arrows.includes("s0.1:suspended"), `${d} an arrow from $back to the parked root`);
  await click(page, d, "switch");
  p = await panel(page, d);
  equal([p.rule, p.prompts], ["stack.switch", ["root"]], `${d} back on the root`);
  equal(p.suspended, ["s0.2"], `${d} the generator is parked`);
  if (shots) await page.screenshot({ path: `${shots}/playground-raw-stacks.png`, fullPage: true });
  await click(page, d, "switch");
  p = await panel(page, d);
  equal([p.prompts, p.origins], [["stack"], ["s0.2"]], `${d} the generator's stack re-enters`);
}

async function effectHandlers(page, base) {
  const d = "effect-handlers";
  await open(page, base, `design=${d}`);
  await click(page, d, "switch");
  let p = await panel(page, d);
  equal([p.rule, p.prompts], ["perform-handled", ["root", "handle"]], `${d} perform leaves`);
  equal(p.suspended, ["k0.0"], `${d} the continuation is detached`);
  await click(page, d, "switch");
  p = await panel(page, d);
  equal([p.rule, p.segments, p.origins], ["continue", 3, [null, null, "k0.0"]], `${d} continue re-enters`);
  equal(p.suspended, [], `${d} nothing suspended`);
  if (shots) await page.screenshot({ path: `${shots}/playground-effect-handlers.png`, fullPage: true });
}

async function sideBySide(page, base) {
  await open(page, base, "view=side");
  const panels = await page.$$eval(".panel", (ps) => ps.map((p) => p.getAttribute("data-design")));
  equal(panels, ["typed-cont", "raw-stacks", "effect-handlers"], "side by side: three panels");
  await page.waitForFunction(() => document.querySelectorAll(".panel .stage").length === 3);
  await page.click('#together button[data-all="switch"][data-dir="1"]');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const rules = [];
  for (const d of panels) rules.push((await panel(page, d)).rule);
  equal(rules, ["resume", "stack.switch-start", "perform-handled"], "side by side: each at its first switch");
  await page.click('#together button[data-all="directive"][data-dir="-1"]');
  const steps = [];
  for (const d of panels) steps.push((await panel(page, d)).step);
  equal(steps, [0, 0, 0], "side by side: back to the directive's start together");
  await page.click('#together button[data-all="switch"][data-dir="1"]');
  await page.click('#together button[data-all="switch"][data-dir="1"]');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  if (shots) await page.screenshot({ path: `${shots}/playground-side-by-side.png`, fullPage: true });
}

const { child, url } = await serve();
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 860 } });
  page.on("pageerror", (e) => check(false, `page error: ${e.message}`));
  await typedCont(page, url);
  await rawStacks(page, url);
  await effectHandlers(page, url);
  await page.setViewportSize({ width: 1800, height: 900 });
  await sideBySide(page, url);
} catch (e) {
  check(false, `exception: ${e.stack ?? e}`);
} finally {
  await browser.close();
  child.kill();
}
console.log(`playground e2e: ${checks - failures} of ${checks} checks passed`);
process.exit(failures ? 1 : 0);
