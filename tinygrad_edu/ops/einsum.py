"""Einstein summation (np.einsum, torch.einsum) as one op whose backward is again einsum.

The subscripts are first written out in full: implicit outputs made explicit, ``...``
replaced by letters of its own. ``tensordot`` is an einsum too: see
``tensordot_subscripts``.
"""
from __future__ import annotations

import string

import numpy as np

from ..dtypes import promote_all
from ..function import Function
from .._tensor import Tensor

LETTERS = string.ascii_letters  # the labels np.einsum accepts


class Einsum(Function):
    """y = einsum(subscripts, x_0, ..., x_m): the products of the operands' elements, with
    equal letters meaning equal indices, summed over the letters missing from the output.

    dL/dx_k = einsum of dL/dy (with the output's letters) and the other operands, to x_k's
    letters: each element of x_k gets the sum of dL/dy times the other factors of every
    product it takes part in. Two adjustments make that a valid einsum:
      - a letter repeated in x_k (``ii`` in a trace) is renamed at its second place and an
        identity matrix joins the product, so the gradient lies on the diagonal;
      - a letter only x_k has (``j`` in ``ij->i``, summed away) gets a vector of ones, so
        the gradient is broadcast along it.
    Size-1 axes broadcast against equal letters, as in NumPy; the engine sums their
    gradient back. ``subscripts`` is explicit (``"ij,jk->ik"``, see ``explicit``).
    """

    def forward(self, subscripts, *xs):
        self.subscripts = subscripts
        xs = promote_all(xs)  # an integer operand takes the float one's dtype (PyTorch)
        self.save_for_backward(*xs)
        return np.asarray(np.einsum(subscripts, *xs))

    def backward(self, gy):
        xs = self.saved_tensors
        inputs, output = self.subscripts.split("->")
        terms = inputs.split(",")
        needs = self.needs_input_grad[1:]
        return (None,) + tuple(
            _operand_grad(gy, output, xs, terms, k) if needs[k] else None for k in range(len(xs)))


def _operand_grad(gy, output: str, xs, terms: list[str], k: int):
    term, shape = terms[k], xs[k].shape
    operands = [gy] + [x for j, x in enumerate(xs) if j != k]
    labels = [output] + [t for j, t in enumerate(terms) if j != k]
    unused = iter(c for c in LETTERS if c not in "".join(terms) + output)
    target, seen = "", {}
    for c, n in zip(term, shape):
        if c in seen:  # a repeated letter: its own name here, tied to the first by an identity
            fresh = next(unused)
            operands.append(np.eye(seen[c], n, dtype=gy.dtype))
            labels.append(c + fresh)
            c = fresh
        else:
            seen[c] = n
        target += c
    present = set("".join(labels))
    for c, n in zip(target, shape):
        if c not in present:  # summed in x_k alone: the gradient is the same along it
            operands.append(np.ones(n, dtype=gy.dtype))
            labels.append(c)
    return einsum(",".join(labels) + "->" + target, *operands)


def einsum(subscripts: str, *operands):
    """Einsum of ndarrays (NumPy) or, if any operand is a Tensor, the recorded op."""
    if any(isinstance(x, Tensor) for x in operands):
        return Einsum.apply(subscripts, *operands)
    return np.einsum(subscripts, *operands)


