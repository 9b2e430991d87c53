/* Runnable code blocks in lesson pages: a fence written ```python {.runnable} becomes an editor
 * with Run, Stop and Reset, whose output (printed text, the traceback, figures from
 * ganlib.lite.plot) appears under it. The code runs in the site's Python worker (worker.mjs),
 * which starts on the first Run and not before.
 *
 * A block with data-scope (the code cells of a notebook page, coursekit.demo.cells) shares one
 * Python namespace with the other blocks of that scope, as a notebook's cells do; its Run
 * replaces the outputs stored in the notebook, and Reset brings them back.
 *
 * The page holds a JSON tag (coursekit.demo.cells) with the worker's and the wheel's addresses
 * and the strings in the page's language. Each block's root mirrors its state in data-state
 * (idle, loading, queued, running, done, error, stopped) for tests and the benchmark.
 */
import { format, formatNumber, onEach, pageData, pythonWorker } from "./client.mjs";
import { describeFigure, drawFigure } from "./figure.mjs";

const MAX_OUTPUT_CHARS = 100_000; // printed text kept per block; older text is cut
const INDENT = "    ";

let data = null;
let worker = null;
let counter = 0;
const scopeCounters = new Map(); // scope -> how many of its cells the page has
const cells = new Map(); // id -> Cell

function button(text, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "md-button " + className;
  element.textContent = text;
  return element;
}

class Cell {
  constructor(block) {
    const s = data.strings;
    this.id = "ck-cell-" + ++counter;
    this.original = (block.querySelector("code") || block.querySelector("pre")).textContent.replace(/\n$/, "");
    this.scope = block.dataset.scope || null;
    if (this.scope) {
      const n = (scopeCounters.get(this.scope) || 0) + 1;
      scopeCounters.set(this.scope, n);
      this.name = `<cell ${n}>`; // tracebacks name the cell a frame comes from
      const notebookCell = block.closest(".jp-Cell");
      this.stored = notebookCell ? notebookCell.querySelector(".jp-Cell-outputWrapper") : null;
      // The notebook's copy button copies the highlighted code, which the editor replaces.
      const copy = block.parentElement && block.parentElement.querySelector(".zeroclipboard-container");
      if (copy) copy.remove();
    }
    this.root = document.createElement("div");
    this.root.className = "ck-cell";
    this.root.dataset.state = "idle";
    this.editor = document.createElement("textarea");
    this.editor.className = "ck-cell-editor";
    this.editor.spellcheck = false;
    this.editor.wrap = "off";
    this.editor.autocapitalize = "off";
    this.editor.setAttribute("autocomplete", "off");
    this.editor.setAttribute("aria-label", s.editor_label);
    this.editor.setAttribute("aria-describedby", this.id + "-hint");
    this.editor.value = this.original;
    this.fit();
    const bar = document.createElement("div");
    bar.className = "ck-cell-bar";
    this.runButton = button(s.run, "md-button--primary ck-cell-run");
    this.stopButton = button(s.stop, "ck-cell-stop");
    this.resetButton = button(s.reset, "ck-cell-reset");
    const hint = document.createElement("span");
    hint.className = "ck-cell-hint";
    hint.id = this.id + "-hint";
    hint.textContent = s.hint;
    bar.append(this.runButton, this.stopButton, this.resetButton, hint);
    this.status = document.createElement("p");
    this.status.className = "ck-cell-status";
    this.status.setAttribute("role", "status");
    this.output = document.createElement("div");
    this.output.className = "ck-cell-output";
    this.output.setAttribute("aria-label", s.output_label);
    this.output.setAttribute("role", "group"); // not a landmark: a page may hold many blocks, each with this label
    this.output.hidden = true;
    this.root.append(this.editor, bar, this.status, this.output);
    block.replaceWith(this.root);
    this.bind();
    this.setState("idle");
  }

  bind() {
    this.runButton.addEventListener("click", () => this.run());
    this.stopButton.addEventListener("click", () => worker.stop());
    this.resetButton.addEventListener("click", () => this.reset());
    this.editor.addEventListener("input", () => { this.fit(); this.setState(this.state); });
    this.editor.addEventListener("keydown", (event) => this.key(event));
  }

