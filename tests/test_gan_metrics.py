"""Classifier-feature FID/KID, the shipped digit classifier and the mode-collapse monitor."""
import numpy as np
import pytest
import scipy.linalg
import torch

from ganlib import metrics
from ganlib.data import load_digits_uint8, digits_labels, resize_uint8


def random_cov(d, seed):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(d, d, generator=g, dtype=torch.float64)
    return a @ a.T / d + 0.1 * torch.eye(d, dtype=torch.float64)


def test_frechet_distance_matches_scipy_sqrtm():
    d = 12
    mu1, mu2 = torch.randn(d, dtype=torch.float64), torch.randn(d, dtype=torch.float64)
    c1, c2 = random_cov(d, 1), random_cov(d, 2)
    covmean = scipy.linalg.sqrtm(c1.numpy() @ c2.numpy()).real
    expected = float(((mu1 - mu2) ** 2).sum() + np.trace(c1.numpy() + c2.numpy() - 2 * covmean))
    assert metrics.frechet_distance(mu1, c1, mu2, c2) == pytest.approx(expected, rel=1e-8)


def test_fid_of_shifted_gaussian_is_the_squared_shift():
    c = random_cov(6, 3)
    mu = torch.zeros(6, dtype=torch.float64)
    assert metrics.frechet_distance(mu, c, mu, c) == pytest.approx(0.0, abs=1e-9)
    assert metrics.frechet_distance(mu, c, mu + 0.5, c) == pytest.approx(6 * 0.25, rel=1e-9)


def test_kid_near_zero_for_same_distribution_and_positive_otherwise():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(400, 8, generator=g), torch.randn(400, 8, generator=g)
    same = metrics.kernel_distance(x, y, subsets=5, subset_size=200)
    shifted = metrics.kernel_distance(x, y + 1.0, subsets=5, subset_size=200)
    assert abs(same) < 0.05 and shifted > 10 * max(abs(same), 0.01)


@pytest.fixture(scope="module")
def classifier():
    path = metrics.classifier_path("digits")
    assert path is not None and path.stat().st_size < 400_000  # shipped, and small
    return metrics.load_classifier(path)


def test_shipped_classifier_recognises_digits(classifier):
    images = resize_uint8(load_digits_uint8(), 32).float() / 127.5 - 1
    assert metrics.accuracy(classifier, images, digits_labels()) > 0.97
    # It also reads the digits at other training sizes (resized to its 32x32 input).
    small = resize_uint8(load_digits_uint8(), 16).float() / 127.5 - 1
    assert metrics.accuracy(classifier, small, digits_labels()) > 0.9


def test_cfid_ranks_real_halves_below_one_class_below_noise(classifier):
    images = resize_uint8(load_digits_uint8(), 32)
    labels = digits_labels()
    perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
    first, second = images[perm[:900]], images[perm[900:]]
    scorer = metrics.FeatureScorer(classifier, first)
    real = scorer.score(second)["cfid"]
    only_ones = scorer.score(images[labels == 1])["cfid"]  # a collapsed "generator": one class
    noise = scorer.score(torch.rand(500, 1, 32, 32) * 2 - 1)["cfid"]
    assert real < 0.2 * only_ones and only_ones < noise


@pytest.fixture(scope="module", params=["classifier", "pixels"])
def monitor(request, classifier):
    """A collapse monitor on the first 900 digits, in either feature space."""
    images = resize_uint8(load_digits_uint8(), 32)
    embed = (lambda x: metrics.embed_images(classifier, x)) if request.param == "classifier" else metrics.pixel_features
    return metrics.CollapseMonitor(images[:900], embed, threshold=0.3)


def held_out_digits():
    return resize_uint8(load_digits_uint8(), 32)[900:1156].float() / 127.5 - 1


