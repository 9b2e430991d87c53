"""The networks and the step that `gan-pytorch.ipynb` writes out for learners are ganlib's: the same
layers (ganlib's weights load into the notebook's classes and give identical outputs), the same
starting weights from the same seed, and the same weights after a few steps of its `gan_step`."""
from __future__ import annotations

import ast

import nbformat
import pytest
import torch

from conftest import ROOT
from ganlib.models import build_models
from ganlib.step import gan_step

NOTEBOOK = ROOT / "docs" / "notebooks" / "gan-pytorch.ipynb"
LATENT = 64
# The notebook's classes -> ganlib's architecture and widths (the trainer's defaults).
PAIRS = {"dense": ("DenseGenerator", "DenseDiscriminator", 256), "dcgan": ("DCGANGenerator", "DCGANDiscriminator", 32)}


@pytest.fixture(scope="module")
def notebook():
    """The notebook's imports, classes and functions (nothing that trains), run in one namespace
    with the parameters cell's values."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    definitions = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        if "parameters" in cell.metadata.get("tags", []):
            definitions += tree.body
            continue
        definitions += [node for node in tree.body
                        if isinstance(node, (ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef))]
    namespace: dict = {}
    exec(compile(ast.Module(definitions, type_ignores=[]), str(NOTEBOOK), "exec"), namespace)
    return namespace


def ganlib_pair(arch: str, seed: int):
    torch.manual_seed(seed)
    width = PAIRS[arch][2]
    return build_models(arch, latent_dim=LATENT, image_size=32, channels=1, g_width=width, d_width=width)


def notebook_pair(notebook, arch: str, seed: int):
    generator, discriminator, _ = PAIRS[arch]
    return notebook["new_gan"](notebook[generator], notebook[discriminator], seed)


@pytest.mark.parametrize("arch", PAIRS)
def test_the_notebooks_networks_are_ganlibs(notebook, arch):
    G, D = ganlib_pair(arch, seed=3)
    nG, nD = notebook_pair(notebook, arch, seed=11)  # other weights, overwritten below
    nG.load_state_dict(G.state_dict())  # strict: the same layers under the same names and shapes
    nD.load_state_dict(D.state_dict())
    z = torch.randn(8, LATENT, generator=torch.Generator().manual_seed(0))
    x = torch.rand(8, 1, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
    for mode in ("train", "eval"):  # batch norm computes differently in the two modes
        for net in (G, D, nG, nD):
            net.train(mode == "train")
        with torch.no_grad():
            assert torch.equal(nG(z), G(z)), f"{arch} generator, {mode} mode"
            assert torch.equal(nD(x), D(x)), f"{arch} discriminator, {mode} mode"
    assert nG(z).shape == (8, 1, 32, 32) and nD(x).shape == (8,)


@pytest.mark.parametrize("arch", PAIRS)
def test_the_same_seed_gives_ganlibs_starting_weights(notebook, arch):
    G, D = ganlib_pair(arch, seed=5)
    nG, nD = notebook_pair(notebook, arch, seed=5)
    for ours, theirs in ((nG, G), (nD, D)):
        mine, want = ours.state_dict(), theirs.state_dict()
        assert all(torch.equal(mine[k], want[k]) for k in want), "DCGAN's N(0, 0.02) initialisation, drawn in ganlib's order"
    other, _ = notebook_pair(notebook, arch, seed=6)
    assert not torch.equal(next(other.parameters()), next(nG.parameters()))


@pytest.mark.parametrize("d_skip_below", [0.0, 1.3])  # never skips; skips some of D's updates
def test_the_notebooks_step_updates_the_weights_as_ganlibs_step(notebook, d_skip_below):
    def setup():
        G, D = ganlib_pair("dcgan", seed=2)
        opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
        return G, D, opt_g, opt_d

    ours, theirs = setup(), setup()
    noise = torch.Generator().manual_seed(4)
    skipped = 0
    for _ in range(4):
        real = torch.rand(16, 1, 32, 32, generator=noise) * 2 - 1
        z = torch.randn(16, LATENT, generator=noise)
        mine = notebook["gan_step"](*ours, real, z, d_skip_below)
        want = gan_step(*theirs, real, z, d_skip_below=d_skip_below)
        assert mine["skipped"] == bool(want.d_skipped)
        skipped += mine["skipped"]
        assert {key: mine[key] for key in ("loss_d", "loss_g", "d_real", "d_fake")} == \
            {key: float(getattr(want, key)) for key in ("loss_d", "loss_g", "d_real", "d_fake")}
    for net_ours, net_theirs in zip(ours[:2], theirs[:2]):
        state, want = net_ours.state_dict(), net_theirs.state_dict()
        assert all(torch.equal(state[k], want[k]) for k in want), "the same weights and batch-norm statistics after four steps"
    if d_skip_below:
        assert 0 < skipped < 4, "the threshold was meant to skip some updates, not all or none"


def test_the_step_is_what_the_lesson_shows(notebook):
    """A learner reads the step in the notebook: it is written out there, not imported."""
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code")
    assert "def gan_step(" in source and "ganlib.step" not in source
    assert "ganlib.models" not in source and "ganlib.train" not in source, "the networks and the loop are the notebook's own"
