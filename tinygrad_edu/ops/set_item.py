"""SetItem: ``x[index] = v`` as an op of the graph (what ``Tensor.__setitem__`` records)."""
from __future__ import annotations

import numpy as np

from ..function import Function
from .shape import sum_to


class SetItem(Function):
    """y = x with y[index] = v (v broadcast to x[index]'s shape);
    dL/dx = dL/dy with zeros at index (those values were overwritten);
    dL/dv = dL/dy[index], summed down to v's shape.

    ``v`` may be a Tensor, an array or a number; ``index`` is any NumPy index. Positions an
    advanced index names several times are refused before this op runs (which write wins
    would decide the gradient; see ``in_place.set_item``).
    """

    def forward(self, x, v, index):
        y = x.copy()
        y[index] = v
        self.index, self.v_shape = index, np.shape(v)
        return y

    def backward(self, gy):
        needs_x, needs_v, _ = self.needs_input_grad
        gx = SetItem.apply(gy, 0, self.index) if needs_x else None  # dL/dy, zero at index
        gv = sum_to(gy[self.index], self.v_shape) if needs_v else None
        return gx, gv, None


def written_positions(shape: tuple, index) -> np.ndarray:
    """The flat positions ``x[index] = ...`` writes, one per element of ``x[index]``."""
    return np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)[index]


def names_a_position_twice(shape: tuple, index) -> bool:
    positions = written_positions(shape, index).ravel()
    return np.unique(positions).size != positions.size

