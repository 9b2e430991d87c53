/* What the site's Python widgets share on a page: one Web Worker (worker.mjs) started on first
 * use, message routing to the widget that asked, and number formatting in the page's language.
 */

const workers = new Map(); // worker URL -> PythonWorker: one per page, whatever uses it

export class PythonWorker {
  constructor(workerUrl, wheelUrl, snapshotUrl) {
    this.workerUrl = workerUrl;
    this.wheelUrl = wheelUrl;
    this.snapshotUrl = snapshotUrl;
    this.worker = null;
    this.listeners = new Set();
    this.loadSeconds = null;
  }

  /* The worker, started (and Python booting) on the first call, not before. */
  get started() {
    if (!this.worker) {
      this.loadSeconds = null;
      this.worker = new Worker(this.workerUrl, { type: "module" });
      this.worker.onmessage = (event) => {
        if (event.data.type === "ready") this.loadSeconds = event.data.loadSeconds;
        this.emit(event.data);
      };
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.emit({ type: "error", client: "*", message: event.message || "the worker failed to start" });
      };
      this.worker.postMessage({ type: "boot", wheel: this.wheelUrl, snapshot: this.snapshotUrl });
    }
    return this.worker;
  }

  post(message) {
    this.started.postMessage(message);
  }

  listen(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(message) {
    this.listeners.forEach((listener) => listener(message));
  }

  /* Ends the worker and any Python running in it; the next post() starts a fresh one. */
  stop() {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.emit({ type: "terminated" });
  }
}

export function pythonWorker(data) {
  const workerUrl = new URL(data.worker, document.baseURI).href;
  if (!workers.has(workerUrl)) {
    const url = (path) => (path ? new URL(path, document.baseURI).href : null);
    workers.set(workerUrl, new PythonWorker(workerUrl, url(data.wheel), url(data.snapshot)));
  }
  return workers.get(workerUrl);
}

/* "{name}" placeholders filled from `values` (the strings come from the widget's ui.yml). */
export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, name) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match);
}

const formats = new Map();

/* A number as the page's language writes it (decimal comma in da, sv, nl, de and sl). */
export function formatNumber(lang, value, options = { maximumFractionDigits: 2 }) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const key = lang + JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(lang, options));
  return formats.get(key).format(value);
}

/* The JSON a widget's page holds in <script type="application/json" class="...">. */
export function pageData(root, selector) {
  return JSON.parse(root.querySelector(selector).textContent);
}

/* Run `init` on every element matching `selector`, now and after Material's instant navigation. */
export function onEach(selector, init) {
  const run = () => document.querySelectorAll(selector).forEach((element) => {
    if (!element.ckWidget) element.ckWidget = init(element);
  });
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(run);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
}
