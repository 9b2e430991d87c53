// Typesets the formulas written by pymdownx.arithmatex (generic mode) with the site's own KaTeX.
// Material's instant loading is off, so DOMContentLoaded covers every page view.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof katex === "undefined") return;
  for (const el of document.querySelectorAll(".arithmatex")) {
    const source = el.textContent.trim();
    const display = el.tagName === "DIV";
    // arithmatex wraps the TeX in \( \) or \[ \]; KaTeX wants the bare formula.
    const tex = source.replace(/^\\[([]/, "").replace(/\\[)\]]$/, "");
    katex.render(tex, el, { displayMode: display, throwOnError: false });
  }
});
