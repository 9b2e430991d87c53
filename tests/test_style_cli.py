"""`ganlib style` and `ganlib bench style` end to end on tiny images, the feature networks, and the
one-line errors: missing or non-image files, bad settings, and VGG19 weights that cannot be had offline."""
import json
import urllib.error

import numpy as np
import pytest
import torch
from PIL import Image
from skimage import data

from ganlib import features
from ganlib.features import RandomFeatures, VGGFeatures, WeightsError, build_features, vgg_feature_layers
from conftest import run_ganlib, signal_when_ready


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    Image.fromarray(data.astronaut()).save(folder / "astronaut.png")
    Image.fromarray(data.coffee()).save(folder / "coffee.jpg")
    return folder / "astronaut.png", folder / "coffee.jpg"


def test_style_writes_the_output_and_frames(photos, tmp_path, capsys):
    out = tmp_path / "styled.jpg"
    status, stdout, err = run_ganlib(["style", *photos, "-o", out, "--features", "random", "--size", "40",
                                   "--steps", "6", "--pyramid", "1", "--save-every", "3", "--quiet"], capsys)
    assert status == 0, err
    with Image.open(out) as img:
        assert img.format == "JPEG" and img.mode == "RGB" and img.size == (40, 40)
    assert sorted(p.name for p in (tmp_path / "styled_frames").iterdir()) == ["level1_00003.jpg", "level1_00006.jpg"]
    assert f"wrote {out} (40x40, random features, 1 level, " in stdout and "final loss" in stdout


def test_style_runs_with_preserved_colours_adam_and_noise(photos, tmp_path, capsys):
    out = tmp_path / "styled.png"
    status, _, err = run_ganlib(["style", *photos, "-o", out, "--features", "random", "--size", "32", "--steps", "3",
                              "--optimizer", "adam", "--init", "noise", "--preserve-colors", "--tv-weight", "0.1",
                              "--seed", "3", "--quiet"], capsys)
    assert status == 0, err
    assert Image.open(out).size == (32, 32)


@pytest.mark.parametrize("args, message", [
    (["nope.png", "{style}", "-o", "{out}"], "content file nope.png not found"),
    (["{notes}", "{style}", "-o", "{out}"], "notes.txt is not an image that PIL can read"),
    (["{content}", "{style}", "-o", "{tmp}/out.xyz"], "PIL cannot write .xyz files"),
    (["{content}", "{style}", "-o", "{out}", "--size", "8"], "ganlib style: error: --size must be at least 16 pixels, not 8"),
    (["{content}", "{style}", "-o", "{out}", "--steps", "0"], "'0' must be at least 1"),
    (["{content}", "{style}", "-o", "{out}", "--style-weight", "-2"], "'-2' must be a finite number >= 0"),
    (["{content}", "{style}", "-o", "{out}", "--optimizer", "sgd"], "invalid choice: 'sgd'"),
    (["{content}", "{style}", "-o", "{out}", "--weights", "{tmp}/w.pth"], "--weights only applies to --features vgg19"),
])
def test_bad_input_is_one_line_and_status_2(photos, tmp_path, capsys, args, message):
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "w.pth").write_bytes(b"x")
    names = dict(content=photos[0], style=photos[1], out=tmp_path / "out.png", notes=tmp_path / "notes.txt", tmp=tmp_path)
    args = [a.format(**names) for a in args]
    status, _, err = run_ganlib(["style", *args, "--features", "random", "--quiet"], capsys)
    assert status == 2
    assert message in err and ": error: " in err and err.count("\n") == 1
    assert not (tmp_path / "out.png").exists()


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """Empty torch hub and ganlib caches, and any attempt to download fails as it does without a network."""
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "ganlib"))

    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    return tmp_path / "hub"


def test_offline_vgg19_error_says_what_to_do(offline, photos, tmp_path, capsys):
    with pytest.raises(WeightsError) as info:
        build_features("vgg19", progress=False)
    message = str(info.value)
    assert "\n" not in message
    assert str(offline / "checkpoints") in message and "Temporary failure in name resolution" in message
    assert "--weights FILE" in message and "--features vgg16-hed" in message and "vgg19-dcbb9e9d.pth" in message

    # The default, auto, finds neither VGG19 nor vgg16-hed: one line naming both ways to get one.
    status, _, err = run_ganlib(["style", *photos, "-o", tmp_path / "out.png", "--size", "32", "--quiet"], capsys)
    assert status == 2 and err.count("\n") == 1 and "ganlib weights get vgg16-hed" in err and "--features random" in err
    assert not (tmp_path / "out.png").exists()


