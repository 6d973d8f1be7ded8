"""Results of a search: one Trial per config, gathered in a TrialTable.

Interface:

    TrialResult(score, curve=None)   what an objective may return instead of a bare score
    Trial(index, config, score, curve, seconds, error, traceback)
                                     one evaluated config; error is None when it ran
    TrialTable(trials, maximize=True)
        len / iteration / indexing   trials in the order they were given (config order)
        sorted()                     a new table, best first; failed and NaN trials last
        best()                       the best trial (ValueError if every trial failed)
        scores, succeeded, failed    NaN-for-failed array, lists of trials
        best_so_far()                running best score in config order
        to_text(limit=10)            the best trials as an aligned text table (the repr)
        concatenate(tables)          one table of several, renumbered

Higher scores are better unless maximize=False (for a loss or an error rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

__all__ = ["TrialResult", "Trial", "TrialTable"]


class TrialResult(NamedTuple):
    """A score plus an optional learning curve (e.g. dev accuracy per epoch).

    >>> TrialResult(0.93, [0.5, 0.8, 0.93]).score
    0.93
    """

    score: float
    curve: Any = None


@dataclass(frozen=True)
class Trial:
    """One config and what happened when the objective ran on it."""

    index: int
    config: dict
    score: float = math.nan
    curve: np.ndarray | None = None
    seconds: float = 0.0
    error: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        """True when the objective returned a finite score."""
        return self.error is None and math.isfinite(self.score)


class TrialTable:
    """Trials of one search, in config order.

    >>> table = TrialTable([Trial(0, {"x": 1}, 0.2), Trial(1, {"x": 2}, 0.9),
    ...                     Trial(2, {"x": 3}, error="ValueError: boom")])
    >>> table.best().config
    {'x': 2}
    >>> [t.index for t in table.sorted()]
    [1, 0, 2]
    >>> table.best_so_far().tolist()
    [0.2, 0.9, 0.9]
    """

    def __init__(self, trials, maximize: bool = True):
        self.trials = list(trials)
        self.maximize = bool(maximize)

    def __len__(self):
        return len(self.trials)

    def __iter__(self):
        return iter(self.trials)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return TrialTable(self.trials[i], self.maximize)
        return self.trials[i]

    @property
    def scores(self) -> np.ndarray:
        """Scores in config order, NaN for a failed trial."""
        return np.array([t.score if t.error is None else math.nan for t in self.trials])

    @property
    def succeeded(self) -> list[Trial]:
        return [t for t in self.trials if t.ok]

    @property
    def failed(self) -> list[Trial]:
        return [t for t in self.trials if not t.ok]

    def _rank_key(self, trial: Trial):
        if not trial.ok:
            return (1, 0.0, trial.index)
        return (0, -trial.score if self.maximize else trial.score, trial.index)

    def sorted(self) -> TrialTable:
        """A new table, best first; ties keep config order; failures last."""
        return TrialTable(sorted(self.trials, key=self._rank_key), self.maximize)

    def best(self) -> Trial:
        if not self.succeeded:
            first = next((t.error for t in self.trials if t.error), "no finite score")
            raise ValueError(f"all {len(self)} trials failed; the first said: {first}")
        return self.sorted()[0]

    @classmethod
    def concatenate(cls, tables, maximize: bool | None = None) -> TrialTable:
        """One table of several (e.g. every round of coarse-to-fine), renumbered."""
        tables = list(tables)
        if maximize is None:
            maximize = tables[0].maximize if tables else True
        trials = [t for table in tables for t in table]
        return cls([replace(t, index=i) for i, t in enumerate(trials)], maximize)

    def best_so_far(self) -> np.ndarray:
        """Running best score in config order (NaN until the first success)."""
        out, best = [], math.nan
        for t in self.trials:
            if t.ok and (math.isnan(best) or (t.score > best if self.maximize
                                              else t.score < best)):
                best = t.score
            out.append(best)
        return np.array(out)

    def __repr__(self):
        return self.to_text()

    def to_text(self, limit: int = 10) -> str:
        """The best `limit` trials as an aligned text table."""
        rows = self.sorted().trials[:limit]
        names = list(dict.fromkeys(k for t in rows for k in t.config))
        header = ["trial", "score", *names, "seconds"]
        lines = [header]
        for t in rows:
            score = f"{t.score:.4g}" if t.error is None else "failed"
            lines.append([str(t.index), score, *(_short(t.config.get(k, "")) for k in names),
                          f"{t.seconds:.2f}"])
        widths = [max(len(row[j]) for row in lines) for j in range(len(header))]
        text = "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                         for row in lines)
        more = f"\n... {len(self) - limit} more" if len(self) > limit else ""
        return f"TrialTable({len(self)} trials, {len(self.failed)} failed, " \
               f"{'maximize' if self.maximize else 'minimize'})\n{text}{more}"


def _short(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
