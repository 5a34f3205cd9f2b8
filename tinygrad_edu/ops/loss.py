"""Fused, numerically stable losses: cross-entropy, negative log-likelihood, binary
cross-entropy (on logits and on probabilities), MSE, L1, Huber / smooth L1.

Each loss is one graph node: forward computes the loss with the stable formula, and the
first-order backward is the closed-form gradient on saved arrays (fast). Under
``create_graph=True`` backward rebuilds the gradient from the graph's Tensors instead, so
second order works too. The two classification losses come in a fast form for the
default call and a weighted form for PyTorch's options (class weights, ignored labels,
``pos_weight``), so the options cost nothing when unused.
"""
import numpy as np

from ..function import Function
from .._tensor import Tensor
from .elementwise import sigmoid


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        if not loss.size:  # an empty batch: nan, as PyTorch (and no NumPy warning)
            return np.full((), np.nan, dtype=loss.dtype)
        return np.asarray(loss.sum() / loss.size)  # = loss.mean(), without its Python overhead
    if reduction == "sum":
        return np.asarray(loss.sum())
    return loss


def _scale(gy, reduction: str, size: int, shape: tuple):
    """dL/d(loss element): gy / size ('mean'), gy ('sum'), or gy shaped to broadcast ('none')."""
    if reduction == "mean":
        return gy * (1.0 / size if size else 0.0)  # an empty batch: an empty gradient
    if reduction == "sum":
        return gy
    return gy.reshape(shape)


# --- classification ---


def _softmax_parts(x):
    """x - max(x), its exp and their row sums: softmax = exp / sum, logsumexp = max + log(sum)."""
    shifted = x - x.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    return shifted, p, p.sum(axis=1, keepdims=True)


class CrossEntropy(Function):
    """Cross-entropy of logits x (N, C) against integer labels t (N,), with label smoothing e.

    With log p = log_softmax(x) along the classes (x - logsumexp(x), never overflowing)
    and the target distribution q = (1 - e) * onehot(t) + e / C::

        loss_n = -sum_c q_nc log p_nc  =  logsumexp(x_n) - (1 - e) x_n,t - e mean_c x_nc
        y = mean_n loss_n ('mean'), sum_n loss_n ('sum') or the vector (loss_n) ('none')

    dloss_n/dx_n = softmax(x_n) - q_n, so for 'mean' dL/dx = (softmax(x) - q) * gy / N.
    The labels get no gradient. e = 0 is the usual cross-entropy (PyTorch's
    ``label_smoothing``).
    """

    def forward(self, x, target, reduction, label_smoothing):
        n = x.shape[0]
        rows = np.arange(n)
        shifted, p, total = _softmax_parts(x)
        log_total = np.log(total)[:, 0]
        loss = log_total - shifted[rows, target]
        if label_smoothing:
            smooth = log_total - shifted.mean(axis=1)
            loss = (1.0 - label_smoothing) * loss + label_smoothing * smooth
        p /= total  # softmax(x), what backward needs
        self.target = target
        self.reduction = reduction
        self.label_smoothing = label_smoothing
        self.save_for_backward(x, p)
        return _reduce(loss, reduction)

    def backward(self, gy):
        x, p = self.saved_tensors
        n, c = x.shape
        e = self.label_smoothing
        scale = _scale(gy, self.reduction, n, (n, 1))
        if isinstance(gy, Tensor):  # second order: softmax of the graph's x
            q = np.full((n, c), e / c, dtype=x.dtype)
            q[np.arange(n), self.target] += 1.0 - e
            return (x.softmax(axis=1) - q) * scale, None, None, None
        gx = p - e / c if e else p.copy()  # a new array: p may serve another backward
        gx[np.arange(n), self.target] -= 1.0 - e
        gx *= scale
        return gx, None, None, None


def _label_weights(target, weight, ignore_index, dtype):
    """For labels t with an ignored value: keep_n (t_n is not ignored), the label to index
    with (any valid one, 0, where ignored) and a_n = keep_n * w[t_n] (w = 1 if None)."""
    keep = target != ignore_index
    label = np.where(keep, target, 0)
    a = keep.astype(dtype) if weight is None else np.where(keep, weight[label], 0).astype(dtype)
    return keep, label, a


