// Runs ganlib.lite inside the real Pyodide from node_modules and prints the result as JSON.
// Usage: node tests/js/lite_pyodide.mjs PYODIDE_DIR WHEEL SETTINGS_JSON STEPS [--bench SECONDS]
//        node tests/js/lite_pyodide.mjs PYODIDE_DIR WHEEL --script FILE
// Prints {"load_s", "python", "run": reference_run(...)}, or with --bench the steps per second,
// or with --script the value the script leaves in `result` (tests run the same file in CPython).
// With PYODIDE_SNAPSHOT=FILE (the site's gzipped start-up snapshot) Pyodide starts from it, as the
// site's worker does, and the output adds "snapshot": what Python held before the wheel was unpacked.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [pyodideDir, wheel, ...rest] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const snapshotFile = process.env.PYODIDE_SNAPSHOT;
const started = performance.now();
const pyodide = await loadPyodide(snapshotFile
  ? { indexURL: pyodideDir + path.sep, _loadSnapshot: gunzipSync(readFileSync(snapshotFile)) }
  : { indexURL: pyodideDir + path.sep });
const loadSeconds = (performance.now() - started) / 1000;
const snapshot = snapshotFile && JSON.parse(pyodide.runPython(`
import json, os, sys
json.dumps({"modules": sorted(m for m in sys.modules if m.startswith("ganlib")), "environ": sorted(os.environ),
            "kernels": sum(f.cache_info().currsize for f in vars(sys.modules["ganlib.lite.kernels"]).values()
                           if hasattr(f, "cache_info"))})`));
pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
let out;
if (rest[0] === "--script") {
  pyodide.runPython(readFileSync(rest[1], "utf8"));
  out = pyodide.runPython("import json, sys; json.dumps({'result': result, 'python': sys.version.split()[0]})");
} else {
  const [settings, steps, flag, seconds] = rest;
  pyodide.globals.set("settings_json", settings);
  pyodide.globals.set("steps", Number(steps));
  pyodide.globals.set("bench_seconds", flag === "--bench" ? Number(seconds) : 0);
  out = pyodide.runPython(`
import json, sys, time
from ganlib.lite.session import Session, reference_run
if bench_seconds:
    session = Session(settings_json)
    session.train(steps)  # warm up: kernels compiled, wasm tiered up
    start, done = time.perf_counter(), 0
    while time.perf_counter() - start < bench_seconds:
        session.train(10)
        done += 10
    result = {"steps_per_s": done / (time.perf_counter() - start)}
else:
    result = {"run": reference_run(json.loads(settings_json), steps)}
result["python"] = sys.version.split()[0]
json.dumps(result)
`);
}
const result = JSON.parse(out);
result.load_s = loadSeconds;
if (snapshot) result.snapshot = snapshot;
console.log(JSON.stringify(result));
