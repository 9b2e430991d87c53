/* The in-browser GAN demo: controls, drawing and readouts; training runs in worker.mjs.
 *
 * The page (coursekit.demo.widget) holds the controls in the reader's language and a JSON tag
 * with the engine's description (ganlib.lite.protocol), the worker's and the wheel's addresses
 * and the strings written here. Nothing loads until the reader presses Start or a step button.
 * The settings live in the page's address (?target=...&lr_g=...), so a link opens the same
 * set-up. The root element's data attributes (state, step, stepsPerS, modesCovered, js, arrows,
 * lastPhase, ...) mirror the readouts for tests and benchmarks.
 */
import { format, formatNumber, onEach, pageData, pythonWorker } from "./client.mjs";
import { drawFigure } from "./figure.mjs";

const MAX_CHART_POINTS = 600;
const DRAW_EVERY_MS = 100;
const SLOW_PHASE_MS = 700; // slow motion: the pause after each phase
const ARROW_PX = 36, ARROW_HALF = 0.5; // an arrow's length: ARROW_PX * g / (g + ARROW_HALF) for gradient size g
const PEN_STEP = 0.06; // plane units between the points of a drawn stroke
const KEY_STEP = 0.1, KEY_STEP_FINE = 0.02;
const COLORS = { real: "rgba(33, 33, 33, 0.55)", fake: "#c2185b", arrow: "#263238", manifold: "rgba(94, 53, 177, 0.55)",
                 lossD: "#1e88e5", lossG: "#c2185b", modes: "#2e7d32", js: "#5e35b1", ink: "rgba(0, 0, 0, 0.7)" };

/* A starter drawing, so that "your own drawing" trains at once: two dots and a smile. */
function smile() {
  const arc = [];
  for (let a = 200; a <= 340; a += 10) {
    const t = (a * Math.PI) / 180;
    arc.push(Math.round(100 * Math.cos(t)) / 100, Math.round(100 * (0.1 + Math.sin(t))) / 100);
  }
  return [[-0.6, 0.7], [0.6, 0.7], arc];
}

function halve(values) {
  const out = [];
  for (let i = 0; i + 1 < values.length; i += 2) out.push((values[i] + values[i + 1]) / 2);
  return out;
}

class Demo {
  constructor(root) {
    this.root = root;
    this.data = pageData(root, "script.ck-demo-data");
    this.engine = this.data.engine;
    this.s = this.data.strings;
    this.lang = this.data.lang;
    this.view = this.engine.view;
    this.field = Object.fromEntries(this.engine.stats_fields.map((name, i) => [name, i]));
    const q = (selector) => root.querySelector(selector);
    this.startButton = q(".ck-demo-start");
    this.resetButton = q(".ck-demo-reset");
    this.phaseButtons = [...root.querySelectorAll(".ck-demo-phase")];
    this.status = q(".ck-demo-status");
    this.plane = q(".ck-demo-plane");
    this.chart = q(".ck-demo-chart");
    this.coverageChart = q(".ck-demo-coverage");
    this.drawBox = q(".ck-demo-draw");
    this.link = q(".ck-demo-link");
    this.selects = Object.fromEntries([...root.querySelectorAll("select[data-setting]")].map((s) => [s.dataset.setting, s]));
    this.views = Object.fromEntries([...root.querySelectorAll("input[data-view]")].map((c) => [c.dataset.view, c]));
    this.drawing = smile();
    this.cursor = [0, 0];
    this.stroke = null; // the stroke being drawn: a flat x, y list
    this.pending = 0; // single phases asked for and not yet answered
    this.worker = pythonWorker(this.data);
    this.worker.listen((message) => this.receive(message));
    this.relabelNumbers();
    this.readUrl();
    this.clear();
    this.bind();
    this.setState("idle", this.s.status_idle);
    this.syncDrawMode();
    this.writeUrl(false);
    this.draw();
  }

  /* -- settings and the address ----------------------------------------------------------- */
  relabelNumbers() {
    Object.keys(this.data.choices).forEach((key) => {
      [...this.selects[key].options].forEach((option) => {
        if (Number(option.value)) option.textContent = formatNumber(this.lang, Number(option.value), { maximumSignificantDigits: 6 });
      });
    });
  }

