"""Several processes, one model: what `ganlib.train` needs from torch.distributed.

`torchrun --nproc_per_node N -m ganlib train ...` starts N processes (ranks). Each trains on its
own slice of every global batch with its own noise; DistributedDataParallel averages the
gradients, so every rank holds the same weights after every update. Rank 0 alone writes the run
folder.

Outside torchrun there is one process and no process group: every helper here then returns at
once, so the trainer calls them unconditionally.
"""
from __future__ import annotations

import inspect
import os

import torch
import torch.distributed as dist
from torch import nn


def dist_backend(device_type: str) -> str:
    """NCCL for CUDA tensors, gloo for CPU ones (also where a GPU exists but training runs on the
    CPU); GANLIB_DIST_BACKEND overrides."""
    return os.environ.get("GANLIB_DIST_BACKEND") or ("nccl" if device_type == "cuda" else "gloo")


def setup(device_type: str) -> tuple[int, int, int]:
    """(rank, world_size, local_rank), starting the process group when launched by torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1, 0
    if not dist.is_initialized():
        dist.init_process_group(dist_backend(device_type))
    return dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0"))


def world_size() -> int:
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def backend() -> str | None:
    """The process group's backend, or None for a single process."""
    return dist.get_backend() if world_size() > 1 else None


def rank_device(device: torch.device, local_rank: int) -> torch.device:
    """`device`, made this process's current CUDA device; under torchrun a bare "cuda" becomes the
    GPU of the local rank."""
    if device.type == "cuda":
        if world_size() > 1 and device.index is None:
            device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    return device


def wrap(module: nn.Module, device: torch.device) -> nn.Module:
    """`module` in DistributedDataParallel: its backward passes average the gradients over ranks."""
    from torch.nn.parallel import DistributedDataParallel as DDP

    # BatchNorm statistics stay per rank (broadcasting them on each of D's two forwards would
    # overwrite buffers autograd still needs); rank 0's are the ones saved. Newer PyTorch
    # spells the switch forward_sync_buffers, older broadcast_buffers.
    no_buffer_sync = ({"forward_sync_buffers": False}
                      if "forward_sync_buffers" in inspect.signature(DDP.__init__).parameters
                      else {"broadcast_buffers": False})
    return DDP(module, device_ids=[device.index] if device.type == "cuda" else None, **no_buffer_sync)


def mean_over_ranks(value: torch.Tensor) -> float:
    """The mean of a scalar tensor over all ranks, on the host (a synchronisation point)."""
    value = value.detach().float().clone()
    world = world_size()
    if world > 1:
        dist.all_reduce(value)
    return value.item() / world


def sum_over_ranks_(values: torch.Tensor) -> torch.Tensor:
    """Sum `values` over all ranks, in place."""
    if world_size() > 1:
        dist.all_reduce(values)
    return values


def any_rank(flag: bool, device: torch.device) -> bool:
    """True on every rank if `flag` is true on any, so all ranks take the same branch."""
    if world_size() == 1:
        return flag
    value = torch.tensor(float(flag), device=device)  # NCCL reduces only tensors on the GPU
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def gather(obj) -> list:
    """`obj` from every rank, in rank order (picklable objects)."""
    if world_size() == 1:
        return [obj]
    objects = [None] * world_size()
    dist.all_gather_object(objects, obj)
    return objects


def from_rank0(obj):
    """Rank 0's `obj` on every rank (picklable objects)."""
    if world_size() == 1:
        return obj
    holder = [obj]
    dist.broadcast_object_list(holder, src=0)
    return holder[0]


def check_ranks_agree(*modules: nn.Module) -> None:
    """DDP keeps every rank's weights identical; a cheap checksum comparison catches it if not."""
    if world_size() == 1:
        return
    sums = torch.stack([p.detach().double().sum() for m in modules for p in m.parameters()])
    low, high = sums.clone(), sums.clone()
    dist.all_reduce(low, op=dist.ReduceOp.MIN)
    dist.all_reduce(high, op=dist.ReduceOp.MAX)
    if not torch.equal(low, high):
        raise RuntimeError("distributed ranks hold different weights; gradient synchronisation failed")


def barrier() -> None:
    if world_size() > 1:
        dist.barrier()


def close() -> None:
    """End the process group, if one was started. Left running until the interpreter exits, a
    gloo rank now and then aborts there ("terminate called without an active exception"), which
    fails a run that finished."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
