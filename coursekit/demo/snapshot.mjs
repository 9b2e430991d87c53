/* The Python worker's start-up snapshot, made at site-build time by coursekit.demo.build:
 *
 *   node --input-type=module - PYODIDE_DIR WHEEL OUT < snapshot.mjs
 *
 * Most of Pyodide's start-up is Python initialising itself. Here that happens once: Pyodide
 * starts, imports ganlib.lite and runs one default training step and one display snapshot (so
 * the kernels that ganlib.lite.kernels generates for the default networks are compiled), and
 * the interpreter's memory is written, gzipped, to OUT. The page's worker hands it to
 * loadPyodide, which then skips the initialisation.
 *
 * The script comes on stdin so that no path of the build machine (its own) is in Python's
 * environment, which the snapshot keeps.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [pyodideDir, wheel, out] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, _makeSnapshot: true });
pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
pyodide.runPython(`
def _warm_up():
    import json, os
    import ganlib.lite.cell, ganlib.lite.session
    from ganlib.lite.protocol import DISPLAY

    os.environ.pop("_", None)  # the program's name, which is all Emscripten puts there
    session = ganlib.lite.session.Session()
    session.train(1)
    session.snapshot(json.dumps({key: DISPLAY[key] for key in ("heatmap", "arrows", "manifold")}))


_warm_up()
del _warm_up
`);
writeFileSync(out, gzipSync(pyodide.makeMemorySnapshot()));