  settings() {
    const preset = this.engine.presets[this.selects.preset.value] || this.engine.presets.default;
    const settings = { ...preset, target: this.selects.target.value, loss: this.selects.loss.value };
    this.engine.live_settings.forEach((key) => { settings[key] = Number(this.selects[key].value); });
    settings.drawing = settings.target === "drawn" ? this.drawing : [];
    return settings;
  }

  display() {
    const d = this.engine.display, on = (name) => this.views[name].checked;
    return { heatmap: on("heatmap") ? d.heatmap : 0, arrows: on("arrows") ? d.arrows : 0,
             manifold: on("manifold") ? d.manifold : 0, real_points: d.real_points };
  }

  /* Settings from the address; a preset brings its values, and settings named there override them. */
  readUrl() {
    const params = new URLSearchParams(window.location.search);
    const take = (key) => {
      const value = params.get(key), select = this.selects[key];
      if (value === null || ![...select.options].some((o) => o.value === value)) return false;
      select.value = value;
      return true;
    };
    if (take("preset")) this.applyPreset();
    Object.keys(this.selects).filter((key) => key !== "preset").forEach(take);
    Object.entries(this.views).forEach(([key, box]) => {
      if (params.has(key)) box.checked = params.get(key) === "1";
    });
    const drawing = this.parseDrawing(params.get("drawing"));
    if (drawing) this.drawing = drawing;
    this.showPresetHelp();
  }

  /* "x,y,x,y_x,y": strokes split by "_"; null unless every number is inside the view. */
  parseDrawing(text) {
    if (!text) return null;
    const strokes = text.split("_").map((part) => part.split(",").map(Number));
    const points = strokes.reduce((n, s) => n + s.length / 2, 0);
    const ok = strokes.every((s) => s.length >= 2 && s.length % 2 === 0 && s.every((v) => Number.isFinite(v) && Math.abs(v) <= this.view));
    return ok && points <= this.engine.max_drawn_points ? strokes : null;
  }

  /* The page's address with the current settings; `write` puts it in the address bar too. */
  writeUrl(write = true) {
    const params = new URLSearchParams();
    Object.entries(this.selects).forEach(([key, select]) => params.set(key, select.value));
    Object.entries(this.views).forEach(([key, box]) => params.set(key, box.checked ? "1" : "0"));
    if (this.selects.target.value === "drawn" && this.drawing.length) {
      params.set("drawing", this.drawing.map((stroke) => stroke.map((v) => Math.round(v * 100) / 100).join(",")).join("_"));
    }
    const url = new URL(window.location.href);
    url.search = params.toString();
    if (write) window.history.replaceState(window.history.state, "", url.href);
    this.link.value = url.href;
  }

  applyPreset() {
    const preset = this.engine.presets[this.selects.preset.value];
    this.engine.live_settings.forEach((key) => { this.selects[key].value = String(preset[key]); });
  }

  showPresetHelp() {
    this.root.querySelectorAll(".ck-demo-help").forEach((help) => { help.hidden = help.dataset.preset !== this.selects.preset.value; });
  }

  /* -- controls ------------------------------------------------------------------------------ */
  bind() {
    this.startButton.addEventListener("click", () => this.toggle());
    this.resetButton.addEventListener("click", () => this.reset());
    this.phaseButtons.forEach((button) => button.addEventListener("click", () => this.stepOnce(button.dataset.phase)));
    this.root.querySelector(".ck-demo-copy").addEventListener("click", () => this.copyLink());
    this.root.querySelector(".ck-demo-clear").addEventListener("click", () => this.clearDrawing());
    this.selects.target.addEventListener("change", () => { this.syncDrawMode(); this.reset(); });
    this.selects.loss.addEventListener("change", () => this.reset());
    this.selects.preset.addEventListener("change", () => {
      this.applyPreset();
      this.showPresetHelp();
      this.reset();
    });
    this.engine.live_settings.forEach((key) => this.selects[key].addEventListener("change", () => {
      if (this.started) this.worker.post({ type: "train.update", changes: { [key]: Number(this.selects[key].value) } });
      this.writeUrl();
    }));
    this.selects.pace.addEventListener("change", () => { this.changePace(); this.writeUrl(); });
    Object.values(this.views).forEach((box) => box.addEventListener("change", () => {
      if (this.started) this.worker.post({ type: "train.view", display: this.display() });
      this.planeDirty = true;
      this.requestDraw();
      this.writeUrl();
    }));
    this.bindDrawing();
  }

