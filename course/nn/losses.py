"""Loss functions: loss, dscores = <loss>(scores, y).

scores has shape (m, C), one row of class scores per example; y holds integer
labels in [0, C), shape (m,). The loss is the mean over the batch, and dscores
(m, C) is its gradient with respect to scores.
"""

import numpy as np

from course.nn.checks import check_labels

# exp(-80) is about 2e-35: clipping shifted scores there before exp() changes no
# probability by a visible amount and keeps it out of float32's slow denormal
# range. The loss itself uses the unclipped scores.
_LOWEST_SHIFTED_SCORE = -80.0


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of the softmax of `scores` against labels `y`.

    Inputs: scores (m, C); y (m,) integer labels in [0, C).
    Returns: loss (float), dscores (m, C) = (softmax(scores) - onehot(y)) / m.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"scores must have shape (m, C), got {scores.shape}.")
    m, num_classes = scores.shape
    y = check_labels(y, m, num_classes)
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.maximum(shifted, _LOWEST_SHIFTED_SCORE)
    np.exp(probs, out=probs)
    totals = probs.sum(axis=1, keepdims=True)
    rows = np.arange(m)
    loss = (np.log(totals).sum() - shifted[rows, y].sum()) / m
    probs /= totals
    probs[rows, y] -= 1
    probs /= m
    return float(loss), probs
