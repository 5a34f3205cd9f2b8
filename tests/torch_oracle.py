"""Run one program on real PyTorch and on tinygrad_edu (as PyTorch code, through as_torch)."""
from tinygrad_edu import as_torch


def both(program, *args):
    """``(program(torch, *args), program(ours, *args))``: ``ours`` is the torch alias module
    of ``as_torch.installed()``, so the program's PyTorch code runs unchanged."""
    import torch
    expected = program(torch, *args)
    with as_torch.installed() as ours:
        got = program(ours, *args)
    return expected, got