def explicit(subscripts: str, shapes: list[tuple]) -> str:
    """``subscripts`` with the output written out and ``...`` replaced by letters.

    As NumPy: without ``->`` the output is the broadcast ``...`` axes followed by the
    letters that occur once, in alphabetical order; ``...`` stands for as many axes as the
    operand has beyond its letters, right-aligned against the other operands' ``...``.

    Raises:
        TypeError: subscripts is not a string (NumPy's interleaved form).
        ValueError: the number of terms differs from the number of operands, a letter is
            not a-z or A-Z, or an operand has fewer axes than its letters.
    """
    if not isinstance(subscripts, str):
        raise TypeError("einsum on Tensors takes the subscripts as a string, e.g. "
                        "einsum('ij,jk->ik', a, b); the interleaved form einsum(a, [0, 1], b, "
                        f"[1, 2]) is not supported (got {type(subscripts).__name__} first)")
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {subscripts!r} has {len(terms)} operand term(s) but "
                         f"{len(shapes)} operand(s) were given")
    for label in spec.replace("...", "").replace(",", "").replace("->", ""):
        if label not in LETTERS:
            raise ValueError(f"einsum: subscripts may use the letters a-z and A-Z only, got "
                             f"{label!r} in {subscripts!r}")
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        if "..." not in term and len(term) != len(shape):
            raise ValueError(f"einsum: operand {k} has {len(shape)} axes but {term!r} names "
                             f"{len(term)} (use '...' for axes not named)")
    counts = {}
    for term in terms:
        for c in term.replace("...", ""):
            counts[c] = counts.get(c, 0) + 1
    free = iter(c for c in LETTERS if c not in spec)
    extra = [len(shape) - len(term.replace("...", "")) for term, shape in zip(terms, shapes)
             if "..." in term]
    if any(n < 0 for n in extra):
        raise ValueError(f"einsum: an operand has fewer axes than its subscripts in "
                         f"{subscripts!r}")
    ellipsis = "".join(next(free) for _ in range(max(extra, default=0)))
    written = []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            own = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", ellipsis[len(ellipsis) - own:])
        written.append(term)
    if arrow:
        if ellipsis and "..." not in output:
            raise ValueError(f"einsum: {subscripts!r}: the operands' '...' axes need a '...' "
                             "in the output too (NumPy's rule)")
        output = output.replace("...", ellipsis)
    else:
        output = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1))
    return ",".join(written) + "->" + output


def tensordot_subscripts(shape0: tuple, shape1: tuple, axes) -> str:
    """The einsum of ``np.tensordot(a, b, axes)``: a's ``axes[0]`` summed against b's
    ``axes[1]`` (an int N: a's last N against b's first N); the output is a's other axes,
    then b's, in order.

    Raises:
        ValueError: axes out of range or repeated, or summed axes of different sizes.
    """
    ndim0, ndim1 = len(shape0), len(shape1)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(ndim0, ndim1):
            raise ValueError(f"tensordot: axes={axes} needs 0 <= axes <= {min(ndim0, ndim1)} "
                             f"for shapes {shape0} and {shape1}")
        summed0, summed1 = list(range(ndim0 - axes, ndim0)), list(range(axes))
    else:
        summed0, summed1 = ([a] if isinstance(a, (int, np.integer)) else list(a) for a in axes)
    if len(summed0) != len(summed1):
        raise ValueError(f"tensordot: {len(summed0)} axes of a against {len(summed1)} of b "
                         f"(axes={axes!r})")
    summed0 = [_axis(a, ndim0, "a") for a in summed0]
    summed1 = [_axis(a, ndim1, "b") for a in summed1]
    if len(set(summed0)) != len(summed0) or len(set(summed1)) != len(summed1):
        raise ValueError(f"tensordot: repeated axis in axes={axes!r}")
    for a0, a1 in zip(summed0, summed1):
        if shape0[a0] != shape1[a1]:
            raise ValueError(f"tensordot: shape-mismatch for sum: axis {a0} of a has size "
                             f"{shape0[a0]}, axis {a1} of b has size {shape1[a1]}")
    if ndim0 + ndim1 - len(summed0) > len(LETTERS):
        raise ValueError("tensordot: too many axes")
    term0 = LETTERS[:ndim0]
    rest = iter(LETTERS[ndim0:])
    term1 = "".join(term0[summed0[summed1.index(i)]] if i in summed1 else next(rest)
                    for i in range(ndim1))
    output = ("".join(c for i, c in enumerate(term0) if i not in summed0)
              + "".join(c for i, c in enumerate(term1) if i not in summed1))
    return f"{term0},{term1}->{output}"


def _axis(a, ndim: int, name: str) -> int:
    if not -ndim <= a < ndim:
        raise np.exceptions.AxisError(int(a), ndim, msg_prefix=f"tensordot: axis of {name}")
    return int(a) % ndim
