// Checks that the committed build (dist/, compiled into `switchyard serve`) is what the
// sources build to: builds into a scratch folder and compares file by file.
//   node check-dist.mjs        (npm run build rewrites dist/ when it differs)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(path.join(tmpdir(), "playground-dist-"));
try {
  execFileSync("npx", ["tsc", "--noEmit"], { cwd: here, stdio: "inherit" });
  execFileSync("npx", ["vite", "build", "--logLevel", "warn", "--outDir", out, "--emptyOutDir"], {
    cwd: here,
    stdio: "inherit",
  });
  const built = readdirSync(out).sort();
  const committed = readdirSync(path.join(here, "dist")).sort();
  const stale = [...new Set([...built, ...committed])].filter((f) => {
    try {
      return !readFileSync(path.join(out, f)).equals(readFileSync(path.join(here, "dist", f)));
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.log(`playground/dist is not the build of playground/src (${stale.join(", ")}): run \`npm run build\` in playground/ and commit dist/`);
    process.exit(1);
  }
  console.log("playground/dist matches the sources");
} finally {
  rmSync(out, { recursive: true, force: true });
}
