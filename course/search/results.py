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
        to_records()                 flat dicts (config keys + trial, score, seconds, error)
        plot_scores(ax, name, space=None)   score against one hyperparameter, on its scale
        plot_best_so_far(ax)         best score so far against the number of trials
        concatenate(tables)          one table of several, renumbered

Higher scores are better unless maximize=False (for a loss or an error rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

from course.search.space import check_space

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
    >>> table.to_records()[2]
    {'x': 3, 'trial': 2, 'score': nan, 'seconds': 0.0, 'error': 'ValueError: boom'}
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

    def to_records(self) -> list[dict]:
        """One flat dict per trial, ready for pandas.DataFrame(records)."""
        fields = ("trial", "score", "seconds", "error")
        records = []
        for t in self.trials:
            clash = [k for k in fields if k in t.config]
            if clash:
                raise ValueError(f"config keys {clash} clash with the table's own columns")
            records.append({**t.config, "trial": t.index, "score": t.score,
                            "seconds": t.seconds, "error": t.error})
        return records

    @classmethod
    def concatenate(cls, tables, maximize: bool | None = None) -> TrialTable:
        """One table of several (e.g. every round of coarse-to-fine), renumbered."""
        tables = list(tables)
        if maximize is None:
            maximize = tables[0].maximize if tables else True
        trials = [t for table in tables for t in table]
        return cls([replace(t, index=i) for i, t in enumerate(trials)], maximize)

    def plot_scores(self, ax, name: str, space=None, **scatter_kwargs):
        """Scatter score against config[name]; with a space, on that dimension's scale.

        >>> from matplotlib.figure import Figure
        >>> from course.search import LogUniform
        >>> space = {"learning_rate": LogUniform(1e-4, 1e-1)}
        >>> table = TrialTable([Trial(0, {"learning_rate": 1e-3}, 0.8),
        ...                     Trial(1, {"learning_rate": 1e-2}, 0.9)])
        >>> ax = table.plot_scores(Figure().add_subplot(), "learning_rate", space)
        >>> ax.get_xscale()
        'log'
        """
        missing = [t.index for t in self.trials if name not in t.config]
        if missing:
            known = sorted(self.trials[0].config) if self.trials else []
            raise KeyError(f"{name!r} is not in the configs of trials {missing[:5]}; "
                           f"they have {known}")
        ok = self.succeeded
        dim = check_space(space).get(name) if space is not None else None
        values = [t.config[name] for t in ok]
        x = dim.plot_coordinates(values) if dim is not None else np.asarray(values, float)
        y = [t.score for t in ok]
        ax.scatter(x, y, **{"s": 18, "alpha": 0.7, **scatter_kwargs})
        if ok:
            best = self.best()
            bx = dim.plot_coordinates([best.config[name]]) if dim is not None else [
                best.config[name]]
            ax.scatter(bx, [best.score], marker="*", s=160, color="tab:red",
                       zorder=3, label="best")
        if dim is not None:
            dim.set_axis_scale(ax, "x")
        ax.set_xlabel(name)
        ax.set_ylabel("score")
        return ax

    def best_so_far(self) -> np.ndarray:
        """Running best score in config order (NaN until the first success)."""
        out, best = [], math.nan
        for t in self.trials:
            if t.ok and (math.isnan(best) or (t.score > best if self.maximize
                                              else t.score < best)):
                best = t.score
            out.append(best)
        return np.array(out)

    def plot_best_so_far(self, ax, label: str | None = None, **plot_kwargs):
        """Best score so far against the number of trials run (a step line).

        >>> from matplotlib.figure import Figure
        >>> table = TrialTable([Trial(0, {}, 0.5), Trial(1, {}, 0.4), Trial(2, {}, 0.7)])
        >>> table.best_so_far().tolist()
        [0.5, 0.5, 0.7]
        >>> ax = table.plot_best_so_far(Figure().add_subplot())
        """
        n = np.arange(1, len(self) + 1)
        ax.plot(n, self.scores, ".", color="0.6", alpha=0.6)
        ax.step(n, self.best_so_far(), where="post", label=label, **plot_kwargs)
        ax.set_xlabel("trials run")
        ax.set_ylabel("best score so far" if self.maximize else "lowest score so far")
        return ax

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
