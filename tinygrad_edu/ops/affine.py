"""The affine map of a Linear layer, y = x @ W^T + b, fused into one op for speed."""
from ..function import Function


class Affine(Function):
    """y = x @ W^T + b, with W of shape (out, in) (PyTorch's layout) and b of shape (out,).

    x has shape (..., in) and y (..., out). With gy = dL/dy and all leading axes of x and
    gy flattened into one (rows)::

        dL/dx = gy @ W
        dL/dW = gy^T @ x          (a sum over the rows)
        dL/db = sum of gy over the rows

    Fusing the product and the bias into one op halves the graph nodes of a layer, and
    ``needs_input_grad`` lets backward skip dL/dx for a first layer's data input, the
    largest of the three products. ``b`` may be None (no bias).
    """

    def forward(self, x, weight, bias):
        if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
            raise ValueError(
                f"linear: the input's last axis must have in_features={weight.shape[1]} "
                f"values (weight shape {weight.shape}), got input of shape {x.shape}")
        y = x @ weight.T
        if bias is not None:
            y += bias  # y is a fresh array: add in place, no temporary
        self.save_for_backward(x, weight)
        return y

    def backward(self, gy):
        x, weight = self.saved_tensors
        needs = self.needs_input_grad
        gx = gy @ weight if needs[0] else None
        gw = gb = None
        if needs[1] or needs[2]:
            if gy.ndim != 2:  # (..., out): flatten the leading axes into rows
                gy = gy.reshape((-1, weight.shape[0]))
            if needs[1]:
                gw = gy.T @ (x if x.ndim == 2 else x.reshape((-1, weight.shape[1])))
            if needs[2]:
                gb = gy.sum(axis=0)
        return gx, gw, gb
