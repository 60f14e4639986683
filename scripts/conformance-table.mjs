#!/usr/bin/env node
// The table of conformance scenarios by language in conformance/README.md, made from the
// runners' one-line summaries (`conformance <language>: N passed, M skipped (name: result, ...)`).
//
//   node scripts/conformance-table.mjs --run             runs the four runners, writes the table
//   node scripts/conformance-table.mjs --run go,rust     runs these only; the other columns stay
//   node scripts/conformance-table.mjs FILE              writes it from summary lines in FILE
//                                                        (what $FALCO_CONFORMANCE_SUMMARY collects)
//   node scripts/conformance-table.mjs --print ...       prints the table instead of writing it
//
// --run needs what npm test needs (a build: pnpm build; Python 3 with pytest, Go, cargo); it
// runs each runner alone: vitest (packages/client), pytest (packages/python), go test -run
// TestConformance (packages/go/falco), cargo test --test conformance (packages/rust).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = join(root, "conformance/README.md");
const START = "<!-- conformance-table:start (node scripts/conformance-table.mjs --run) -->";
const END = "<!-- conformance-table:end -->";
const LANGUAGES = [
  ["typescript", "TypeScript"],
  ["python", "Python"],
  ["go", "Go"],
  ["rust", "Rust"],
];

const runners = {
  typescript: ["pnpm", ["exec", "vitest", "run", "src/conformance.spec.ts"], "packages/client"],
  // Debian's python3 (grpcio, protobuf), as npm test; $PYTHON for another.
  python: [
    process.env.PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3"),
    ["-m", "pytest", "-q", "tests/test_conformance.py"],
    "packages/python",
  ],
  go: [
    "go",
    ["test", "-count=1", "-timeout=20m", "-run", "TestConformance", "."],
    "packages/go/falco",
  ],
  rust: [
    "cargo",
    ["test", "--locked", "-p", "falco-sdk", "--test", "conformance"],
    "packages/rust",
  ],
};

/** Parses summary lines: language -> scenario -> result (passed, skipped, FAILED). */
export function parseSummaries(text) {
  const results = new Map();
  for (const line of text.split("\n")) {
    const m = /^conformance (\w+): .*?\((.*)\)\s*$/.exec(line.trim());
    if (!m) continue;
    const byScenario = new Map();
    for (const item of m[2].split(", ")) {
      const [name, result] = item.split(": ");
      if (name && result) byScenario.set(name.trim(), result.trim());
    }
    results.set(m[1], byScenario);
  }
  return results;
}

/** The results a table shows (to keep the columns of languages not run again). */
export function parseTable(text) {
  const results = new Map(LANGUAGES.map(([lang]) => [lang, new Map()]));
  const back = { pass: "passed", skip: "skipped" };
  for (const line of text.split("\n")) {
    const m = /^\|\s*`([^`]+)`\s*\|(.*)\|$/.exec(line.trim());
    if (!m) continue;
    m[2]
      .split("|")
      .map((cell) => cell.trim())
      .forEach((cell, i) => {
        const lang = LANGUAGES[i]?.[0];
        if (lang && cell !== "not run") results.get(lang).set(m[1], back[cell] ?? cell);
      });
  }
  for (const [lang, byScenario] of results) if (byScenario.size === 0) results.delete(lang);
  return results;
}

/** The Markdown table: one row per scenario, one column per language. */
export function renderTable(scenarios, results) {
  const cell = (result) =>
    result === undefined
      ? "not run"
      : result === "passed"
        ? "pass"
        : result === "skipped"
          ? "skip"
          : result.toUpperCase();
  // Columns padded to their widest cell, as the formatter (biome) writes Markdown tables.
  const grid = [
    ["Scenario", ...LANGUAGES.map(([, title]) => title)],
    ...scenarios.map((name) => [
      `\`${name}\``,
      ...LANGUAGES.map(([lang]) => cell(results.get(lang)?.get(name))),
    ]),
  ];
  const widths = grid[0].map((_, i) => Math.max(...grid.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const header = line(grid[0]);
  const rule = line(widths.map((w) => "-".repeat(w)));
  const rows = grid.slice(1).map(line);
  const totals = LANGUAGES.map(([lang, title]) => {
    const r = [...(results.get(lang)?.values() ?? [])];
    const n = (what) => r.filter((x) => x === what).length;
    return r.length === 0
      ? `${title} not run`
      : `${title} ${n("passed")} pass, ${n("skipped")} skip${r.length - n("passed") - n("skipped") ? `, ${r.length - n("passed") - n("skipped")} fail` : ""}`;
  });
  return [header, rule, ...rows, "", `Totals: ${totals.join("; ")}.`].join("\n");
}

function runAll(languages) {
  const dir = mkdtempSync(join(tmpdir(), "falco-conformance-table-"));
  const file = join(dir, "summary.txt");
  try {
    for (const [lang, [command, args, cwd]] of Object.entries(runners)) {
      if (!languages.includes(lang)) continue;
      console.error(`== ${lang}: ${command} ${args.join(" ")} (in ${cwd})`);
      const done = spawnSync(command, args, {
        cwd: join(root, cwd),
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, FALCO_CONFORMANCE_SUMMARY: file },
      });
      if (done.error) console.error(`${lang}: ${done.error.message}`);
      else if (done.status !== 0) console.error(`${lang}: exited with ${done.status}`);
    }
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(argv) {
  const print = argv.includes("--print");
  const rest = argv.filter((a) => a !== "--print");
  const all = Object.keys(runners);
  const languages = rest[0] === "--run" ? (rest[1]?.split(",") ?? all) : undefined;
  if (rest.length < 1 || (languages ?? []).some((l) => !all.includes(l))) {
    console.error(
      `usage: node scripts/conformance-table.mjs [--print] (--run [${all.join(",")}] | SUMMARY_FILE)`,
    );
    process.exit(2);
  }
  const text = languages ? runAll(languages) : readFileSync(rest[0], "utf8");
  const results = parseSummaries(text);
  if (languages && languages.length < all.length) {
    // The columns of the languages not run again stay as they are.
    const current = readFileSync(readme, "utf8");
    const table = current.slice(current.indexOf(START), current.indexOf(END));
    for (const [lang, byScenario] of parseTable(table)) {
      if (!languages.includes(lang)) results.set(lang, byScenario);
    }
  }
  const scenarios = readdirSync(join(root, "conformance/scenarios"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
  const table = renderTable(scenarios, results);
  if (print) {
    console.log(table);
    return;
  }
  const current = readFileSync(readme, "utf8");
  const a = current.indexOf(START);
  const b = current.indexOf(END);
  if (a < 0 || b < a) {
    console.error(`conformance/README.md has no ${START} ... ${END} markers`);
    process.exit(1);
  }
  writeFileSync(readme, `${current.slice(0, a + START.length)}\n\n${table}\n\n${current.slice(b)}`);
  console.error(`conformance/README.md: table written (${results.size} language(s) reported)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main(process.argv.slice(2));
