"""Matrix product (NumPy's rules for 1-D operands and batch broadcasting) and outer product."""
import numpy as np

from ..dtypes import promote
from ..function import Function


class MatMul(Function):
    """y = x0 @ x1;  dL/dx0 = dL/dy @ x1^T, dL/dx1 = x0^T @ dL/dy (on the last two axes).

    A 1-D x0 is a row (1, n) and a 1-D x1 a column (n, 1), as in NumPy; the gradient is
    computed in that 2-D form and its added axis dropped. Batch axes are broadcast, so
    the engine sums their gradient back.
    """

    def forward(self, x0, x1):
        if np.ndim(x0) == 0 or np.ndim(x1) == 0:
            raise ValueError("matmul needs operands with at least 1 dimension, got shapes "
                             f"{np.shape(x0)} and {np.shape(x1)}; use * for scalars")
        x0, x1 = promote(x0, x1)
        try:
            y = np.matmul(x0, x1)
        except ValueError:
            n0 = x0.shape[-1]
            n1 = x1.shape[-2] if x1.ndim > 1 else x1.shape[0]
            raise ValueError(
                f"matmul: shapes {x0.shape} and {x1.shape} do not align: the last axis of the "
                f"first ({n0}) must equal the {'second-to-last' if x1.ndim > 1 else 'only'} "
                f"axis of the second ({n1})"
                + ("" if n0 != n1 else " (and their batch axes must broadcast)")) from None
        self.save_for_backward(x0, x1)
        return y

    def backward(self, gy):
        x0, x1 = self.saved_tensors
        vector0, vector1 = x0.ndim == 1, x1.ndim == 1
        if vector1:  # restore the column axis that the product dropped
            gy = gy.reshape(tuple(gy.shape) + (1,))
            x1 = x1.reshape((x1.shape[0], 1))
        if vector0:  # restore the row axis
            gy = gy.reshape(tuple(gy.shape[:-1]) + (1, gy.shape[-1]))
            x0 = x0.reshape((1, x0.shape[0]))
        needs = self.needs_input_grad
        gx0 = gx1 = None
        if needs[0]:
            gx0 = gy @ x1.swapaxes(-1, -2)
            if vector0:
                gx0 = gx0.reshape(tuple(gx0.shape[:-2]) + (gx0.shape[-1],))
        if needs[1]:
            gx1 = x0.swapaxes(-1, -2) @ gy
            if vector1:
                gx1 = gx1.reshape(tuple(gx1.shape[:-1]))
        return gx0, gx1


class Outer(Function):
    """y[i, j] = a[i] * b[j], a and b flattened first (np.outer, torch.outer);
    dL/da[i] = sum_j dL/dy[i, j] b[j] = (dL/dy @ b)[i],  dL/db[j] = (a @ dL/dy)[j],
    each reshaped back to its input's shape."""

    def forward(self, x0, x1):
        x0, x1 = promote(x0, x1)
        self.save_for_backward(x0, x1)
        return np.outer(x0, x1)

    def backward(self, gy):
        x0, x1 = self.saved_tensors
        needs = self.needs_input_grad
        gx0 = (gy @ x1.reshape(-1)).reshape(x0.shape) if needs[0] else None
        gx1 = (x0.reshape(-1) @ gy).reshape(x1.shape) if needs[1] else None
        return gx0, gx1
