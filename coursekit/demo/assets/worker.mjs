/* The demo's Web Worker: Pyodide, the ganlib.lite wheel and the training loop.
 *
 * Training runs here so the page stays responsive. Pyodide comes from this site
 * (assets/pyodide/, next to this file's folder), never from another origin.
 *
 * Page -> worker: {type: "start", wheel, settings} | {type: "pause"} | {type: "resume"}
 *                 | {type: "reset", settings} | {type: "update", changes}
 * Worker -> page: {type: "ready", loadSeconds} | {type: "target", real}
 *                 | {type: "stats", rows, stepsPerSecond} | {type: "snapshot", snapshot}
 *                 | {type: "error", message}
 * A stats row is [step, loss_d, loss_g, d_real, d_fake, d_skipped, modes_covered, high_quality]
 * (see ganlib.lite.session); the readouts use the steadier coverage of each snapshot.
 */
import { loadPyodide } from "../pyodide/pyodide.mjs";

const CHUNK_MS = 40; // train this long between looks at the message queue
const POINTS_EVERY_MS = 200; // generated points and coverage, at most this often ...
const SNAPSHOT_SHARE = 0.1; // ... and taking at most this share of the time, on a slow machine
const HEATMAP_EVERY = 4; // D's decision map on every 4th snapshot: it costs about a training step and a half
const HEATMAP_RESOLUTION = 24;
const SPEED_WINDOW_MS = 2000;

let pyodide = null;
let Session = null;
let session = null;
let running = false;
let chunk = 4; // steps per chunk, adapted to CHUNK_MS
let nextSnapshot = 0;
let snapshots = 0;
let history = []; // [time, step] pairs for the speed readout

// A zero-delay tick: setTimeout(0) is clamped to 4 ms once nested, a MessageChannel is not.
const ticker = new MessageChannel();
ticker.port1.onmessage = tick;
const schedule = () => ticker.port2.postMessage(null);

function fail(error) {
  running = false;
  // A Python traceback ends with the line that says what went wrong.
  const lines = String(error && error.message ? error.message : error).trim().split("\n");
  postMessage({ type: "error", message: lines[lines.length - 1] });
}

async function boot(wheel) {
  const started = performance.now();
  // The wheel downloads while Pyodide starts.
  const wheelBytes = fetch(wheel).then((response) => {
    if (!response.ok) throw new Error(`${wheel}: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
  pyodide = await loadPyodide({ indexURL: new URL("../pyodide/", import.meta.url).href });
  pyodide.unpackArchive(new Uint8Array(await wheelBytes), "wheel");
  Session = pyodide.pyimport("ganlib.lite.session").Session;
  postMessage({ type: "ready", loadSeconds: (performance.now() - started) / 1000 });
}

function newSession(settings) {
  if (session) session.destroy();
  session = Session(JSON.stringify(settings));
  history = [];
  snapshots = 0;
  postMessage({ type: "target", real: JSON.parse(session.real_points(512)) });
  sendSnapshot(performance.now());
}

function sendSnapshot(now) {
  const resolution = snapshots % HEATMAP_EVERY === 0 ? HEATMAP_RESOLUTION : 0;
  snapshots += 1;
  const snapshot = JSON.parse(session.snapshot(resolution));
  const cost = performance.now() - now;
  nextSnapshot = now + Math.max(POINTS_EVERY_MS, (cost * (1 - SNAPSHOT_SHARE)) / SNAPSHOT_SHARE);
  postMessage({ type: "snapshot", snapshot });
}

function tick() {
  if (!running) return;
  try {
    const started = performance.now();
    const rows = JSON.parse(session.train(chunk));
    const now = performance.now();
    const spent = Math.max(now - started, 1);
    chunk = Math.max(1, Math.min(200, Math.round((chunk * CHUNK_MS) / spent)));
    const step = rows[rows.length - 1][0];
    history.push([now, step]);
    while (history.length > 2 && now - history[1][0] > SPEED_WINDOW_MS) history.shift();
    const [t0, s0] = history[0];
    const stepsPerSecond = now > t0 ? ((step - s0) * 1000) / (now - t0) : null;
    postMessage({ type: "stats", rows, stepsPerSecond });
    if (now >= nextSnapshot) sendSnapshot(now);
    schedule();
  } catch (error) {
    fail(error);
  }
}

function run() {
  running = true;
  history = [];
  schedule();
}

onmessage = async (event) => {
  const message = event.data;
  try {
    switch (message.type) {
      case "start":
        if (!pyodide) await boot(message.wheel);
        newSession(message.settings);
        run();
        break;
      case "pause":
        running = false;
        break;
      case "resume":
        if (session && !running) run();
        break;
      case "reset":
        if (Session) newSession(message.settings);
        break;
      case "update":
        if (session) session.update(JSON.stringify(message.changes));
        break;
      default:
        throw new Error(`unknown message ${message.type}`);
    }
  } catch (error) {
    fail(error);
  }
};
