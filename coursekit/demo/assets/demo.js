/* The in-browser GAN demo: controls, drawing and readouts; training runs in worker.mjs.
 *
 * The page (coursekit.demo.widget) holds the controls in the reader's language and a JSON
 * script tag with the worker's and the wheel's addresses, the presets and the strings written
 * here. Nothing loads until the reader presses Start. The root element's data attributes
 * (state, step, stepsPerS, modesCovered, ...) mirror the readouts for tests and benchmarks.
 */
(function () {
  "use strict";

  var VIEW = 2.0; // the plane shown is [-VIEW, VIEW]^2, as in ganlib.lite.targets
  var MAX_CHART_POINTS = 600;
  var DRAW_EVERY_MS = 100;
  var LIVE = ["lr_g", "lr_d", "d_steps", "d_skip_below", "label_smoothing"];

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function Demo(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector("script.ck-demo-data").textContent);
    this.s = this.data.strings;
    this.startButton = root.querySelector(".ck-demo-start");
    this.resetButton = root.querySelector(".ck-demo-reset");
    this.status = root.querySelector(".ck-demo-status");
    this.plane = root.querySelector(".ck-demo-plane");
    this.chart = root.querySelector(".ck-demo-chart");
    this.selects = {};
    Array.prototype.forEach.call(root.querySelectorAll("select[data-setting]"), function (select) {
      this.selects[select.dataset.setting] = select;
    }, this);
    this.worker = null;
    this.clear();
    this.bind();
    this.draw();
  }

  Demo.prototype.clear = function () {
    this.real = [];
    this.snapshot = null;
    this.heatmap = null; // a small canvas, one pixel per cell of D's decision map
    this.lossD = [];
    this.lossG = [];
    this.chartStride = 1; // steps per chart point, doubled whenever the chart fills up
    this.pending = [];
    this.awaitingTarget = true; // stats still in flight from before a reset are dropped
    this.planeDirty = true;
    this.chartDirty = true;
    this.setReadout("step", "0");
    this.root.dataset.step = "0";
  };

  Demo.prototype.settings = function () {
    var settings = { target: this.selects.target.value };
    var preset = this.data.presets[this.selects.preset.value] || {};
    Object.keys(preset).forEach(function (key) {
      if (key !== "target") settings[key] = preset[key];
    });
    LIVE.forEach(function (key) { settings[key] = Number(this.selects[key].value); }, this);
    return settings;
  };

  Demo.prototype.bind = function () {
    var self = this;
    this.startButton.addEventListener("click", function () { self.toggle(); });
    this.resetButton.addEventListener("click", function () { self.reset(); });
    this.selects.target.addEventListener("change", function () { self.reset(); });
    this.selects.preset.addEventListener("change", function () {
      var preset = self.data.presets[self.selects.preset.value];
      LIVE.forEach(function (key) { self.selects[key].value = String(preset[key]); });
      Array.prototype.forEach.call(self.root.querySelectorAll(".ck-demo-help"), function (help) {
        help.hidden = help.dataset.preset !== self.selects.preset.value;
      });
      self.reset();
    });
    LIVE.forEach(function (key) {
      self.selects[key].addEventListener("change", function () {
        if (!self.worker) return;
        var changes = {};
        changes[key] = Number(self.selects[key].value);
        self.worker.postMessage({ type: "train.update", changes: changes });
      });
    });
  };

  Demo.prototype.setState = function (state, text) {
    this.state = state;
    this.root.dataset.state = state;
    if (text !== undefined) this.status.textContent = text;
    this.startButton.textContent = state === "running" ? this.s.pause : state === "paused" ? this.s.resume : this.s.start;
    this.startButton.disabled = state === "loading" || state === "error";
    this.resetButton.disabled = state === "idle" || state === "loading";
  };

  Demo.prototype.toggle = function () {
    if (this.state === "running") {
      this.worker.postMessage({ type: "train.pause" });
      this.setState("paused", this.s.status_paused);
    } else if (this.state === "paused") {
      this.worker.postMessage({ type: "train.resume" });
      this.setState("running", this.s.status_running);
    } else if (!this.worker) {
      this.start();
    }
  };

  Demo.prototype.start = function () {
    var self = this;
    this.setState("loading", this.s.status_loading);
    this.loadStarted = performance.now();
    this.worker = new Worker(new URL(this.data.worker, document.baseURI).href, { type: "module" });
    this.worker.onmessage = function (event) { self.receive(event.data); };
    this.worker.onerror = function (event) {
      self.setState("error", format(self.s.status_error, { message: event.message || "worker" }));
    };
    this.worker.postMessage({ type: "boot", wheel: new URL(this.data.wheel, document.baseURI).href });
    this.worker.postMessage({ type: "train.start", settings: this.settings(), display: { heatmap: 24, real_points: 512 } });
  };

  Demo.prototype.reset = function () {
    this.clear();
    if (this.worker && this.state !== "loading") {
      this.worker.postMessage({ type: "train.reset", settings: this.settings(), display: { heatmap: 24, real_points: 512 } });
    }
    this.draw();
  };

  Demo.prototype.receive = function (message) {
    switch (message.type) {
      case "ready":
        this.root.dataset.loadMs = String(Math.round(performance.now() - this.loadStarted));
        this.setState("running", format(this.s.status_ready, { seconds: message.loadSeconds.toFixed(1) }) +
          " " + this.s.status_running);
        break;
      case "train.target":
        this.real = message.target.real;
        this.awaitingTarget = false;
        this.planeDirty = true;
        break;
      case "train.stats":
        if (!this.awaitingTarget) this.addStats(message.rows, message.stepsPerSecond);
        this.chartDirty = true;
        break;
      case "train.snapshot":
        if (this.awaitingTarget) break;
        this.snapshot = message.snapshot;
        if (message.snapshot.heatmap) this.setHeatmap(message.snapshot.heatmap);
        this.planeDirty = true;
        this.setReadout("modes", format(this.s.modes_value, {
          covered: message.snapshot.modes_covered, modes: message.snapshot.modes,
        }));
        this.setReadout("quality", Math.round(100 * message.snapshot.high_quality) + " %");
        this.root.dataset.modesCovered = String(message.snapshot.modes_covered);
        this.root.dataset.modes = String(message.snapshot.modes);
        break;
      case "error":
        this.setState("error", format(this.s.status_error, { message: message.message }));
        break;
    }
    this.requestDraw();
  };

  Demo.prototype.addStats = function (rows, stepsPerSecond) {
    var last = rows[rows.length - 1];
    rows.forEach(function (row) { this.pending.push(row); }, this);
    // One chart point per `chartStride` steps: the mean of those steps' losses.
    while (this.pending.length >= this.chartStride) {
      var batch = this.pending.splice(0, this.chartStride);
      var d = 0, g = 0;
      batch.forEach(function (row) { d += row[1]; g += row[2]; });
      this.lossD.push(d / batch.length);
      this.lossG.push(g / batch.length);
    }
    if (this.lossD.length > MAX_CHART_POINTS) {
      this.lossD = halve(this.lossD);
      this.lossG = halve(this.lossG);
      this.chartStride *= 2;
    }
    this.setReadout("step", String(last[0]));
    this.setReadout("loss-d", last[1].toFixed(3));
    this.setReadout("loss-g", last[2].toFixed(3));
    this.root.dataset.step = String(last[0]);
    this.root.dataset.lossD = String(last[1]);
    this.root.dataset.lossG = String(last[2]);
    if (stepsPerSecond !== null) {
      this.setReadout("speed", format(this.s.steps_per_s, { value: stepsPerSecond.toFixed(0) }));
      this.root.dataset.stepsPerS = stepsPerSecond.toFixed(1);
    }
  };

  function halve(values) {
    var out = [];
    for (var i = 0; i + 1 < values.length; i += 2) out.push((values[i] + values[i + 1]) / 2);
    return out;
  }

  Demo.prototype.setReadout = function (name, text) {
    var element = this.root.querySelector(".ck-demo-" + name);
    if (element) element.textContent = text;
  };

  /* Redraw at most every DRAW_EVERY_MS, and only what changed: the main thread shares the
   * machine with the worker, and every millisecond spent drawing is one not spent training. */
  Demo.prototype.requestDraw = function () {
    var self = this;
    if (this.drawQueued) return;
    this.drawQueued = true;
    var wait = Math.max(0, DRAW_EVERY_MS - (performance.now() - (this.lastDraw || 0)));
    window.setTimeout(function () {
      window.requestAnimationFrame(function () {
        self.drawQueued = false;
        self.lastDraw = performance.now();
        self.draw();
      });
    }, wait);
  };

  Demo.prototype.draw = function () {
    if (this.planeDirty !== false) this.drawPlane();
    if (this.chartDirty !== false) this.drawChart();
    this.planeDirty = false;
    this.chartDirty = false;
  };

  /* D(x) on a square grid, rows from y = -VIEW upwards, as one pixel per cell (the canvas's
   * y axis points down); drawPlane scales it up smoothly. Orange: "real", blue: "fake". */
  Demo.prototype.setHeatmap = function (values) {
    var n = Math.round(Math.sqrt(values.length));
    var canvas = this.heatmap && this.heatmap.width === n ? this.heatmap : document.createElement("canvas");
    canvas.width = n;
    canvas.height = n;
    var ctx = canvas.getContext("2d"), image = ctx.createImageData(n, n);
    for (var j = 0; j < n; j++) {
      for (var i = 0; i < n; i++) {
        var p = values[j * n + i], o = 4 * ((n - 1 - j) * n + i);
        var real = p >= 0.5, strength = Math.abs(p - 0.5) * 2;
        image.data[o] = real ? 245 : 30;
        image.data[o + 1] = real ? 124 : 136;
        image.data[o + 2] = real ? 0 : 229;
        image.data[o + 3] = Math.round(255 * 0.6 * strength);
      }
    }
    ctx.putImageData(image, 0, 0);
    this.heatmap = canvas;
  };

  Demo.prototype.drawPlane = function () {
    var canvas = this.plane, ctx = canvas.getContext("2d");
    var w = canvas.width, h = canvas.height;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, w, h);
    if (this.heatmap) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.heatmap, 0, 0, w, h);
    }
    ctx.strokeStyle = "rgba(0, 0, 0, 0.15)";
    ctx.beginPath();
    ctx.moveTo(w / 2, 0); ctx.lineTo(w / 2, h);
    ctx.moveTo(0, h / 2); ctx.lineTo(w, h / 2);
    ctx.stroke();
    this.drawPoints(ctx, this.real, "rgba(33, 33, 33, 0.55)", 1.6);
    if (this.snapshot) this.drawPoints(ctx, this.snapshot.fake, "#c2185b", 2.2);
  };

  Demo.prototype.drawPoints = function (ctx, flat, color, radius) {
    var w = ctx.canvas.width, h = ctx.canvas.height;
    ctx.fillStyle = color;
    ctx.beginPath();
    for (var k = 0; k + 1 < flat.length; k += 2) {
      var x = ((flat[k] + VIEW) / (2 * VIEW)) * w, y = h - ((flat[k + 1] + VIEW) / (2 * VIEW)) * h;
      ctx.moveTo(x + radius, y);
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
    }
    ctx.fill();
  };

  Demo.prototype.drawChart = function () {
    var canvas = this.chart, ctx = canvas.getContext("2d");
    var w = canvas.width, h = canvas.height, pad = 4;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, w, h);
    var all = this.lossD.concat(this.lossG).filter(isFinite);
    if (all.length < 2) return;
    var top = Math.max(2.0, Math.min(6.0, Math.max.apply(null, all)));
    // Reference line: D's loss when it cannot tell real from fake (2 ln 2).
    var chance = h - pad - ((2 * Math.LN2) / top) * (h - 2 * pad);
    ctx.strokeStyle = "rgba(0, 0, 0, 0.2)";
    ctx.setLineDash([4, 4]);
    ctx.beginPath(); ctx.moveTo(0, chance); ctx.lineTo(w, chance); ctx.stroke();
    ctx.setLineDash([]);
    this.drawLine(ctx, this.lossD, top, "#1e88e5");
    this.drawLine(ctx, this.lossG, top, "#c2185b");
  };

  Demo.prototype.drawLine = function (ctx, values, top, color) {
    var w = ctx.canvas.width, h = ctx.canvas.height, pad = 4, n = Math.max(values.length - 1, 1);
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    values.forEach(function (v, i) {
      var x = (i / n) * w, y = h - pad - (Math.min(v, top) / top) * (h - 2 * pad);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  };

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".ck-demo"), function (root) {
      if (!root.ckDemo) root.ckDemo = new Demo(root);
    });
  }

  // Material's instant navigation swaps pages without a reload; document$ says when.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