def test_collapse_monitor_passes_real_images(monitor):
    check = monitor.check(held_out_digits())
    assert 0.8 < check.ratio < 1.25 and 0.7 < check.distance < 1.3 and 0.8 < check.contrast < 1.25
    assert check.verdict == metrics.OK and not check.collapsed


def test_collapse_is_samples_that_look_like_data_but_alike(monitor):
    digits = held_out_digits()
    same = digits[:1].expand(256, -1, -1, -1) + 0.01 * torch.randn(256, 1, 32, 32)
    check = monitor.check(same)
    assert check.ratio < 0.1 and check.distance < monitor.FAR
    assert check.verdict == metrics.COLLAPSE and check.collapsed
    # Three distinct digits over and over are less varied than the data, but not below 0.3 of it.
    assert monitor.check(digits[torch.arange(256) % 3]).verdict == metrics.OK


@pytest.mark.parametrize("samples, reason", [
    (lambda: torch.zeros(256, 1, 32, 32), "faint"),  # an untrained generator's flat grey
    (lambda: torch.rand(256, 1, 32, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1, "as far from"),
])
def test_samples_unlike_the_data_are_not_learned_yet_not_collapse(monitor, samples, reason):
    # Flat grey samples are all alike (diversity 0), yet that is a slow start, not collapse.
    check = monitor.check(samples())
    assert check.verdict == metrics.NOT_LEARNED and not check.collapsed
    assert reason in check.why_not_learned()


@pytest.mark.slow
def test_train_classifier_is_reproducible(tmp_path):
    cfg = metrics.ClassifierTraining(epochs=2)
    a = metrics.train_classifier(cfg, tmp_path / "a.pt", log=lambda _m: None)
    b = metrics.train_classifier(cfg, tmp_path / "b.pt", log=lambda _m: None)
    wa = torch.load(tmp_path / "a.pt", weights_only=True)["state_dict"]
    wb = torch.load(tmp_path / "b.pt", weights_only=True)["state_dict"]
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert a["val_accuracy"] == b["val_accuracy"] > 0.5
    assert metrics.load_classifier(tmp_path / "a.pt").feature_scale == pytest.approx(a["feature_scale"])


def test_a_user_trained_classifier_comes_before_the_shipped_one(tmp_path, monkeypatch):
    # `ganlib train-classifier --data mnist` (all 60,000 digits) writes to the cache; training and
    # evaluation must then prefer it to the shipped weights, which learned from a 5,000-digit sample.
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path))
    assert metrics.classifier_path("mnist") == metrics.PACKAGE_WEIGHTS / "mnist_classifier.pt"
    assert metrics.classifier_path("fashion-mnist") is None
    target = tmp_path / "classifiers" / "mnist_classifier.pt"
    target.parent.mkdir()
    target.write_bytes(metrics.classifier_path("digits").read_bytes())
    assert metrics.classifier_path("mnist") == target
    # The shipped digits classifier is not a stand-in: it keeps scoring digits whatever the cache holds,
    # so the published cFID figures do not depend on the machine.
    (tmp_path / "classifiers" / "digits_classifier.pt").write_bytes(target.read_bytes())
    assert metrics.classifier_path("digits") == metrics.PACKAGE_WEIGHTS / "digits_classifier.pt"


def test_shipped_mnist_classifier_recognises_the_mnist_sample():
    images, labels = metrics.labelled_images("mnist-5k")
    assert images.shape == (5000, 1, 32, 32) and images.dtype == torch.uint8
    assert torch.equal(torch.bincount(labels), torch.full((10,), 500))
    path = metrics.PACKAGE_WEIGHTS / "mnist_classifier.pt"
    assert path.stat().st_size < 400_000
    info = torch.load(path, weights_only=True)
    assert (info["dataset"], info["trained_on"]) == ("mnist", "mnist-5k")
    # Rows read in the wrong order (transposed digits) would fall far below this.
    assert metrics.accuracy(metrics.load_classifier(path), images.float() / 127.5 - 1, labels) > 0.97