  get slow() {
    return this.selects.pace.value === "slow";
  }

  setState(state, text) {
    const s = this.s;
    this.state = state;
    this.root.dataset.state = state;
    if (text !== undefined) this.status.textContent = text;
    this.startButton.textContent = state === "running" ? s.pause : state === "paused" ? s.resume : s.start;
    const noTarget = this.selects.target.value === "drawn" && !this.drawing.length;
    this.startButton.disabled = state === "loading" || state === "error" || noTarget;
    this.resetButton.disabled = state === "idle" || state === "loading";
    this.phaseButtons.forEach((button) => {
      button.disabled = !(state === "idle" || state === "paused") || this.pending > 0 || noTarget;
    });
  }

  toggle() {
    if (this.state === "running") {
      this.stopLoop();
      this.setState("paused", this.s.status_paused);
    } else if (this.state === "paused") {
      this.setState("running", this.s.status_running);
      this.startLoop();
    } else if (this.state === "idle") {
      this.begin("running");
    }
  }

  /* Starts Python (if it is not running yet) and a fresh trainer; then trains or waits. */
  begin(next) {
    this.started = true;
    this.next = next;
    this.worker.post({ type: "train.reset", settings: this.settings(), display: this.display() });
    if (this.worker.loadSeconds === null) {
      this.loadStarted = performance.now();
      this.setState("loading", this.s.status_loading);
    } else {
      this.setState(next, next === "running" ? this.s.status_running : this.s.status_paused);
      if (next === "running") this.startLoop();
    }
  }

  startLoop() {
    if (this.slow) this.slowPhase("d");
    else this.worker.post({ type: "train.resume" });
  }

  stopLoop() {
    window.clearTimeout(this.slowTimer);
    this.slowTimer = null;
    this.slowNext = null;
    if (this.started) this.worker.post({ type: "train.pause" });
  }

  changePace() {
    if (this.state !== "running") return;
    this.stopLoop();
    this.startLoop();
  }

  /* Slow motion: one phase, its picture, a pause, the next phase. */
  slowPhase(phase) {
    this.slowNext = phase;
    this.pending += 1;
    this.worker.post({ type: "train.phase", phase });
  }

  stepOnce(which) {
    if (this.state === "idle") this.begin("paused");
    const phases = which === "both" ? [...Array(Number(this.selects.d_steps.value)).fill("d"), "g"] : [which];
    phases.forEach((phase) => { this.pending += 1; this.worker.post({ type: "train.phase", phase }); });
    this.setState(this.state);
  }

  reset() {
    this.clear();
    this.stopLoop();
    if (this.started && this.state !== "loading") {
      this.worker.post({ type: "train.reset", settings: this.settings(), display: this.display() });
      if (this.state === "running") this.startLoop();
    }
    this.setState(this.state);
    this.writeUrl();
    this.draw();
  }

  clear() {
    this.real = [];
    this.snapshot = null;
    this.heatmap = null; // a small canvas, one pixel per cell of D's decision map
    this.losses = { step: [], d: [], g: [] };
    this.coverage = { step: [], modes: [], js: [] };
    this.chartStride = 1; // steps per chart point, doubled whenever the chart fills up
    this.pendingRows = [];
    this.lastD = null;
    this.jsFloor = null;
    this.awaitingTarget = true; // messages still in flight from before a reset are dropped
    this.planeDirty = this.chartDirty = true;
    this.pending = 0;
    this.setReadout("step", "0");
    ["step", "lossD", "lossG", "modesCovered", "js", "arrows", "manifold", "lastPhase"].forEach((k) => delete this.root.dataset[k]);
    this.root.dataset.step = "0";
    this.markPhase(null);
  }

