"""Embedding lookup with a padding row that never learns (PyTorch's ``padding_idx``).

Without a padding row an embedding is plain integer indexing, ``GetItem``; this op adds
the one difference: the gradient is not sent to the padding row.
"""
from .shape import GetItem


class PaddedEmbedding(GetItem):
    """y = W[index], except that row ``padding_idx`` of W gets no gradient.

    With W of shape (V, D) and integer indices of any shape S, y has shape S + (D,) and::

        dL/dW_v = sum over positions i with index_i = v of dL/dy_i   (v != padding_idx)
        dL/dW_padding_idx = 0

    The forward value of the padding row is whatever W holds there (zeros after
    ``nn.Embedding``'s initialisation). The indices get no gradient.
    """

    def forward(self, weight, index, padding_idx):
        self.keep = (index != padding_idx)[..., None]  # (S, 1): False where the padding row
        return super().forward(weight, index)

    def backward(self, gy):
        gw, _ = super().backward(gy * self.keep.astype(gy.dtype))  # gy itself is not mutated
        return gw, None, None