def test_local_vgg19_weights_file(tmp_path):
    """--weights takes a whole-VGG19 state dict (torchvision's file) and checks its shapes."""
    reference = vgg_feature_layers("vgg19")
    state = {f"features.{k}": v for k, v in reference.state_dict().items()}
    state["classifier.0.weight"] = torch.zeros(2, 2)  # the classifier part is ignored
    torch.save(state, tmp_path / "vgg19.pth")
    net = build_features("vgg19", tmp_path / "vgg19.pth")
    assert isinstance(net, VGGFeatures) and net.name == "vgg19"
    assert torch.equal(net.layers.conv5_4.weight, reference[34].weight)
    assert "pool5" not in net.layer_names

    state["features.0.weight"] = torch.zeros(64, 1, 3, 3)
    torch.save(state, tmp_path / "wrong.pth")
    with pytest.raises(WeightsError, match=r"do not fit VGG19: 0.weight has shape \(64, 1, 3, 3\)"):
        build_features("vgg19", tmp_path / "wrong.pth")
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsError, match="cannot read .*junk.pth as a PyTorch state dict"):
        build_features("vgg19", tmp_path / "junk.pth")
    with pytest.raises(WeightsError, match="weights file .*absent.pth not found"):
        build_features("vgg19", tmp_path / "absent.pth")


def test_random_features_are_the_same_for_everyone_and_multi_scale():
    a, b = RandomFeatures(), RandomFeatures()
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    x = torch.rand(1, 3, 64, 64)
    out = a(x, a.style_layers)
    assert [tuple(out[n].shape[-2:]) for n in a.style_layers] == [(64, 64), (32, 32), (16, 16), (8, 8), (4, 4)]
    assert all(float((out[n] > 0).float().mean()) > 0.05 for n in a.style_layers)  # no dead layers


@pytest.mark.slow  # about 15 s alone on 2 cores: a warm-up and two timed runs with a loss check per evaluation
def test_bench_style_reports_a_ratio(photos, tmp_path, capsys):
    status, out, err = run_ganlib(["bench", "style", "--content", "astronaut", "--style", photos[1], "--features",
                                "random", "--size", "32", "--baseline-steps", "8", "--pyramid", "1", "--warmup", "1",
                                "--json", tmp_path / "bench.json"], capsys)
    assert status == 0, err
    result = json.loads((tmp_path / "bench.json").read_text())
    assert result["target_loss"] < result["start_loss"]
    assert result["speedup"] == pytest.approx(result["baseline_best"] / result["ganlib_best"])
    assert "speed-up to the same loss" in out and result["device"].startswith("CPU")
    assert result["versions"]["torch"] == torch.__version__


def test_bench_style_rejects_bad_numbers(capsys):
    status, _, err = run_ganlib(["bench", "style", "--size", "0"], capsys)
    assert status == 2 and "argument --size: '0' must be at least 1" in err


@pytest.mark.parametrize("preserve_colors", [False, True])
def test_ctrl_c_keeps_the_latest_picture(photos, tmp_path, capsys, monkeypatch, preserve_colors):
    from ganlib.style_watch import StyleWatch

    record = StyleWatch.__call__

    def interrupt_on_level_2(self, level, evaluation, x, total):
        record(self, level, evaluation, x, total)
        if (level, evaluation) == (1, 3):
            raise KeyboardInterrupt  # what Ctrl-C raises

    monkeypatch.setattr(StyleWatch, "__call__", interrupt_on_level_2)
    out = tmp_path / "styled.png"
    args = ["style", *photos, "-o", out, "--features", "random", "--size", "64", "--steps", "5", "--pyramid", "2",
            "--quiet"] + (["--preserve-colors"] if preserve_colors else [])
    status, _, err = run_ganlib(args, capsys)
    partial = tmp_path / "styled.partial.png"
    assert status == 130 and not out.exists()
    assert err == (f"ganlib style: stopped by Ctrl-C; wrote the latest picture (64x64, level 2 of 2, evaluation 3 "
                   f"of 5) to {partial}\n")
    picture = np.asarray(Image.open(partial).convert("RGB")).astype(int)
    colour = np.abs(picture[..., 0] - picture[..., 2]).mean()
    assert colour > 10  # the astronaut's colours, also under --preserve-colors (optimised as grey)


def test_sigterm_to_a_running_style_run_keeps_the_latest_picture(photos, tmp_path):
    """A real process and a real signal: SIGTERM (what a job scheduler or `kill` sends) stops
    `ganlib style` as Ctrl-C does, with the latest picture kept and exit status 128 + 15."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    out = tmp_path / "styled.png"
    frames = tmp_path / "styled_frames"
    proc = subprocess.Popen([sys.executable, "-m", "ganlib", "style", *map(str, photos), "-o", str(out), "--features",
                             "random", "--size", "64", "--pyramid", "1", "--steps", "100000", "--save-every", "2",
                             "--device", "cpu", "--quiet"], env={**os.environ, "PYTHONPATH": str(repo)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # It is optimising once it has saved a frame.
        _, err = signal_when_ready(proc, lambda: frames.is_dir() and any(frames.iterdir()), signal.SIGTERM)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    assert err.startswith("ganlib style: stopped by SIGTERM; wrote the latest picture (64x") and not out.exists()
    assert Image.open(tmp_path / "styled.partial.png").size[0] == 64