  copyLink() {
    this.writeUrl();
    const done = () => { this.status.textContent = this.s.link_copied; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(this.link.value).then(done, () => this.link.select());
    else { this.link.select(); if (document.execCommand("copy")) done(); }
  }

  /* -- messages from the worker ------------------------------------------------------------ */
  receive(message) {
    switch (message.type) {
      case "ready":
        if (this.state !== "loading") break;
        this.root.dataset.loadMs = String(Math.round(performance.now() - this.loadStarted));
        this.root.dataset.fromSnapshot = String(message.fromSnapshot);
        this.setState(this.next, format(this.s.status_ready, { seconds: formatNumber(this.lang, message.loadSeconds, { maximumFractionDigits: 1 }) }) +
          " " + (this.next === "running" ? this.s.status_running : this.s.status_paused));
        if (this.next === "running") this.startLoop();
        break;
      case "train.target":
        this.real = message.target.real;
        this.jsFloor = message.target.js_floor;
        this.awaitingTarget = false;
        this.planeDirty = true;
        break;
      case "train.stats":
        if (!this.awaitingTarget) this.addStats(message.rows, message.stepsPerSecond);
        break;
      case "train.phase":
        this.pending = Math.max(0, this.pending - 1);
        if (!this.awaitingTarget) this.phaseDone(message.result);
        break;
      case "train.snapshot":
        if (!this.awaitingTarget) this.addSnapshot(message.snapshot);
        break;
      case "error":
        if (["train", "*", "boot"].includes(message.client)) {
          this.stopLoop();
          this.setState("error", format(this.s.status_error, { message: message.message }));
        }
        break;
      case "terminated": // a runnable block on this page stopped the worker
        this.started = false;
        this.clear();
        this.setState("idle", this.s.status_idle);
        break;
    }
    this.requestDraw();
  }

  addStats(rows, stepsPerSecond) {
    const f = this.field, last = rows[rows.length - 1];
    rows.forEach((row) => this.pendingRows.push(row));
    // One chart point per `chartStride` steps: the mean of those steps' losses.
    while (this.pendingRows.length >= this.chartStride) {
      const batch = this.pendingRows.splice(0, this.chartStride);
      let d = 0, g = 0;
      batch.forEach((row) => { d += row[f.loss_d]; g += row[f.loss_g]; });
      this.addLossPoint(batch[batch.length - 1][f.step], d / batch.length, g / batch.length);
    }
    this.showLosses(last[f.step], last[f.loss_d], last[f.loss_g]);
    if (stepsPerSecond !== null) {
      this.setReadout("speed", format(this.s.steps_per_s, { value: formatNumber(this.lang, stepsPerSecond, { maximumFractionDigits: 0 }) }));
      this.root.dataset.stepsPerS = stepsPerSecond.toFixed(1);
    }
  }

  addLossPoint(step, d, g) {
    const l = this.losses;
    l.step.push(step); l.d.push(d); l.g.push(g);
    if (l.step.length > MAX_CHART_POINTS) {
      l.step = l.step.filter((_, i) => i % 2 === 1);
      l.d = halve(l.d); l.g = halve(l.g);
      this.chartStride *= 2;
    }
    this.chartDirty = true;
  }

  showLosses(step, lossD, lossG) {
    const n = (v) => formatNumber(this.lang, v, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    this.setReadout("step", formatNumber(this.lang, step));
    this.setReadout("loss-d", n(lossD));
    this.setReadout("loss-g", n(lossG));
    Object.assign(this.root.dataset, { step: String(step), lossD: String(lossD), lossG: String(lossG) });
  }

  /* One phase on its own (step buttons, slow motion): what it did, in words and on screen. */
  phaseDone(result) {
    const n = (v) => formatNumber(this.lang, v, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    this.markPhase(result.phase);
    this.root.dataset.lastPhase = result.phase;
    let text;
    if (result.phase === "d") {
      this.lastD = result.loss_d;
      text = format(result.skipped ? this.s.phase_d_skipped : this.s.phase_d_done, { loss: n(result.loss_d) });
    } else {
      text = format(this.s.phase_g_done, { loss: n(result.loss_g) });
      if (this.lastD !== null) {
        this.addLossPoint(result.step, this.lastD, result.loss_g);
        this.showLosses(result.step, this.lastD, result.loss_g);
      }
    }
    if (this.slowNext && this.state === "running") { // slow motion goes on by itself; no announcement
      const next = result.phase === "d" ? "g" : "d";
      this.slowTimer = window.setTimeout(() => { if (this.state === "running" && this.slow) this.slowPhase(next); }, SLOW_PHASE_MS);
    } else {
      this.status.textContent = text;
    }
    this.setState(this.state);
  }

  markPhase(phase) {
    this.root.querySelectorAll(".ck-demo-phases li").forEach((li) => {
      if (li.dataset.phase === phase) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
  }

  addSnapshot(snapshot) {
    this.snapshot = snapshot;
    if (snapshot.heatmap) this.setHeatmap(snapshot.heatmap);
    this.planeDirty = true;
    const c = this.coverage;
    if (!c.step.length || snapshot.step > c.step[c.step.length - 1]) {
      c.step.push(snapshot.step); c.modes.push(snapshot.modes_covered / snapshot.modes); c.js.push(snapshot.js);
      if (c.step.length > MAX_CHART_POINTS) ["step", "modes", "js"].forEach((k) => { c[k] = c[k].filter((_, i) => i % 2 === 1); });
      this.chartDirty = true;
    }
    this.setReadout("modes", format(this.s.modes_value, { covered: formatNumber(this.lang, snapshot.modes_covered), modes: formatNumber(this.lang, snapshot.modes) }));
    this.setReadout("quality", formatNumber(this.lang, snapshot.high_quality, { style: "percent", maximumFractionDigits: 0 }));
    this.setReadout("js", format(this.s.js_value, { value: formatNumber(this.lang, snapshot.js, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) }));
    Object.assign(this.root.dataset, { modesCovered: String(snapshot.modes_covered), modes: String(snapshot.modes),
                                       js: String(snapshot.js), arrows: String((snapshot.arrows || []).length / 4),
                                       manifold: String((snapshot.manifold || []).length / 2) });
  }

  setReadout(name, text) {
    const element = this.root.querySelector(".ck-demo-" + name);
    if (element) element.textContent = text;
  }

  /* -- drawing your own target ------------------------------------------------------------- */
  syncDrawMode() {
    const drawing = this.selects.target.value === "drawn";
    this.drawBox.hidden = !drawing;
    if (drawing) {
      this.plane.tabIndex = 0;
      this.plane.setAttribute("role", "application");
      this.plane.setAttribute("aria-label", this.s.draw_label);
      this.plane.setAttribute("aria-describedby", "ck-demo-draw-help");
    } else {
      this.plane.removeAttribute("tabindex");
      this.plane.setAttribute("role", "img");
      this.plane.setAttribute("aria-label", this.s.canvas_label);
      this.plane.removeAttribute("aria-describedby");
    }
    this.planeDirty = true;
  }

  toPlane(event) {
    const box = this.plane.getBoundingClientRect(), v = this.view;
    const x = ((event.clientX - box.left) / box.width) * 2 * v - v;
    const y = v - ((event.clientY - box.top) / box.height) * 2 * v;
    return [Math.max(-v, Math.min(v, x)), Math.max(-v, Math.min(v, y))];
  }

  bindDrawing() {
    const drawing = () => this.selects.target.value === "drawn";
    this.plane.addEventListener("pointerdown", (event) => {
      if (!drawing()) return;
      this.plane.setPointerCapture(event.pointerId);
      this.penDown(this.toPlane(event));
    });
    this.plane.addEventListener("pointermove", (event) => { if (this.stroke && drawing()) this.penMove(this.toPlane(event)); });
    const up = () => { if (this.stroke) this.penUp(); };
    this.plane.addEventListener("pointerup", up);
    this.plane.addEventListener("pointercancel", up);
    this.plane.addEventListener("keydown", (event) => {
      if (!drawing()) return;
      const step = event.shiftKey ? KEY_STEP_FINE : KEY_STEP;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[event.key]) {
        const v = this.view;
        this.cursor = this.cursor.map((c, i) => Math.max(-v, Math.min(v, Math.round((c + moves[event.key][i]) * 100) / 100)));
        if (this.stroke) this.penMove(this.cursor, true);
      } else if (event.key === " " || event.key === "Enter") {
        if (this.stroke) this.penUp(); else this.penDown(this.cursor);
        this.status.textContent = this.stroke ? this.s.pen_down : this.s.pen_up;
      } else {
        return;
      }
      event.preventDefault();
      this.planeDirty = true;
      this.requestDraw();
    });
    ["focus", "blur"].forEach((type) => this.plane.addEventListener(type, () => { this.planeDirty = true; this.requestDraw(); }));
  }

  drawnPoints() {
    return this.drawing.reduce((n, stroke) => n + stroke.length / 2, 0) + (this.stroke ? this.stroke.length / 2 : 0);
  }

  penDown(point) {
    if (this.drawnPoints() >= this.engine.max_drawn_points) return;
    this.stroke = [point[0], point[1]];
    this.planeDirty = true;
  }

  penMove(point, always) {
    const s = this.stroke, dx = point[0] - s[s.length - 2], dy = point[1] - s[s.length - 1];
    if ((always || Math.hypot(dx, dy) >= PEN_STEP) && this.drawnPoints() < this.engine.max_drawn_points) {
      s.push(point[0], point[1]);
      this.planeDirty = true;
      this.requestDraw();
    }
  }

  penUp() {
    this.drawing.push(this.stroke.map((v) => Math.round(v * 100) / 100));
    this.stroke = null;
    this.reset(); // the target changed
  }

  clearDrawing() {
    this.drawing = [];
    this.stroke = null;
    this.stopLoop();
    if (this.state === "running") this.setState("paused");
    this.clear();
    this.status.textContent = this.s.draw_empty;
    this.setState(this.state);
    this.writeUrl();
    this.draw();
  }

  /* -- drawing the views -------------------------------------------------------------------- */
  /* Redraw at most every DRAW_EVERY_MS, and only what changed: the main thread shares the
   * machine with the worker, and every millisecond spent drawing is one not spent training. */
  requestDraw() {
    if (this.drawQueued) return;
    this.drawQueued = true;
    const wait = Math.max(0, DRAW_EVERY_MS - (performance.now() - (this.lastDraw || 0)));
    window.setTimeout(() => window.requestAnimationFrame(() => {
      this.drawQueued = false;
      this.lastDraw = performance.now();
      this.draw();
    }), wait);
  }

  draw() {
    if (this.planeDirty) this.drawPlane();
    if (this.chartDirty) this.drawCharts();
    this.planeDirty = this.chartDirty = false;
  }

  /* D's verdict on a square grid, rows from y = -VIEW upwards, as one pixel per cell (the canvas's
   * y axis points down); drawPlane scales it up smoothly. Orange: "real", blue: "fake". */
  setHeatmap(values) {
    const n = Math.round(Math.sqrt(values.length));
    const canvas = this.heatmap && this.heatmap.width === n ? this.heatmap : document.createElement("canvas");
    canvas.width = canvas.height = n;
    const ctx = canvas.getContext("2d"), image = ctx.createImageData(n, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const p = values[j * n + i], o = 4 * ((n - 1 - j) * n + i);
        const real = p >= 0.5, strength = Math.abs(p - 0.5) * 2;
        image.data[o] = real ? 245 : 30;
        image.data[o + 1] = real ? 124 : 136;
        image.data[o + 2] = real ? 0 : 229;
        image.data[o + 3] = Math.round(255 * 0.6 * strength);
      }
    }
    ctx.putImageData(image, 0, 0);
    this.heatmap = canvas;
  }

  px(x, y) {
    const w = this.plane.width, h = this.plane.height, v = this.view;
    return [((x + v) / (2 * v)) * w, h - ((y + v) / (2 * v)) * h];
  }

  drawPlane() {
    const ctx = this.plane.getContext("2d"), w = this.plane.width, h = this.plane.height;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, w, h);
    if (this.heatmap && this.views.heatmap.checked) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.heatmap, 0, 0, w, h);
    }
    ctx.strokeStyle = "rgba(0, 0, 0, 0.15)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(w / 2, 0); ctx.lineTo(w / 2, h);
    ctx.moveTo(0, h / 2); ctx.lineTo(w, h / 2);
    ctx.stroke();
    const snap = this.snapshot;
    if (snap && snap.manifold && this.views.manifold.checked) this.drawManifold(ctx, snap.manifold);
    this.drawPoints(ctx, this.real, COLORS.real, 1.6);
    if (this.selects.target.value === "drawn") this.drawStrokes(ctx);
    if (snap) this.drawPoints(ctx, snap.fake, COLORS.fake, 2.2);
    if (snap && snap.arrows && this.views.arrows.checked) this.drawArrows(ctx, snap.arrows);
  }

