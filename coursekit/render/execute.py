"""Runs a notebook for `coursekit render`: a copy with hidden cells, then the notebook as stored.

The copy that runs has three kinds of cells the stored notebook does not:
- after the cell tagged `parameters`: the mode's values from settings.yml, then a record of every
  parameter's value (the notebook's config);
- after a cell that declares `record` or `publish_files`: the declared expressions, evaluated in
  the kernel and shown as one output of coursekit.render.kernel's MIME type.
The hidden cells are dropped again, and the stored notebook keeps its own cells with their
outputs, numbered 1, 2, 3, ... as a learner's run would number them.

The kernel starts in a working folder the caller owns (runs under `./runs/` land there), with
this checkout first on its import path and its torch threads set by OMP_NUM_THREADS.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.render.declare import KEY, Declarations, cell_label
from coursekit.render.kernel import MIME

HIDDEN = "hidden"  # metadata[KEY][HIDDEN] marks a cell the renderer added
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in tracebacks
EMIT = "from coursekit.render.kernel import emit as _coursekit_emit\n"


class RenderError(Exception):
    """A notebook failed, or what it produced does not match what it declared."""


@dataclass
class Execution:
    notebook: dict  # the stored notebook: its own cells, executed
    parameters: dict  # the parameters' values in the kernel, after the mode's values were set
    records: dict[str, dict] = field(default_factory=dict)  # run -> recorded fields (and environment)
    files: dict[str, str] = field(default_factory=dict)  # published file -> its path in the working folder
    environment: dict = field(default_factory=dict)  # device and versions at the parameters cell
    cell_seconds: dict[int, float] = field(default_factory=dict)  # cell index -> execution time
    wall_time_s: float = 0.0


def execution_copy(nb: dict, decl: Declarations, values: dict, mode: str) -> dict:
    """The notebook with the hidden cells in place (see the module's docstring)."""
    import nbformat

    run = copy.deepcopy(nb)
    cells = []
    for index, cell in enumerate(nb["cells"]):
        cells.append(copy.deepcopy(cell))
        if index == decl.parameters_cell:
            assign = "".join(f"{name} = {value!r}\n" for name, value in values.items())
            names = ", ".join(f"{name!r}: {name}" for name in decl.parameters)
            cells.append(_hidden(f"# {mode} mode, from coursekit/render/settings.yml\n{assign}{EMIT}"
                                 f"_coursekit_emit('parameters', values={{{names}}})\n", index))
        declared = next((c for c in decl.cells if c.index == index), None)
        if declared and (declared.record or declared.publish_files):
            code = EMIT
            if declared.record:
                fields = "".join(f"    {name}=(\n{expr}\n),\n" for name, expr in declared.record.items())
                code += f"_coursekit_emit('record', run={declared.run!r},\n{fields})\n"
            if declared.publish_files:
                paths = "".join(f"    {name!r}: (\n{expr}\n),\n" for name, expr in declared.publish_files.items())
                code += f"_coursekit_emit('files', paths={{\n{paths}}})\n"
            cells.append(_hidden(code, index))
    run["cells"] = cells
    nbformat.validate(nbformat.from_dict(run))
    return run


def _hidden(code: str, after: int) -> dict:
    import nbformat

    cell = nbformat.v4.new_code_cell(code)
    cell.metadata[KEY] = {HIDDEN: after}
    return cell


def run_notebook(nb: dict, decl: Declarations, values: dict, mode: str, workdir: Path, *, root: Path,
                 timeout: int, threads: int, where: str) -> Execution:
    """Executes the notebook with `values` set after its parameters cell, in `workdir`."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    running = nbformat.from_dict(execution_copy(nb, decl, values, mode))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p),
               OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    # Idle OpenMP threads sleep instead of spinning: on a machine that other jobs share, spinning
    # threads made torch's steps three times slower (measured: 1.06 s against 0.33 s a step).
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    client = NotebookClient(running, timeout=timeout, kernel_name="python3", record_timing=True)
    start = time.perf_counter()
    try:
        client.execute(cwd=str(workdir), env=env)
    except CellExecutionError as exc:
        raise RenderError(f"{where}: {_failed_cell(running, nb)} failed in {mode} mode:\n"
                          f"{ANSI.sub('', str(exc)).strip()[-2000:]}") from None
    except CellTimeoutError:
        raise RenderError(f"{where}: {_failed_cell(running, nb)} ran longer than {timeout} s in {mode} mode; "
                          f"raise --timeout or shrink the {mode} settings") from None
    except DeadKernelError as exc:
        raise RenderError(f"{where}: the kernel died in {mode} mode ({exc}); out of memory?") from None
    wall = round(time.perf_counter() - start, 1)
    return _stored(nb, running, wall, where)


def _failed_cell(running: dict, nb: dict) -> str:
    """Which cell failed: the last one that started, named as the stored notebook numbers it."""
    started = [c for c in running["cells"] if c.get("cell_type") == "code" and "execution" in c.get("metadata", {})]
    if not started:
        return "the notebook"
    cell = started[-1]
    hidden = cell["metadata"].get(KEY, {}).get(HIDDEN)
    if hidden is not None:
        return f"the record declared on {cell_label(nb, hidden)}"
    index = next((i for i, c in enumerate(nb["cells"]) if c.get("id") == cell.get("id")), None)
    return cell_label(nb, index) if index is not None else "a cell"


def _stored(nb: dict, running: dict, wall: float, where: str) -> Execution:
    stored = copy.deepcopy(nb)
    execution = Execution(stored, parameters={}, wall_time_s=wall)
    own = [c for c in running["cells"] if HIDDEN not in c.get("metadata", {}).get(KEY, {})]
    count = 0
    for index, (cell, ran) in enumerate(zip(stored["cells"], own)):
        if cell.get("cell_type") != "code":
            continue
        count += 1
        cell["outputs"] = [_renumbered(out, count) for out in ran.get("outputs", [])]
        cell["execution_count"] = count
        timing = ran.get("metadata", {}).get("execution", {})
        cell.setdefault("metadata", {})["execution"] = timing
        execution.cell_seconds[index] = _seconds(timing)
    for cell in running["cells"]:
        if HIDDEN in cell.get("metadata", {}).get(KEY, {}):
            _harvest(cell, execution, where)
    return execution


def _renumbered(output: dict, count: int) -> dict:
    output = dict(output)
    if output.get("output_type") == "execute_result":
        output["execution_count"] = count
    return output


def _seconds(timing: dict) -> float:
    try:
        began = dt.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        ended = dt.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return max((ended - began).total_seconds(), 0.0)


def _harvest(cell: dict, execution: Execution, where: str) -> None:
    found = [out["data"][MIME] for out in cell.get("outputs", []) if MIME in out.get("data", {})]
    for record in found:
        record = json.loads(record) if isinstance(record, str) else record
        kind = record.pop("kind")
        if kind == "parameters":
            execution.parameters = record.pop("values")
            execution.environment = record
        elif kind == "record":
            run = record.pop("run")
            execution.records.setdefault(run, {}).update(record)
        elif kind == "files":
            execution.files.update(record["paths"])
        else:  # pragma: no cover - only kernel.emit writes these
            raise RenderError(f"{where}: unknown record kind {kind!r}")
