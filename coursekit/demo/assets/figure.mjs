/* Line and scatter charts on a canvas, from the plain data of ganlib.lite.plot.Figure:
 *   {title, xlabel, ylabel, ylog, equal, xlim, ylim, series: [{kind: "line" | "scatter", label, x, y, color}
 *                                                       | {kind: "shade", label, x, y, z}]}
 * A "shade" series is a grid of values (z, row by row over y), drawn behind the others from blue
 * (its lowest value) through white to orange (its highest), as the demo draws D's verdict.
 * The widgets add a few optional keys: per series `dash` and `width`; for the figure
 * `guides` (dashed horizontal lines: [{y}]) and `legend`, the
 * legend's place ("top-right", the default; "top-left", "middle-right", "bottom-left", "bottom-right").
 * Tick labels are written as the page's language writes numbers.
 */
import { formatNumber } from "./client.mjs";

export const PALETTE = ["#1e88e5", "#c2185b", "#43a047", "#ef6c00", "#6d4c41", "#5e35b1"];
const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const INK = "#333";
const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

const SHADE_HIGH = [245, 124, 0], SHADE_LOW = [30, 136, 229]; // "real" and "fake", as in the demo

function shadeColor(v) {
  const [r, g, b] = v >= 0.5 ? SHADE_HIGH : SHADE_LOW;
  return `rgba(${r}, ${g}, ${b}, ${(0.6 * Math.abs(v - 0.5) * 2).toFixed(3)})`;
}

/* One rectangle per grid value, each as wide as the spacing of the grid's x and y values. */
function drawShade(ctx, s, px, py) {
  const nx = s.x.length, ny = s.y.length;
  const [low, high] = extent(finite(s.z, false), [0, 1]);
  const half = (values, n) => (n > 1 ? (values[n - 1] - values[0]) / (n - 1) / 2 : 0.5);
  const hx = half(s.x, nx), hy = half(s.y, ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const v = s.z[j * nx + i];
      if (v === null) continue;
      // Whole pixels: neighbouring cells then meet exactly, with no seam and no overlap.
      const left = Math.round(px(s.x[i] - hx)), right = Math.round(px(s.x[i] + hx));
      const top = Math.round(py(s.y[j] + hy)), bottom = Math.round(py(s.y[j] - hy));
      ctx.fillStyle = shadeColor((v - low) / (high - low));
      ctx.fillRect(left, top, right - left, bottom - top);
    }
  }
}

function finite(values, positive) {
  return values.filter((v) => v !== null && Number.isFinite(v) && (!positive || v > 0));
}

function extent(values, fallback) {
  if (!values.length) return fallback;
  let low = Infinity, high = -Infinity;
  for (const v of values) { if (v < low) low = v; if (v > high) high = v; }
  if (low === high) { low -= 0.5 * (Math.abs(low) || 1); high += 0.5 * (Math.abs(high) || 1); }
  return [low, high];
}