  drawPoints(ctx, flat, color, radius) {
    ctx.fillStyle = color;
    ctx.beginPath();
    for (let k = 0; k + 1 < flat.length; k += 2) {
      const [x, y] = this.px(flat[k], flat[k + 1]);
      ctx.moveTo(x + radius, y);
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
    }
    ctx.fill();
  }

  /* The generator's image of a square grid in latent space: its rows and its columns. */
  drawManifold(ctx, flat) {
    const n = Math.round(Math.sqrt(flat.length / 2));
    const at = (i, j) => this.px(flat[2 * (j * n + i)], flat[2 * (j * n + i) + 1]); // column i, row j
    ctx.strokeStyle = COLORS.manifold;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let a = 0; a < n; a++) {
      for (const line of [(b) => at(b, a), (b) => at(a, b)]) { // row a, then column a
        for (let b = 0; b < n; b++) {
          const [x, y] = line(b);
          if (b === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
      }
    }
    ctx.stroke();
  }

  /* Where D's verdict pushes each generated point; a longer arrow is a stronger push. */
  drawArrows(ctx, flat) {
    ctx.strokeStyle = COLORS.arrow;
    ctx.fillStyle = COLORS.arrow;
    ctx.lineWidth = 1;
    for (let k = 0; k + 3 < flat.length; k += 4) {
      const g = Math.hypot(flat[k + 2], flat[k + 3]);
      if (!(g > 0)) continue;
      const length = (ARROW_PX * g) / (g + ARROW_HALF);
      const [x, y] = this.px(flat[k], flat[k + 1]);
      const ux = flat[k + 2] / g, uy = -flat[k + 3] / g; // the canvas's y axis points down
      const tx = x + ux * length, ty = y + uy * length;
      ctx.beginPath();
      ctx.moveTo(x, y); ctx.lineTo(tx, ty);
      ctx.stroke();
      if (length > 4) {
        ctx.beginPath();
        ctx.moveTo(tx, ty);
        ctx.lineTo(tx - 4 * ux + 2.5 * uy, ty - 4 * uy - 2.5 * ux);
        ctx.lineTo(tx - 4 * ux - 2.5 * uy, ty - 4 * uy + 2.5 * ux);
        ctx.fill();
      }
    }
  }

  /* The reader's strokes, the one being drawn, and the keyboard's cross when the plane has focus. */
  drawStrokes(ctx) {
    ctx.strokeStyle = COLORS.ink;
    ctx.fillStyle = COLORS.ink;
    ctx.lineWidth = 2;
    for (const stroke of [...this.drawing, ...(this.stroke ? [this.stroke] : [])]) {
      ctx.beginPath();
      for (let k = 0; k + 1 < stroke.length; k += 2) {
        const [x, y] = this.px(stroke[k], stroke[k + 1]);
        if (k === 0) { ctx.moveTo(x, y); ctx.arc(x, y, 2.5, 0, 2 * Math.PI); ctx.moveTo(x, y); } else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
    if (document.activeElement === this.plane) {
      const [x, y] = this.px(this.cursor[0], this.cursor[1]);
      ctx.strokeStyle = this.stroke ? COLORS.fake : COLORS.ink;
      ctx.beginPath();
      ctx.moveTo(x - 8, y); ctx.lineTo(x + 8, y); ctx.moveTo(x, y - 8); ctx.lineTo(x, y + 8);
      ctx.stroke();
    }
  }

  drawCharts() {
    const s = this.s, chance = this.engine.chance[this.selects.loss.value], l = this.losses, c = this.coverage;
    drawFigure(this.chart, {
      title: s.losses, xlabel: s.x_step, guides: [{ y: chance.loss_d }, { y: chance.loss_g }],
      series: [
        { kind: "line", label: s.loss_d, color: COLORS.lossD, width: 1.5, x: l.step, y: l.d },
        { kind: "line", label: s.loss_g, color: COLORS.lossG, width: 1.5, x: l.step, y: l.g },
      ],
    }, this.lang);
    drawFigure(this.coverageChart, {
      title: s.coverage_title, xlabel: s.x_step, ylim: [0, 1.45], // room for the legend above 1
      guides: this.jsFloor === null ? [] : [{ y: this.jsFloor }],
      series: [
        { kind: "line", label: s.modes_share, color: COLORS.modes, width: 1.5, x: c.step, y: c.modes },
        { kind: "line", label: s.js_bits, color: COLORS.js, width: 1.5, x: c.step, y: c.js },
      ],
    }, this.lang);
  }
}

onEach(".ck-demo", (root) => new Demo(root));
