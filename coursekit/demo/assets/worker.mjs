/* The Web Worker behind every Python-powered part of the site: Pyodide, the ganlib.lite wheel,
 * and three clients on the page: the 2-D GAN demo ("train.*"), the loss demo ("saturation.*")
 * and runnable code blocks ("cell.*").
 *
 * Python runs here so the page stays responsive. Pyodide comes from this site (assets/pyodide/,
 * next to this file's folder), never from another origin. One page has one worker; a code block
 * that runs too long is stopped by ending the worker (client.mjs), which no Python can ignore.
 *
 * Python starts from a snapshot of Pyodide's memory taken at build time, with ganlib.lite already
 * imported (coursekit/demo/snapshot.mjs): that skips Python's own initialisation, most of
 * Pyodide's start-up. Without one (or where the browser cannot unzip it) Pyodide starts afresh.
 *
 * Page -> worker:
 *   {type: "boot", wheel, snapshot?}                            (client.mjs sends it first)
 *   {type: "train.start" | "train.reset", settings, display}  {type: "train.pause" | "train.resume"}
 *   {type: "train.update", changes}  {type: "train.view", display}  {type: "train.phase", phase: "d" | "g"}
 *   {type: "saturation.start", settings}  {type: "saturation.stop"}
 *   {type: "cell.run", id, code, name?, scope?}   (a scope's runs share one namespace: a notebook's cells)
 * Worker -> page:
 *   {type: "ready", loadSeconds, fromSnapshot}  {type: "error", client, message}
 *   {type: "train.target", target}  {type: "train.stats", rows, stepsPerSecond}
 *   {type: "train.phase", result}  {type: "train.snapshot", snapshot}
 *   {type: "saturation.rows", rows}          (rows: SaturationSession.advance, with "done")
 *   {type: "cell.started", id}  {type: "cell.output", id, kind, text}  {type: "cell.done", id, ok, seconds}
 * Stats rows and snapshots are described by ganlib.lite.protocol (the page has its describe()).
 */
import { loadPyodide } from "../pyodide/pyodide.mjs";

const CHUNK_MS = 40; // train this long between looks at the message queue
const POINTS_EVERY_MS = 200; // generated points and coverage, at most this often ...
const SNAPSHOT_SHARE = 0.1; // ... and taking at most this share of the time, on a slow machine
const HEATMAP_EVERY = 4; // D's decision map on every 4th snapshot: it costs about a training step and a half
const SPEED_WINDOW_MS = 2000;
const SATURATION_CHUNK = 20; // loss-demo steps per message

let pyodide = null;
let booting = null;
let lite = null; // the Python modules the clients call

// A zero-delay tick: setTimeout(0) is clamped to 4 ms once nested, a MessageChannel is not.
function ticker(callback) {
  const channel = new MessageChannel();
  channel.port1.onmessage = callback;
  return () => channel.port2.postMessage(null);
}

function lastLine(error) {
  // A Python traceback ends with the line that says what went wrong.
  const lines = String(error && error.message ? error.message : error).trim().split("\n");
  return lines[lines.length - 1];
}

async function download(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/* The snapshot's bytes, or null when there is none to use. "no-cache": the browser asks the
 * server whether its copy is current, so a snapshot never outlives the wheel it was made from. */
async function snapshotBytes(url) {
  if (!url || typeof DecompressionStream === "undefined") return null;
  try {
    const bytes = await download(url, { cache: "no-cache" });
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // a server that unzipped it already
    const unzipped = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(unzipped).arrayBuffer());
  } catch (error) {
    console.warn(`starting Python without its snapshot: ${error}`);
    return null;
  }
}

function boot(wheel, snapshot) {
  if (!booting) {
    booting = (async () => {
      const started = performance.now();
      const indexURL = new URL("../pyodide/", import.meta.url).href;
      // The wheel and the snapshot download while Pyodide's own files do.
      const wheelBytes = download(wheel);
      let memory = await snapshotBytes(snapshot);
      try {
        pyodide = await loadPyodide(memory ? { indexURL, _loadSnapshot: memory } : { indexURL });
      } catch (error) {
        if (!memory) throw error;
        console.warn(`the snapshot did not start, so Python starts afresh: ${error}`);
        memory = null;
        pyodide = await loadPyodide({ indexURL });
      }
      // The snapshot holds the imported modules but not their files, which tracebacks and
      // inspect.getsource() read: unpack the wheel either way.
      pyodide.unpackArchive(await wheelBytes, "wheel");
      const session = pyodide.pyimport("ganlib.lite.session");
      lite = { Session: session.Session, SaturationSession: session.SaturationSession,
               runCell: pyodide.pyimport("ganlib.lite.cell").run };
      postMessage({ type: "ready", loadSeconds: (performance.now() - started) / 1000, fromSnapshot: Boolean(memory) });
    })();
  }
  return booting;
}

