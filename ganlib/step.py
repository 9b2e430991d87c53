"""One GAN training step, as the lesson teaches it: first the discriminator D, then the generator G.

D outputs one logit per image: its belief, before the sigmoid, that the image is real. Both
networks learn with binary cross-entropy on those logits; only the targets differ.

`gan_step` works on any generator, discriminator and optimisers, for example

    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    for real in batches:  # images in [-1, 1]
        stats = gan_step(G, D, opt_g, opt_d, real, torch.randn(len(real), latent_dim, device=real.device))

`ganlib.train` runs the same function in its loop (with DDP, torch.compile and bf16 autocast
passed in), and so does `ganlib bench train`'s optimised path, which times that loop.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganlib.distributed import mean_over_ranks


@dataclass
class StepStats:
    """What one step measured. The tensors stay on the device: reading one (`float(stats.loss_d)`)
    waits for the GPU to finish, so a fast loop reads them only when it logs."""
    loss_d: Tensor  # D's loss at its last update: BCE on the real batch + BCE on the fakes
    loss_g: Tensor  # G's non-saturating loss
    d_real: Tensor  # D(x): D's mean probability that the real images are real (before its update)
    d_fake: Tensor  # D(G(z)): the same for the fakes
    d_skipped: int  # D updates left out because D's loss was below d_skip_below


def _bce(logits: Tensor, target: float) -> Tensor:
    """Binary cross-entropy of D's logits against one target for the whole batch, in float32."""
    return F.binary_cross_entropy_with_logits(logits.float(), torch.full_like(logits, target, dtype=torch.float32))


def gan_step(G: nn.Module, D: nn.Module, opt_g: torch.optim.Optimizer, opt_d: torch.optim.Optimizer,
             real: Tensor | Sequence[Tensor], z: Tensor | Sequence[Tensor], *,
             label_smoothing: float = 0.0, d_skip_below: float = 0.0, amp: bool = False,
             G_sync: nn.Module | None = None, D_sync: nn.Module | None = None,
             D_frozen: nn.Module | None = None) -> StepStats:
    """Update D on `real` and on fakes G(z), then update G through D.

    real, z: a batch of real images in [-1, 1] and a batch of noise vectors; or two lists of k
        batches each, for k updates of D per update of G (the last fakes also train G).
    label_smoothing: one-sided: D's target for real images is 1 - label_smoothing; fakes keep 0.
    d_skip_below: leave out D's update while D's loss is below this (0: never).
    amp: bf16 autocast (where the device computes bf16 natively: CUDA, CPUs with AMX).
    G_sync, D_sync, D_frozen: what the trainer calls in place of G and D: the DDP (and compiled)
        modules whose backward passes synchronise gradients across processes, and the D of G's
        update (compiled, never DDP: none of D's gradients is needed there). Default: G and D.
    """
    reals = [real] if isinstance(real, Tensor) else list(real)
    zs = [z] if isinstance(z, Tensor) else list(z)
    G_sync = G if G_sync is None else G_sync
    D_sync = D if D_sync is None else D_sync
    D_frozen = D if D_frozen is None else D_frozen
    autocast = torch.autocast(reals[0].device.type, dtype=torch.bfloat16, enabled=amp)
    d_skipped = 0

    # (1) Update D: maximise log D(x) + log(1 - D(G(z))), that is, minimise BCE with target 1 for
    # real images and 0 for fakes.
    for i, (x, noise) in enumerate(zip(reals, zs, strict=True)):
        last = i == len(reals) - 1
        with torch.set_grad_enabled(last), autocast:  # only the last fakes go on to G's update
            fake = (G_sync if last else G)(noise)
        with autocast:
            logits_real = D_sync(x)
            # detach(): D's loss must not send gradients into G; G gets its own loss below.
            logits_fake = D_sync(fake.detach())
            loss_d = _bce(logits_real, 1.0 - label_smoothing) + _bce(logits_fake, 0.0)
        opt_d.zero_grad(set_to_none=True)  # before the skip, too: no stale gradient stays in .grad
        if d_skip_below and mean_over_ranks(loss_d) < d_skip_below:
            d_skipped += 1  # D is already winning: let G catch up (every process decides alike)
            continue
        loss_d.backward()
        opt_d.step()

    # (2) Update G: maximise log D(G(z)), the non-saturating loss: BCE with target 1 ("real") on
    # the fakes. Minimising log(1 - D(G(z))) instead gives G almost no gradient exactly when D
    # rejects its fakes with confidence, as it does early in training.
    # D stays as it is: this loss rewards calling fakes real, the opposite of D's own goal. Frozen,
    # D passes the gradient through to G without computing gradients for its own weights.
    D.requires_grad_(False)
    with autocast:
        loss_g = _bce(D_frozen(fake), 1.0)
    opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    D.requires_grad_(True)
    opt_g.step()

    with torch.no_grad():
        return StepStats(loss_d.detach(), loss_g.detach(), torch.sigmoid(logits_real.float()).mean(),
                         torch.sigmoid(logits_fake.float()).mean(), d_skipped)
