"""What a notebook declares for the site, outside its learners' code, and the run sizes per mode.

Everything the site needs from a run lives in cell metadata, which Jupyter, JupyterLab and Colab
keep but do not show in the code:

- the code cell tagged `parameters` (papermill's tag) holds the sizes a learner may change, as
  plain assignments; `settings.yml` gives other values per render mode (see load_settings);
- a code cell's `metadata["coursekit"]` may hold
    run: NAME             this cell is (part of) run NAME: its execution time counts towards the run
    record: {FIELD: EXPR} after the cell, record these Python expressions for the run;
                          FIELD is metrics, steps, seed, config or device
    publish: [FILE, ...]  the images this cell shows, in order, published as FILE (.png or .jpg)
    publish_files: {FILE: EXPR}  a file the cell wrote (EXPR is its path), published as FILE
    runs: [NAME, ...]     the runs the published files come from (default: [run])
    install: REQUIREMENT  the install cell; the site build writes it (coursekit.notebooks)

`plumbing()` finds renderer calls in learners' code, which a notebook must not have.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MODES = ("full", "cpu", "smoke")
SETTINGS = Path(__file__).with_name("settings.yml")
PARAMETERS_TAG = "parameters"
KEY = "coursekit"
RECORD_FIELDS = ("metrics", "steps", "seed", "config", "device")
CELL_KEYS = ("run", "record", "publish", "publish_files", "runs", "install")
RUN_NAME = re.compile(r"[\w.=-]+")  # what `{{ result NOTEBOOK/RUN KEY }}` can name
IMAGE_NAME = re.compile(r"[\w.-]+\.(png|jpg|jpeg)")
FILE_NAME = re.compile(r"[\w.-]+\.\w+")
# What only the renderer's machinery uses; a learner's cell never needs any of it.
PLUMBING_MODULES = ("coursekit", "ganlib.render")
PLUMBING_WORDS = re.compile(r"\b(GANLIB_RENDER\w*|COURSEKIT_RENDER\w*)\b")


class DeclarationError(ValueError):
    """A notebook or settings.yml declares something the renderer cannot do; the message names
    the file, the cell and the fix."""


# -- settings.yml -------------------------------------------------------------------------------

def load_settings(path: Path = SETTINGS) -> dict[str, dict[str, dict]]:
    """{notebook: {mode: {name: value}}}, each notebook with exactly the three modes."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DeclarationError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML "
                               f"({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise DeclarationError(f"{path}: expected notebook names with their modes")
    for notebook, modes in data.items():
        if not isinstance(modes, dict) or set(modes) != set(MODES):
            found = ", ".join(modes) if isinstance(modes, dict) else type(modes).__name__
            raise DeclarationError(f"{path}: {notebook} needs exactly the modes {', '.join(MODES)} (found: {found})")
        for mode, values in modes.items():
            if not isinstance(values, dict):
                raise DeclarationError(f"{path}: {notebook}.{mode} must map names to values, e.g. {{steps: 300}}")
    return data


# -- a notebook's declarations ------------------------------------------------------------------

@dataclass
class CellDeclaration:
    index: int  # position among all the notebook's cells, from 0
    run: str | None = None
    record: dict[str, str] = field(default_factory=dict)
    publish: list[str] = field(default_factory=list)
    publish_files: dict[str, str] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)
    install: str | None = None


@dataclass
class Declarations:
    parameters_cell: int | None  # index of the cell tagged `parameters`
    parameters: dict[str, object]  # names that cell assigns -> the literal value, or None when not a literal
    cells: list[CellDeclaration]

    @property
    def run_names(self) -> list[str]:
        return list(dict.fromkeys(c.run for c in self.cells if c.run))

    def published(self) -> list[str]:
        return [name for c in self.cells for name in [*c.publish, *c.publish_files]]


