/* The loss demo: why log(1 - D(G(z))) stalls and -log D(G(z)) does not (ganlib.lite.saturation).
 *
 * The worker computes the experiment's rows a chunk at a time; this page plays them back at a
 * steady pace and draws them. The root element mirrors the state in data attributes (state,
 * dStep, step, progressSaturating, progressNonSaturating, stalled) for tests.
 */
import { format, formatNumber, onEach, pageData, pythonWorker } from "./client.mjs";
import { drawFigure } from "./figure.mjs";

const ROWS_PER_SECOND = 60; // playback pace, in both phases (a test may set data-pace on the root to go faster)
const REAL = "#757575", SAT = "#c2185b", NS = "#2e7d32", DISC = "#1e88e5";
const X_RANGE = [-5, 5];
const DENSITY_POINTS = 241;

function gaussian(mean, std) {
  const s = Math.max(Math.abs(std), 1e-3);
  return (x) => Math.exp(-0.5 * ((x - mean) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
}

function curve(f) {
  const xs = [], ys = [];
  for (let i = 0; i < DENSITY_POINTS; i++) {
    const x = X_RANGE[0] + ((X_RANGE[1] - X_RANGE[0]) * i) / (DENSITY_POINTS - 1);
    xs.push(x);
    ys.push(f(x));
  }
  return { x: xs, y: ys };
}

class LossDemo {
  constructor(root) {
    this.root = root;
    this.data = pageData(root, "script.ck-loss-json");
    this.s = this.data.strings;
    this.lang = this.data.lang;
    this.startButton = root.querySelector(".ck-loss-start");
    this.resetButton = root.querySelector(".ck-loss-reset");
    this.status = root.querySelector(".ck-loss-status");
    this.selects = Object.fromEntries([...root.querySelectorAll("select[data-setting]")].map((s) => [s.dataset.setting, s]));
    this.canvas = Object.fromEntries(["data", "losses", "grads", "means"].map((n) => [n, root.querySelector(".ck-loss-" + n)]));
    this.worker = pythonWorker(this.data);
    this.worker.listen((message) => this.receive(message));
    this.startButton.addEventListener("click", () => this.toggle());
    this.resetButton.addEventListener("click", () => this.reset());
    Object.values(this.selects).forEach((select) => select.addEventListener("change", () => this.reset()));
    this.clear();
    this.setState("idle", this.s.status_idle);
    this.draw();
  }

  config() {
    return { ...this.data.defaults, lr_d: Number(this.selects.lr_d.value), head_start: Number(this.selects.head_start.value) };
  }

  clear() {
    this.settings = this.config();
    this.rows = { phase1: [], saturating: [], non_saturating: [] };
    this.shown = 0; // rows played back, phase 1 then phase 2
    this.done = false;
    ["dStep", "step", "progressSaturating", "progressNonSaturating", "stalled"].forEach((k) => delete this.root.dataset[k]);
    this.root.querySelectorAll(".ck-demo-readouts dd").forEach((dd) => { dd.textContent = "–"; });
  }

  setState(state, text) {
    this.state = state;
    this.root.dataset.state = state;
    if (text !== undefined && this.status.textContent !== text) this.status.textContent = text;
    const s = this.s;
    this.startButton.textContent = ["phase1", "phase2"].includes(state) ? s.pause : state === "paused" ? s.resume : s.start;
    this.startButton.disabled = state === "loading";
    this.resetButton.disabled = state === "idle";
    this.root.querySelectorAll(".ck-loss-phases li").forEach((li) => {
      const current = li.dataset.phase === state || (state === "paused" && li.dataset.phase === this.phase);
      if (current) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
  }

  toggle() {
    if (this.state === "phase1" || this.state === "phase2") {
      this.paused = this.state;
      this.setState("paused", this.s.status_paused);
    } else if (this.state === "paused") {
      this.setState(this.paused, this.s["status_" + this.paused]);
      this.play();
    } else {
      this.start();
    }
  }

  start() {
    this.clear();
    this.setState(this.worker.loadSeconds === null ? "loading" : "phase1",
      this.worker.loadSeconds === null ? this.s.status_loading : this.s.status_phase1);
    this.worker.post({ type: "saturation.start", settings: this.settings });
    if (this.state === "phase1") this.play();
  }

  reset() {
    if (this.worker.worker) this.worker.post({ type: "saturation.stop" });
    this.clear();
    this.setState("idle", this.s.status_idle);
    this.draw();
  }

  receive(message) {
    switch (message.type) {
      case "ready":
        if (this.state === "loading") { this.setState("phase1", this.s.status_phase1); this.play(); }
        break;
      case "saturation.rows":
        if (this.state === "idle") break; // from a run that was reset
        for (const key of ["phase1", "saturating", "non_saturating"]) this.rows[key].push(...message.rows[key]);
        this.done = message.rows.done;
        break;
      case "error":
        if (message.client === "saturation" || message.client === "*" || message.client === "boot") {
          this.setState("error", format(this.s.status_error, { message: message.message }));
        }
        break;
      case "terminated":
        if (this.state !== "idle") this.reset();
        break;
    }
  }

  get phase() {
    return this.shown < this.rows.phase1.length || !this.done && !this.rows.saturating.length ? "phase1" : "phase2";
  }

  /* Plays the rows back at ROWS_PER_SECOND, as far as the worker has sent them. */
  play() {
    let last = performance.now();
    const frame = (now) => {
      if (this.state !== "phase1" && this.state !== "phase2") return;
      const total = this.rows.phase1.length + this.rows.saturating.length;
      const pace = Number(this.root.dataset.pace) || ROWS_PER_SECOND;
      this.shown = Math.min(total, this.shown + ((now - last) / 1000) * pace);
      last = now;
      const phase = this.phase;
      if (phase !== this.state) this.setState(phase, this.s["status_" + phase]);
      this.draw();
      if (this.done && this.shown >= total) this.finish();
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  finish() {
    const progress = (rows) => (rows[rows.length - 1][0] - rows[0][0]) / (this.settings.real_mean - rows[0][0]);
    const sat = progress(this.rows.saturating), ns = progress(this.rows.non_saturating);
    const percent = (v) => formatNumber(this.lang, v, { style: "percent", maximumFractionDigits: 0 });
    this.root.dataset.progressSaturating = String(sat);
    this.root.dataset.progressNonSaturating = String(ns);
    this.root.dataset.stalled = String(sat < 0.25 && ns > 0.75);
    this.setState("done", format(this.s.status_done, { saturating: percent(sat), non_saturating: percent(ns) }));
  }

  readout(name, value, options) {
    this.root.querySelector(".ck-loss-" + name).textContent = formatNumber(this.lang, value, options);
  }

  draw() {
    const s = this.s, cfg = this.settings;
    const n1 = Math.min(Math.floor(this.shown), this.rows.phase1.length);
    const n2 = Math.max(0, Math.floor(this.shown) - this.rows.phase1.length);
    const p1 = this.rows.phase1.slice(0, n1), sat = this.rows.saturating.slice(0, n2), ns = this.rows.non_saturating.slice(0, n2);
    const sig = { maximumSignificantDigits: 3 };

    // The data, the generator(s) and D(x).
    const series = [{ kind: "line", label: s.real, color: REAL, ...curve(gaussian(cfg.real_mean, cfg.real_std)) }];
    if (sat.length) {
      const a = sat[sat.length - 1], b = ns[ns.length - 1];
      series.push({ kind: "line", label: "log(1 − D(G(z)))", color: SAT, dash: [6, 4], ...curve(gaussian(a[0], a[1])) });
      series.push({ kind: "line", label: "−log D(G(z))", color: NS, ...curve(gaussian(b[0], b[1])) });
    } else {
      series.push({ kind: "line", label: s.generator, color: SAT, ...curve(gaussian(cfg.shift, cfg.scale)) });
      if (p1.length) {
        const [w, c] = p1[p1.length - 1];
        series.push({ kind: "line", label: "D(x)", color: DISC, width: 1.5, ...curve((x) => 1 / (1 + Math.exp(-(w * x + c)))) });
      }
    }
    drawFigure(this.canvas.data, { title: s.data_title, xlim: X_RANGE, ylim: [0, 1.6], legend: "top-left", series },
      this.lang);

    // Phase 1: the two losses, and the size of their gradients, as D grows sure.
    const steps1 = p1.map((_, i) => i), xlim1 = [0, Math.max(1, cfg.head_start)];
    drawFigure(this.canvas.losses, {
      title: s.losses_title, xlabel: s.d_step, xlim: xlim1, legend: "middle-right",
      series: [
        { kind: "line", label: "log(1 − D(G(z)))", color: SAT, x: steps1, y: p1.map((r) => r[3]) },
        { kind: "line", label: "−log D(G(z))", color: NS, x: steps1, y: p1.map((r) => r[4]) },
      ],
    }, this.lang);
    drawFigure(this.canvas.grads, {
      title: s.grads_title, xlabel: s.d_step, xlim: xlim1, ylog: true, ylim: [1e-4, 1e3],
      series: [
        { kind: "line", label: "|∇ log(1 − D(G(z)))|", color: SAT, x: steps1, y: p1.map((r) => Math.abs(r[5])) },
        { kind: "line", label: "|∇ −log D(G(z))|", color: NS, x: steps1, y: p1.map((r) => Math.abs(r[6])) },
        { kind: "line", label: "D(G(z))", color: DISC, width: 1.5, dash: [2, 3], x: steps1, y: p1.map((r) => r[2]) },
      ],
    }, this.lang);

    // Phase 2: where each generator's points are.
    const steps2 = sat.map((_, i) => i);
    drawFigure(this.canvas.means, {
      title: s.means_title, xlabel: s.step, xlim: [0, cfg.steps], ylim: [cfg.shift - 0.5, cfg.real_mean + 2.2],
      guides: [{ y: cfg.real_mean }],
      series: [
        { kind: "line", label: "log(1 − D(G(z)))", color: SAT, dash: [6, 4], x: steps2, y: sat.map((r) => r[0]) },
        { kind: "line", label: "−log D(G(z))", color: NS, x: steps2, y: ns.map((r) => r[0]) },
      ],
    }, this.lang);

    if (p1.length) {
      const r = p1[p1.length - 1];
      this.readout("d_step", p1.length - 1);
      this.readout("grad_sat", Math.abs(r[5]), sig);
      this.readout("grad_ns", Math.abs(r[6]), sig);
      this.root.dataset.dStep = String(p1.length - 1);
    }
    if (sat.length) {
      this.readout("step", sat.length - 1);
      this.readout("mean_sat", sat[sat.length - 1][0], sig);
      this.readout("mean_ns", ns[ns.length - 1][0], sig);
      this.root.dataset.step = String(sat.length - 1);
    }
  }
}

onEach(".ck-loss", (root) => new LossDemo(root));
