"""Softmax and its cross-entropy loss: loss, dscores = softmax_cross_entropy(scores, y).

scores has shape (m, C), one row of class scores per example; y holds integer
labels in [0, C), shape (m,). The loss is the mean over the batch of
-log softmax(scores)[i, y[i]], and dscores (m, C) is its gradient with respect to
scores: (softmax(scores) - onehot(y)) / m.

These are the reference forms; the network trains with the twin in
`course.nn.fast`, checked equal to this one in tests/library/test_fast_kernels.py.
"""

import numpy as np

from course.validate import check_labels


def softmax(scores):
    """Class probabilities, row by row: exp(scores) / sum of exp(scores) over the row.

    Inputs: scores (m, C). Returns: probabilities (m, C), each row summing to 1.
    Subtracting each row's largest score first changes nothing in the fraction and
    keeps exp from overflowing: the largest exponent is exp(0) = 1.
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of the softmax of `scores` against labels `y`.

    Inputs: scores (m, C); y (m,) integer labels in [0, C).
    Returns: loss (float), dscores (m, C) = (softmax(scores) - onehot(y)) / m.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"scores must have shape (m, C), got {scores.shape}; pass one row of "
                         "class scores per example.")
    y = check_labels(y, *scores.shape)
    m = scores.shape[0]
    rows = np.arange(m)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dscores /= m
    return float(loss), dscores