def cell_label(nb: dict, index: int) -> str:
    """"cell 4 (`fig = plot(...`)" for messages: its 1-based position and its first line."""
    first = (source_of(nb["cells"][index]).strip().splitlines() or [""])[0]
    return f"cell {index + 1} (`{first[:40]}{'...' if len(first) > 40 else ''}`)"


def source_of(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_declarations(nb: dict, where: str) -> Declarations:
    """The notebook's declarations, checked; DeclarationError names `where` and the cell."""
    tagged = [i for i, c in enumerate(nb.get("cells", [])) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    if len(tagged) > 1:
        raise DeclarationError(f"{where}: {len(tagged)} cells are tagged {PARAMETERS_TAG!r}; tag one")
    parameters_cell = tagged[0] if tagged else None
    parameters = {}
    if parameters_cell is not None:
        cell = nb["cells"][parameters_cell]
        if cell.get("cell_type") != "code":
            raise DeclarationError(f"{where}: {cell_label(nb, parameters_cell)} is tagged {PARAMETERS_TAG!r} "
                                   f"but is not a code cell")
        parameters = assigned_names(source_of(cell))
    cells = [_cell_declaration(nb, i, where) for i, c in enumerate(nb.get("cells", [])) if KEY in c.get("metadata", {})]
    declarations = Declarations(parameters_cell, parameters, cells)
    _check_consistent(nb, declarations, where)
    return declarations


def _cell_declaration(nb: dict, index: int, where: str) -> CellDeclaration:
    cell = nb["cells"][index]
    meta = cell["metadata"][KEY]
    at = f"{where}: {cell_label(nb, index)}: metadata {KEY!r}"
    if cell.get("cell_type") != "code":
        raise DeclarationError(f"{at} is on a {cell.get('cell_type')} cell; only code cells run")
    if not isinstance(meta, dict) or set(meta) - set(CELL_KEYS):
        unknown = sorted(set(meta) - set(CELL_KEYS)) if isinstance(meta, dict) else [type(meta).__name__]
        raise DeclarationError(f"{at}: unknown {', '.join(unknown)}; the keys are {', '.join(CELL_KEYS)}")
    decl = CellDeclaration(index, run=meta.get("run"), record=meta.get("record", {}), publish=meta.get("publish", []),
                           publish_files=meta.get("publish_files", {}), install=meta.get("install"))
    decl.runs = meta.get("runs", [decl.run] if decl.run else [])
    if decl.run is not None and not (isinstance(decl.run, str) and RUN_NAME.fullmatch(decl.run)):
        raise DeclarationError(f"{at}: run {decl.run!r} must be letters, digits, '.', '=', '-' or '_'")
    if not isinstance(decl.record, dict) or set(decl.record) - set(RECORD_FIELDS):
        raise DeclarationError(f"{at}: record maps {', '.join(RECORD_FIELDS)} to Python expressions")
    if decl.record and not decl.run:
        raise DeclarationError(f"{at}: record needs the run it belongs to (\"run\": NAME)")
    for name, expr in [*decl.record.items(), *(decl.publish_files.items() if isinstance(decl.publish_files, dict) else [])]:
        _check_expression(expr, f"{at}: {name}")
    if not isinstance(decl.publish, list) or not all(isinstance(n, str) and IMAGE_NAME.fullmatch(n) for n in decl.publish):
        raise DeclarationError(f"{at}: publish lists file names ending in .png or .jpg, got {decl.publish!r}")
    if not isinstance(decl.publish_files, dict) or not all(FILE_NAME.fullmatch(n) for n in decl.publish_files):
        raise DeclarationError(f"{at}: publish_files maps file names to Python expressions giving a path")
    if (decl.publish or decl.publish_files) and not decl.runs:
        raise DeclarationError(f"{at}: a published file needs the run(s) that made it (\"run\" or \"runs\")")
    if not isinstance(decl.runs, list) or not all(isinstance(r, str) for r in decl.runs):
        raise DeclarationError(f"{at}: runs is a list of run names")
    if decl.install is not None and not (isinstance(decl.install, str) and decl.install.startswith("gan-course")):
        raise DeclarationError(f"{at}: install names the course package, e.g. \"gan-course[keras]\"")
    return decl


def _check_expression(expr, at: str) -> None:
    if not isinstance(expr, str):
        raise DeclarationError(f"{at}: {expr!r} is not a Python expression in a string")
    try:
        compile(expr, "<record>", "eval")
    except SyntaxError as exc:
        raise DeclarationError(f"{at}: {expr!r} is not a Python expression ({exc.msg})") from None


def _check_consistent(nb: dict, decl: Declarations, where: str) -> None:
    seen: set[str] = set()
    for name in decl.published():
        if name in seen:
            raise DeclarationError(f"{where}: {name} is published by two cells; give each file its own name")
        seen.add(name)
    runs = set(decl.run_names)
    for cell in decl.cells:
        missing = [r for r in cell.runs if r not in runs]
        if missing:
            raise DeclarationError(f"{where}: {cell_label(nb, cell.index)} publishes files of run {', '.join(missing)}, "
                                   f"but no cell declares that run (\"run\": NAME)")
    installs = [c for c in decl.cells if c.install]
    if len(installs) > 1:
        raise DeclarationError(f"{where}: {len(installs)} cells are marked as the install cell; mark one")


def check_settings(decl: Declarations, modes: dict[str, dict], where: str) -> None:
    """The names settings.yml sets must be parameters, and the cpu values must be those learners see."""
    names = {name for values in modes.values() for name in values}
    if names and decl.parameters_cell is None:
        raise DeclarationError(f"{where}: settings.yml sets {', '.join(sorted(names))}, but no cell is tagged "
                               f"{PARAMETERS_TAG!r}; tag the cell that assigns them")
    unknown = sorted(names - set(decl.parameters))
    if unknown:
        raise DeclarationError(f"{where}: settings.yml sets {', '.join(unknown)}, which the parameters cell "
                               f"does not assign; assign it there or remove it from settings.yml")
    for name, value in modes.get("cpu", {}).items():
        if decl.parameters.get(name) != value:
            raise DeclarationError(f"{where}: settings.yml's cpu {name}={value!r} differs from the parameters cell's "
                                   f"{decl.parameters.get(name)!r}; the cpu values are what learners see, so change the cell")


def assigned_names(source: str) -> dict[str, object]:
    """Names a cell assigns at top level -> their literal value (None where it is not a literal)."""
    tree = _parse(source)
    names: dict[str, object] = {}
    for node in tree.body if tree else []:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    names[target.id] = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:
                    names[target.id] = None
    return names


def _parse(source: str) -> ast.Module | None:
    """The cell as Python, IPython's `%magic` and `!shell` lines read as `pass`; None if it is not Python."""
    lines = [re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


# -- renderer calls in learners' code -----------------------------------------------------------

def plumbing(source: str) -> list[str]:
    """What in this code only the site's renderer needs: imports of coursekit or ganlib.render,
    its environment variables. Empty for a clean learner cell."""
    found = [f"mentions {m.group(1)}" for m in PLUMBING_WORDS.finditer(source)]
    tree = _parse(source)
    if tree is None:  # not Python we can read: fall back on the text
        found += [f"imports {m}" for m in PLUMBING_MODULES if re.search(rf"\b{re.escape(m)}\b", source)]
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if _is_plumbing(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if _is_plumbing(node.module):
                found.append(f"imports from {node.module}")
            else:
                found += [f"imports {node.module}.{a.name}" for a in node.names if _is_plumbing(f"{node.module}.{a.name}")]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _is_plumbing(f"{node.value.id}.{node.attr}"):
            found.append(f"uses {node.value.id}.{node.attr}")
    return found


def _is_plumbing(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in PLUMBING_MODULES)


def plumbing_cells(nb: dict) -> list[tuple[int, list[str]]]:
    """(cell index, findings) for each code cell with renderer calls."""
    out = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            found = plumbing(source_of(cell))
            if found:
                out.append((index, found))
    return out
