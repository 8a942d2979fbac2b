#!/usr/bin/env node
// `npm test`: builds the app (integration and end-to-end tests start real servers from
// the build), then runs every vitest suite and closes with one line "N passed, N failed".
// End-to-end tests need Chromium; without it they are skipped and this says so plainly.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const env = { ...process.env };
if (!existsSync(chromium)) {
  console.log(`\nChromium was not found at ${chromium}: end-to-end browser tests are SKIPPED; everything else runs.`);
  console.log("Install it with `apt-get install -y chromium` (Debian) or set CHROMIUM_PATH.\n");
  env.BC_SKIP_E2E = "1";
} else {
  env.CHROMIUM_PATH = chromium;
}

const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", env });

const build = run("npx", ["remix", "build"]);
if (build.status !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const report = join(mkdtempSync(join(tmpdir(), "bc-vitest-")), "report.json");
const extra = process.argv.slice(2);
const tests = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} else {
  failed = 1;
}
if (tests.status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(tests.status === 0 && failed === 0 ? 0 : 1);
