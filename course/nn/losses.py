"""Loss functions: loss, dscores = <loss>(scores, y).

scores has shape (m, C), one row of class scores per example; y holds integer
labels in [0, C), shape (m,). The loss is the mean over the batch, and dscores
(m, C) is its gradient with respect to scores.
"""

import numpy as np

from course.validate import check_labels

# Probabilities below exp(-40), about 4e-18, are raised to it. Next to the largest
# class's 1 that is below rounding in float32 and float64 alike, and it keeps the
# gradients sent back through the layers far above float32's denormal range
# (below 1e-38), where arithmetic gets many times slower on some CPUs. The loss
# itself uses the unclipped scores.
_LOWEST_SHIFTED_SCORE = -40.0


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of the softmax of `scores` against labels `y`.

    Inputs: scores (m, C); y (m,) integer labels in [0, C).
    Returns: loss (float), dscores (m, C) = (softmax(scores) - onehot(y)) / m.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"scores must have shape (m, C), got {scores.shape}.")
    return softmax_cross_entropy_unchecked(scores, check_labels(y, *scores.shape))


def softmax_cross_entropy_unchecked(scores, y):
    """softmax_cross_entropy for a caller that has checked scores and y already."""
    m, num_classes = scores.shape
    shifted = scores - _row_max(scores)[:, None]  # the largest score of each row becomes 0
    probs = np.maximum(shifted, _LOWEST_SHIFTED_SCORE)
    np.exp(probs, out=probs)
    totals = probs @ np.ones(num_classes, dtype=probs.dtype)  # row sums, fast as a product
    true_class = np.arange(0, m * num_classes, num_classes) + y  # flat index of (i, y[i])
    loss = (np.log(totals).sum() - shifted.take(true_class).sum()) / m
    probs /= totals[:, None] * m
    probs.ravel()[true_class] -= 1 / m
    return float(loss), probs


def _row_max(x):
    """Largest entry of each row of x (m, C). With many more rows than classes a loop
    over the columns is several times faster than x.max(axis=1)."""
    m, num_classes = x.shape
    if m < 16 * num_classes:
        return x.max(axis=1)
    out = x[:, 0].copy()
    for j in range(1, num_classes):
        np.maximum(out, x[:, j], out=out)
    return out