/* About `count` round ticks (1, 2 or 5 times a power of ten) covering [low, high]. */
export function niceTicks(low, high, count = 5) {
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function powerOfTen(exponent) {
  return "10" + String(exponent).split("").map((c) => SUPERSCRIPT[c]).join("");
}

export function describeFigure(figure) {
  const labels = figure.series.map((s) => s.label).filter(Boolean);
  return [figure.title, labels.join(", ")].filter(Boolean).join(": ");
}

export function drawFigure(canvas, figure, lang) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  const pad = { left: 52, right: 12, top: figure.title ? 24 : 10, bottom: figure.xlabel ? 40 : 24 };
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
  ctx.font = FONT;
  const series = figure.series || [];
  const xs = series.flatMap((s) => finite(s.x, false));
  const ys = series.flatMap((s) => finite(s.y, figure.ylog));
  let [x0, x1] = figure.xlim || extent(xs, [0, 1]);
  let [y0, y1] = figure.ylim || extent(ys, figure.ylog ? [0.1, 1] : [0, 1]);
  const toLog = (v) => Math.log10(v);
  if (figure.ylog) { y0 = Math.floor(toLog(y0)); y1 = Math.ceil(toLog(y1)); if (y0 === y1) y1 += 1; }
  else if (!figure.ylim) { const m = (y1 - y0) * 0.05; y0 -= m; y1 += m; }
  const plotW = w - pad.left - pad.right, plotH = h - pad.top - pad.bottom;
  if (figure.equal && !figure.ylog) { // one unit is as long on both axes
    const scale = Math.max((x1 - x0) / plotW, (y1 - y0) / plotH);
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    [x0, x1] = [cx - (scale * plotW) / 2, cx + (scale * plotW) / 2];
    [y0, y1] = [cy - (scale * plotH) / 2, cy + (scale * plotH) / 2];
  }
  const px = (x) => pad.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y) => {
    const v = figure.ylog ? toLog(y) : y;
    return pad.top + plotH - ((v - y0) / (y1 - y0)) * plotH;
  };

  // Axes, ticks and grid.
  ctx.strokeStyle = "rgba(0, 0, 0, 0.12)";
  ctx.fillStyle = INK;
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const yTicks = figure.ylog
    ? Array.from({ length: y1 - y0 + 1 }, (_, k) => y0 + k).filter((e, k, all) => all.length <= 7 || (e - y0) % 2 === 0)
    : niceTicks(y0, y1, Math.max(2, Math.round(plotH / 40)));
  for (const t of yTicks) {
    const y = figure.ylog ? py(10 ** t) : py(t);
    ctx.beginPath(); ctx.moveTo(pad.left, y); ctx.lineTo(pad.left + plotW, y); ctx.stroke();
    ctx.fillText(figure.ylog ? powerOfTen(t) : formatNumber(lang, t, { maximumSignificantDigits: 3 }), pad.left - 5, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of niceTicks(x0, x1, Math.max(2, Math.round(plotW / 70)))) {
    const x = px(t);
    ctx.beginPath(); ctx.moveTo(x, pad.top); ctx.lineTo(x, pad.top + plotH); ctx.stroke();
    ctx.fillText(formatNumber(lang, t, { maximumSignificantDigits: 3 }), x, pad.top + plotH + 4);
  }
  ctx.strokeStyle = "rgba(0, 0, 0, 0.45)";
  ctx.strokeRect(pad.left, pad.top, plotW, plotH);
  if (figure.xlabel) ctx.fillText(figure.xlabel, pad.left + plotW / 2, h - 16);
  if (figure.title) { ctx.font = "bold " + FONT; ctx.fillText(figure.title, pad.left + plotW / 2, 4); ctx.font = FONT; }
  if (figure.ylabel) {
    ctx.save();
    ctx.translate(12, pad.top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(figure.ylabel, 0, 0);
    ctx.restore();
  }

  // The data, clipped to the plot area.
  ctx.save();
  ctx.beginPath();
  ctx.rect(pad.left, pad.top, plotW, plotH);
  ctx.clip();
  series.filter((s) => s.kind === "shade").forEach((s) => drawShade(ctx, s, px, py));
  for (const guide of figure.guides || []) {
    ctx.strokeStyle = "rgba(0, 0, 0, 0.35)";
    ctx.setLineDash([4, 4]);
    ctx.beginPath(); ctx.moveTo(pad.left, py(guide.y)); ctx.lineTo(pad.left + plotW, py(guide.y)); ctx.stroke();
    ctx.setLineDash([]);
  }
  series.forEach((s, k) => {
    const color = s.color || PALETTE[k % PALETTE.length];
    const usable = (i) => s.x[i] !== null && s.y[i] !== null && (!figure.ylog || s.y[i] > 0);
    if (s.kind === "shade") return;
    if (s.kind === "scatter") {
      ctx.fillStyle = color;
      ctx.beginPath();
      for (let i = 0; i < s.x.length; i++) {
        if (!usable(i)) continue;
        const x = px(s.x[i]), y = py(s.y[i]);
        ctx.moveTo(x + 2.2, y);
        ctx.arc(x, y, 2.2, 0, 2 * Math.PI);
      }
      ctx.fill();
      return;
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = s.width || 2;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    let pen = false; // a null value lifts the pen
    for (let i = 0; i < s.x.length; i++) {
      if (!usable(i)) { pen = false; continue; }
      if (pen) ctx.lineTo(px(s.x[i]), py(s.y[i])); else ctx.moveTo(px(s.x[i]), py(s.y[i]));
      pen = true;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  });
  ctx.restore();

  // Legend, in a corner of the plot.
  const labelled = series.map((s, k) => [s, k]).filter(([s]) => s.label);
  if (labelled.length) {
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    const width = Math.max(...labelled.map(([s]) => ctx.measureText(s.label).width)) + 30;
    const height = labelled.length * 16 + 6;
    const corner = figure.legend || "top-right";
    const left = corner.endsWith("left") ? pad.left + 6 : pad.left + plotW - width - 6;
    const top = corner.startsWith("bottom") ? pad.top + plotH - height - 4
      : corner.startsWith("middle") ? pad.top + (plotH - height) / 2 : pad.top + 4;
    ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
    ctx.fillRect(left, top, width, height);
    labelled.forEach(([s, k], row) => {
      const y = top + 9 + row * 16;
      ctx.fillStyle = ctx.strokeStyle = s.color || PALETTE[k % PALETTE.length];
      if (s.kind === "shade") {
        ctx.fillStyle = shadeColor(0); ctx.fillRect(left + 4, y - 5, 8, 10);
        ctx.fillStyle = shadeColor(1); ctx.fillRect(left + 12, y - 5, 8, 10);
      } else if (s.kind === "scatter") { ctx.beginPath(); ctx.arc(left + 12, y, 3, 0, 2 * Math.PI); ctx.fill(); }
      else {
        ctx.lineWidth = 2; ctx.setLineDash(s.dash || []);
        ctx.beginPath(); ctx.moveTo(left + 4, y); ctx.lineTo(left + 20, y); ctx.stroke(); ctx.setLineDash([]);
      }
      ctx.fillStyle = INK;
      ctx.fillText(s.label, left + 25, y);
    });
  }
}