def _mean_row_scale(keep, a, dtype):
    """dy/dloss_n for 'mean' over the rows that count: 1 / sum(a) where kept, exactly 0 where
    ignored (keep / total would give 0 * inf = nan when every label is ignored)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 = nan, as PyTorch
        return np.where(keep, 1.0 / a.sum(), 0.0).astype(dtype)


class WeightedCrossEntropy(Function):
    """Cross-entropy with class weights w (C,), ignored labels and label smoothing e.

    The general form of ``CrossEntropy`` (PyTorch's ``weight``, ``ignore_index`` and
    ``label_smoothing`` together). A row n whose label t_n is the ignored one has
    k_n = 0 (else 1); a_n = k_n w[t_n] is its weight. With log p = log_softmax(x) and
    the (unnormalised) target weights q_nc = (1 - e) a_n onehot(t_n)_c + (e / C) k_n w_c::

        loss_n = -sum_c q_nc log p_nc
               = (1 - e) a_n (-log p_n,t_n) + (e / C) k_n sum_c w_c (-log p_nc)
        y = sum_n loss_n / sum_n a_n ('mean'), sum_n loss_n ('sum') or (loss_n) ('none')

    so 'mean' divides by the total weight of the rows that count (their number when
    w = 1): nan when every label is ignored, as PyTorch. With r_n = sum_c q_nc,
    dloss_n/dx_n = r_n softmax(x_n) - q_n; an ignored row gets exactly 0. The labels
    and the weights get no gradient.
    """

    def forward(self, x, target, reduction, label_smoothing, weight, ignore_index):
        n, c = x.shape
        e = label_smoothing
        rows = np.arange(n)
        keep, label, a = _label_weights(target, weight, ignore_index, x.dtype)
        q = np.zeros((n, c), dtype=x.dtype)
        if e:
            q += (keep * (e / c))[:, None] * (1.0 if weight is None else weight)
        q[rows, label] += (1.0 - e) * a
        shifted, p, total = _softmax_parts(x)
        r = q.sum(axis=1)
        loss = r * np.log(total)[:, 0] - (q * shifted).sum(axis=1)
        p /= total  # softmax(x), what backward needs
        self.q, self.r = q, r[:, None]
        self.reduction = reduction
        self.save_for_backward(x, p)
        if reduction != "mean":
            return _reduce(loss, reduction)
        self.row_scale = _mean_row_scale(keep, a, x.dtype)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 = nan, as PyTorch
            return np.asarray(loss.sum() / a.sum())

    def backward(self, gy):
        x, p = self.saved_tensors
        if isinstance(gy, Tensor):  # second order: softmax of the graph's x
            p = x.softmax(axis=1)
        if self.reduction == "mean":
            scale = gy * self.row_scale
        elif self.reduction == "sum":
            scale = gy
        else:
            scale = gy.reshape(self.r.shape)
        return (p * self.r - self.q) * scale, None, None, None, None, None


class NLL(Function):
    """Negative log-likelihood of log-probabilities x (N, C) at integer labels t (N,).

    With class weights w (1 if not given), k_n = 0 for a row whose label is the ignored
    one (else 1) and a_n = k_n w[t_n]::

        loss_n = -a_n x[n, t_n]
        y = sum_n loss_n / sum_n a_n ('mean'), sum_n loss_n ('sum') or (loss_n) ('none')
        dy/dx[n, c] = -a_n [c == t_n] (divided by sum_n a_n for 'mean')

    y is linear in x, so the second derivative is 0; an ignored row gets loss and
    gradient exactly 0, and 'mean' is nan when every label is ignored (0 / 0, as
    PyTorch). ``ignore_index`` is None when no label equals it (then k_n = 1). The labels
    and the weights get no gradient.
    """

    def forward(self, x, target, reduction, weight, ignore_index):
        n = x.shape[0]
        rows = np.arange(n)
        if ignore_index is None:  # every row counts
            label, keep = target, None
            a = None if weight is None else weight[target]
            picked = x[rows, label]
        else:
            keep, label, a = _label_weights(target, weight, ignore_index, x.dtype)
            picked = np.where(keep, x[rows, label], 0)  # 0, not a * x: x may be -inf there
        loss = -picked if a is None else -(a * picked)
        total = n if a is None else a.sum()
        # dy/dloss_n, the factor of -[c == t_n] in dy/dx
        if reduction != "mean":
            self.coef = 1.0 if a is None else a
        elif keep is None:
            with np.errstate(divide="ignore", invalid="ignore"):  # an empty batch: nan
                self.coef = np.divide(1.0, total) if a is None else a / total
        else:
            self.coef = _mean_row_scale(keep, a, x.dtype) * a
        self.rows, self.label = rows, label
        self.x_shape, self.x_dtype = x.shape, x.dtype
        self.reduction = reduction
        if reduction != "mean":
            return _reduce(loss, reduction)
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 = nan, as PyTorch
            return np.asarray(loss.sum() / total, dtype=x.dtype)

    def backward(self, gy):
        scale = gy.reshape(-1) if self.reduction == "none" else gy
        if isinstance(gy, Tensor):  # second order: the same scatter of the graph's gy
            onehot = np.zeros(self.x_shape, self.x_dtype)
            onehot[self.rows, self.label] = -self.coef
            scale = scale.reshape(-1, 1) if self.reduction == "none" else scale
            return onehot * scale, None, None, None, None
        gx = np.zeros(self.x_shape, self.x_dtype)
        gx[self.rows, self.label] = -(self.coef * scale)
        return gx, None, None, None, None


class BCEWithLogits(Function):
    """Binary cross-entropy of logits x against targets z in [0, 1] (same shape), stable.

    With s = sigmoid(x), loss = -z log s - (1 - z) log(1 - s), written without ever
    taking the log of 0 or exp of a large number::

        loss = max(x, 0) - x z + log(1 + exp(-|x|))
        dloss/dx = s - z,   dloss/dz = -x

    y is the mean ('mean'), the sum ('sum') or the element-wise losses ('none'). Backward
    recomputes s rather than saving it: on large inputs that is faster (one array fewer
    kept alive between the passes).
    """

    def forward(self, x, z, reduction):
        loss = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
        self.reduction = reduction
        self.save_for_backward(x, z)
        return _reduce(loss, reduction)

    def backward(self, gy):
        x, z = self.saved_tensors
        scale = _scale(gy, self.reduction, x.size, x.shape)
        needs = self.needs_input_grad
        gx = (sigmoid(x) - z) * scale if needs[0] else None
        gz = -x * scale if needs[1] else None
        return gx, gz, None


def _softplus_neg(x):
    """softplus(-x) = log(1 + exp(-x)) = -log(sigmoid(x)), as max(-x, 0) + log(1 + exp(-|x|)).

    Never overflows; on an ndarray it uses log1p, on a Tensor (second order) the same
    form with differentiable ops.
    """
    if isinstance(x, Tensor):
        return np.maximum(-x, 0.0) + np.log(1.0 + np.exp(-np.abs(x)))
    return np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))


class WeightedBCEWithLogits(Function):
    """Binary cross-entropy of logits x against targets z with PyTorch's ``pos_weight``
    p and ``weight`` w (both broadcast to x's shape, constants), computed stably.

    With s = sigmoid(x), -log s = softplus(-x) and -log(1 - s) = x + softplus(-x), so::

        loss = -w [p z log s + (1 - z) log(1 - s)]
             = w [(1 - z) x + l softplus(-x)],    l = 1 + (p - 1) z
        dloss/dx = w (l s - p z),    dloss/dz = w ((p - 1) softplus(-x) - x)

    softplus(-x) = max(-x, 0) + log(1 + exp(-|x|)) never overflows, so |x| ~ 1000 is fine.
    p = 1 and w = 1 give ``BCEWithLogits``. y is the mean over all elements ('mean',
    not divided by the weights, as PyTorch), the sum ('sum') or the losses ('none').
    """

    def forward(self, x, z, reduction, pos_weight, weight):
        pos_weight = 1.0 if pos_weight is None else pos_weight
        loss = (1 - z) * x + (1 + (pos_weight - 1) * z) * _softplus_neg(x)
        if weight is not None:
            loss = loss * weight
        self.reduction = reduction
        self.pos_weight, self.weight = pos_weight, weight
        self.save_for_backward(x, z)
        return _reduce(loss, reduction)

    def backward(self, gy):
        x, z = self.saved_tensors
        pos_weight, weight = self.pos_weight, self.weight
        scale = _scale(gy, self.reduction, x.size, x.shape)
        if weight is not None:
            scale = scale * weight
        needs = self.needs_input_grad
        gx = gz = None
        if needs[0]:
            pz = pos_weight * z
            gx = ((pz + 1 - z) * sigmoid(x) - pz) * scale
        if needs[1]:
            gz = ((pos_weight - 1) * _softplus_neg(x) - x) * scale
        return gx, gz, None, None, None


# PyTorch's floor for p (1 - p) in the gradient: 1e-12 as a float32, also for float64.
_BCE_EPS = float(np.float32(1e-12))


class BCE(Function):
    """Binary cross-entropy of probabilities p in [0, 1] against targets z in [0, 1],
    with optional element weights w (a constant broadcast to p's shape), PyTorch's way.

    Each log is clamped at -100, so p = 0 or 1 gives a finite loss (at most 100 w)::

        loss = -w [z max(log p, -100) + (1 - z) max(log(1 - p), -100)]
        dloss/dp = w (p - z) / max(p (1 - p), eps)         eps = 1e-12
        dloss/dz = w log((1 - p) / p) = -w logit(p)

    which are PyTorch's formulas: at p = 0 or 1 the gradient for p is finite (about
    +-1e12 w when z differs from p, 0 when z = p) and the one for z is +-inf. y is the
    mean over all elements ('mean', not divided by the weights), the sum ('sum') or the
    losses ('none'). Under ``create_graph`` backward composes the same formulas from
    differentiable ops, so second order works (for 0 < p < 1).
    """

    def forward(self, p, z, reduction, weight):
        with np.errstate(divide="ignore"):  # log(0) = -inf, clamped to -100 next
            log_p = np.maximum(np.log(p), -100.0)
            log_1mp = np.maximum(np.log1p(-p), -100.0)
        loss = (z - 1) * log_1mp - z * log_p
        if weight is not None:
            loss *= weight
        self.reduction, self.weight = reduction, weight
        self.save_for_backward(p, z)
        return _reduce(loss, reduction)

    def backward(self, gy):
        p, z = self.saved_tensors
        scale = _scale(gy, self.reduction, p.size, p.shape)
        if self.weight is not None:
            scale = scale * self.weight
        needs = self.needs_input_grad
        gp = gz = None
        if needs[0]:
            gp = (p - z) / np.maximum((1 - p) * p, _BCE_EPS) * scale
        if needs[1]:
            # p = 0 or 1: -logit(p) = +-inf (and inf * 0 = nan), as PyTorch
            with np.errstate(divide="ignore", invalid="ignore"):
                gz = -np.log(p / (1 - p)) * scale
        return gp, gz, None, None


# --- regression ---


class MSE(Function):
    """Mean squared error between x and the target z (same shape).

    loss = (x - z)**2 element-wise, then its mean ('mean'), sum ('sum') or nothing ('none');
    dloss/dx = 2 (x - z), dloss/dz = -2 (x - z).
    """

    def forward(self, x, z, reduction):
        diff = x - z
        self.reduction = reduction
        self.save_for_backward(x, z, diff)
        return _reduce(diff * diff, reduction)

    def backward(self, gy):
        x, z, diff = self.saved_tensors
        if isinstance(gy, Tensor):  # second order: the difference of the graph's values
            diff = x - z
        g = diff * (2 * _scale(gy, self.reduction, diff.size, diff.shape))
        needs = self.needs_input_grad
        return (g if needs[0] else None), (-g if needs[1] else None), None


class L1(Function):
    """Mean absolute error between x and the target z (same shape).

    loss = |x - z| element-wise, then its mean ('mean'), sum ('sum') or nothing ('none');
    dloss/dx = sign(x - z) = -dloss/dz, 0 at x = z (as PyTorch). The second derivative is
    0 (the sign is piecewise constant), so under ``create_graph`` the gradient is the
    saved sign times the graph's gy.
    """

    def forward(self, x, z, reduction):
        diff = x - z
        self.reduction = reduction
        self.save_for_backward(diff)  # not an input: stays an ndarray under create_graph
        return _reduce(np.abs(diff), reduction)

    def backward(self, gy):
        (diff,) = self.saved_tensors
        g = np.sign(diff) * _scale(gy, self.reduction, diff.size, diff.shape)
        needs = self.needs_input_grad
        return (g if needs[0] else None), (-g if needs[1] else None), None


class Huber(Function):
    """Huber loss with threshold delta, divided by b: PyTorch's huber_loss and smooth_l1_loss.

    With d = x - z (same shapes) and the slope s = delta / b::

        loss = 0.5 d**2 / b               if |d| < delta
               s (|d| - delta / 2)        otherwise
        dloss/dx = -dloss/dz = d / b if |d| < delta else s sign(d)  =  clip(d / b, -s, s)

    ``huber_loss(delta)`` is b = 1 (quadratic near 0, slope delta beyond);
    ``smooth_l1_loss(beta)`` is delta = b = beta (slope 1), i.e. huber_loss / beta. The
    loss and its gradient are continuous; the second derivative is 1 / b for |d| < delta
    and 0 from |d| = delta on (PyTorch's convention at the kink). y is the mean
    ('mean'), the sum ('sum') or the losses ('none').
    """

    def forward(self, x, z, reduction, delta, divisor):
        diff = x - z
        abs_diff = np.abs(diff)
        slope = delta / divisor  # exactly delta for Huber, exactly 1 for smooth L1
        loss = np.where(abs_diff < delta, diff * diff * (0.5 / divisor),
                        slope * (abs_diff - 0.5 * delta))
        self.reduction, self.delta, self.divisor, self.slope = reduction, delta, divisor, slope
        self.save_for_backward(x, z, diff)
        return _reduce(loss, reduction)

    def backward(self, gy):
        x, z, diff = self.saved_tensors
        scale = _scale(gy, self.reduction, diff.size, diff.shape)
        if isinstance(gy, Tensor):  # second order: d / b inside, the constant s sign(d) beyond
            inside = np.abs(diff) < self.delta
            outside = (self.slope * np.sign(diff)).astype(diff.dtype)
            g = np.where(inside, (x - z) * (1.0 / self.divisor), outside) * scale
        else:
            g = diff if self.divisor == 1.0 else diff / self.divisor
            g = np.clip(g, -self.slope, self.slope) * scale
        needs = self.needs_input_grad
        return (g if needs[0] else None), (-g if needs[1] else None), None, None, None