/* -- the 2-D demo ------------------------------------------------------------------------ */
const train = {
  session: null,
  running: false,
  chunk: 4, // steps per chunk, adapted to CHUNK_MS
  display: {},
  nextSnapshot: 0,
  snapshots: 0,
  history: [], // [time, step] pairs for the speed readout

  reset(settings, display) {
    if (this.session) this.session.destroy();
    this.session = null; // a bad setting leaves no half-made session behind
    this.session = lite.Session(JSON.stringify(settings));
    this.display = display || {};
    this.history = [];
    this.snapshots = 0;
    postMessage({ type: "train.target", target: JSON.parse(this.session.target(this.display.real_points || 512)) });
    this.sendSnapshot(performance.now(), true);
  },

  sendSnapshot(now, full) {
    const d = this.display;
    const heatmap = full || this.snapshots % HEATMAP_EVERY === 0;
    this.snapshots += 1;
    const options = { heatmap: heatmap ? d.heatmap : 0, arrows: d.arrows || 0, manifold: d.manifold || 0 };
    const snapshot = JSON.parse(this.session.snapshot(JSON.stringify(options)));
    const cost = performance.now() - now;
    this.nextSnapshot = now + Math.max(POINTS_EVERY_MS, (cost * (1 - SNAPSHOT_SHARE)) / SNAPSHOT_SHARE);
    postMessage({ type: "train.snapshot", snapshot });
  },

  tick() {
    if (!this.running) return;
    try {
      const started = performance.now();
      const rows = JSON.parse(this.session.train(this.chunk));
      const now = performance.now();
      const spent = Math.max(now - started, 1);
      this.chunk = Math.max(1, Math.min(200, Math.round((this.chunk * CHUNK_MS) / spent)));
      const step = rows[rows.length - 1][0];
      this.history.push([now, step]);
      while (this.history.length > 2 && now - this.history[1][0] > SPEED_WINDOW_MS) this.history.shift();
      const [t0, s0] = this.history[0];
      const stepsPerSecond = now > t0 ? ((step - s0) * 1000) / (now - t0) : null;
      postMessage({ type: "train.stats", rows, stepsPerSecond });
      if (now >= this.nextSnapshot) this.sendSnapshot(now, false);
      this.schedule();
    } catch (error) {
      this.running = false;
      postMessage({ type: "error", client: "train", message: lastLine(error) });
    }
  },

  run() {
    this.running = true;
    this.history = [];
    this.schedule();
  },

  handle(message) {
    switch (message.type) {
      case "train.start":
      case "train.reset":
        this.running = false;
        this.reset(message.settings, message.display);
        if (message.type === "train.start") this.run();
        break;
      case "train.pause":
        this.running = false;
        break;
      case "train.resume":
        if (this.session && !this.running) this.run();
        break;
      case "train.update":
        if (this.session) this.session.update(JSON.stringify(message.changes));
        break;
      case "train.view":
        this.display = message.display;
        if (this.session && !this.running) this.sendSnapshot(performance.now(), true);
        break;
      case "train.phase": // one update on its own, while paused, then what it changed
        if (!this.session) break;
        this.running = false;
        postMessage({ type: "train.phase", result: JSON.parse(this.session.phase(message.phase)) });
        this.sendSnapshot(performance.now(), true);
        break;
    }
  },
};
train.schedule = ticker(() => train.tick());

/* -- the loss demo ----------------------------------------------------------------------- */
const saturation = {
  session: null,
  tick() {
    if (!this.session) return;
    try {
      const rows = JSON.parse(this.session.advance(SATURATION_CHUNK));
      postMessage({ type: "saturation.rows", rows });
      if (rows.done) this.stop();
      else this.schedule();
    } catch (error) {
      this.stop();
      postMessage({ type: "error", client: "saturation", message: lastLine(error) });
    }
  },
  stop() {
    if (this.session) this.session.destroy();
    this.session = null;
  },
  handle(message) {
    this.stop();
    if (message.type === "saturation.start") {
      this.session = lite.SaturationSession(JSON.stringify(message.settings));
      this.schedule();
    }
  },
};
saturation.schedule = ticker(() => saturation.tick());

/* -- runnable code blocks ---------------------------------------------------------------- */
function runCell({ id, code, name, scope }) {
  postMessage({ type: "cell.started", id });
  const started = performance.now();
  const emit = (kind, text) => postMessage({ type: "cell.output", id, kind, text });
  const ok = lite.runCell(code, emit, name || "<code>", scope || null);
  postMessage({ type: "cell.done", id, ok, seconds: (performance.now() - started) / 1000 });
}

onmessage = async (event) => {
  const message = event.data;
  const client = message.type.split(".")[0];
  try {
    if (message.type === "boot") return void (await boot(message.wheel, message.snapshot));
    await booting; // every other message waits until Python is ready
    if (client === "train") train.handle(message);
    else if (client === "saturation") saturation.handle(message);
    else if (message.type === "cell.run") runCell(message);
    else throw new Error(`unknown message ${message.type}`);
  } catch (error) {
    postMessage({ type: "error", client, id: message.id, message: lastLine(error) });
  }
};