  /* Tab indents and Shift+Tab dedents, until Escape: then Tab leaves the editor as usual.
   * Enter keeps the line's indentation; Ctrl+Enter (Cmd+Enter) runs the code. */
  key(event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      this.run();
      return;
    }
    if (event.key === "Escape") { this.tabLeaves = true; return; }
    if (event.key === "Tab" && !this.tabLeaves && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.indent(event.shiftKey);
    } else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      const text = this.editor.value, at = this.editor.selectionStart;
      const line = text.slice(text.lastIndexOf("\n", at - 1) + 1, at);
      let indent = line.match(/^\s*/)[0];
      if (/:\s*$/.test(line)) indent += INDENT;
      this.insert("\n" + indent);
    }
    if (event.key !== "Shift") this.tabLeaves = false;
  }

  /* Typed text through the editing commands, so that undo still works. */
  insert(text) {
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      this.editor.setRangeText(text, this.editor.selectionStart, this.editor.selectionEnd, "end");
      this.editor.dispatchEvent(new Event("input"));
    }
  }

  /* Tab with nothing selected types four spaces; otherwise Tab and Shift+Tab shift whole lines. */
  indent(back) {
    const editor = this.editor, text = editor.value;
    if (!back && editor.selectionStart === editor.selectionEnd) { this.insert(INDENT); return; }
    const start = text.lastIndexOf("\n", editor.selectionStart - 1) + 1;
    const newline = text.indexOf("\n", Math.max(editor.selectionEnd - 1, editor.selectionStart));
    const end = newline === -1 ? text.length : newline;
    const lines = text.slice(start, end).split("\n");
    const changed = lines.map((line) => back ? line.replace(/^ {1,4}/, "") : INDENT + line).join("\n");
    editor.setSelectionRange(start, end);
    this.insert(changed);
    editor.setSelectionRange(start, start + changed.length);
  }

  fit() {
    this.editor.rows = Math.max(3, this.editor.value.split("\n").length);
  }

  setState(state, message) {
    const s = data.strings;
    this.state = state;
    this.root.dataset.state = state;
    const busy = state === "loading" || state === "queued" || state === "running";
    this.runButton.disabled = busy;
    this.stopButton.disabled = !busy;
    this.resetButton.disabled = busy || (this.editor.value === this.original && this.output.hidden);
    if (this.stored) this.stored.style.display = this.output.hidden ? "" : "none"; // the notebook's CSS overrides [hidden]
    if (message !== undefined) this.status.textContent = message;
    else if (state === "stopped" && this.scope) this.status.textContent = s.status_stopped_shared;
    else if (state === "idle") this.status.textContent = "";
    else if (s["status_" + state]) this.status.textContent = s["status_" + state];
  }

  run() {
    if (this.state === "loading" || this.state === "queued" || this.state === "running") return;
    this.clearOutput();
    this.output.hidden = false;
    this.setState(worker.loadSeconds === null ? "loading" : "queued");
    worker.post({ type: "cell.run", id: this.id, code: this.editor.value, name: this.name, scope: this.scope });
  }

  reset() {
    this.editor.value = this.original;
    this.fit();
    this.clearOutput();
    this.output.hidden = true;
    this.setState("idle");
    this.editor.focus();
  }

  clearOutput() {
    this.output.replaceChildren();
    this.text = null;
    this.printed = 0;
  }

  /* Printed text goes into one <pre> per kind and run of output, figures between them. */
  append(kind, text) {
    if (!this.text || this.text.dataset.kind !== kind) {
      this.text = document.createElement("pre");
      this.text.className = "ck-cell-" + kind;
      this.text.dataset.kind = kind;
      this.output.append(this.text);
    }
    this.printed += text.length;
    this.text.textContent += text;
    if (this.printed > MAX_OUTPUT_CHARS) { // keep the newest text
      const keep = this.text.textContent.slice(-MAX_OUTPUT_CHARS / 2);
      this.text.textContent = data.strings.output_cut + "\n" + keep.slice(keep.indexOf("\n") + 1);
      this.printed = this.text.textContent.length;
    }
  }

  plot(figure) {
    const canvas = document.createElement("canvas");
    canvas.className = "ck-cell-plot";
    canvas.width = 560;
    canvas.height = figure.equal ? 460 : 320;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", describeFigure(figure) || data.strings.plot_label);
    drawFigure(canvas, figure, data.lang);
    this.output.append(canvas);
    this.text = null;
  }

  receive(message) {
    const s = data.strings;
    switch (message.type) {
      case "cell.started":
        this.setState("running");
        break;
      case "cell.output":
        if (message.kind === "plot") this.plot(JSON.parse(message.text));
        else this.append(message.kind === "error" ? "error" : message.kind, message.text);
        break;
      case "cell.done":
        if (message.ok) this.setState("done", format(s.status_done, { seconds: formatNumber(data.lang, message.seconds, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) }));
        else this.setState("error");
        this.root.dataset.seconds = String(message.seconds);
        break;
      case "error":
        this.setState("error", format(s.status_failed, { message: message.message }));
        break;
      case "terminated":
        this.setState("stopped");
        break;
    }
  }
}

function listen(message) {
  if (message.type === "ready") {
    cells.forEach((cell) => { if (cell.state === "loading") cell.setState("queued"); });
  } else if (message.type === "terminated" || (message.type === "error" && !message.id)) {
    cells.forEach((cell) => {
      if (["loading", "queued", "running"].includes(cell.state)) cell.receive(message);
    });
  } else if (message.id && cells.has(message.id)) {
    cells.get(message.id).receive(message);
  }
}

onEach("div.runnable", (block) => {
  if (!data) {
    data = pageData(document, "script.ck-cells-data");
    worker = pythonWorker(data);
    worker.listen(listen);
  }
  const cell = new Cell(block);
  cells.set(cell.id, cell);
  return cell;
});
