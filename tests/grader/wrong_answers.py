"""Typical wrong answers to the five assignments.

For each assignment, ``WRONG[name]`` maps a case to (function, answer cell code, a fragment
of the name of a check it must fail, a fragment of that check's misconception message).
The code replaces one answer cell of an otherwise correct notebook (the source's answers).
Most cases come from one skeleton per function whose arguments default to the right code,
so each case differs from a correct answer only where its mistake is. ``CALLS_COURSE[name]``
holds answers that only call course's own implementation, and ``DEPENDS`` the answers that
call another answer (a wrong one can cost both).
"""


def _count(term="a * b + b", start="0"):
    return f'''
def count_parameters(layer_dims):
    total = {start}
    for a, b in zip(layer_dims[:-1], layer_dims[1:]):
        total += {term}
    return total
'''


def _split(sizes="round(dev_fraction * m), round(test_fraction * m)",
           order="rng.permutation(m)",
           parts="order[:n_dev], order[n_dev:n_dev + n_test], order[n_dev + n_test:]"):
    return f'''
def split_train_dev_test(X, y, dev_fraction, test_fraction, rng):
    m = len(X)
    n_dev, n_test = {sizes}
    order = {order}
    dev, test, train = {parts}
    return X[train], y[train], X[dev], y[dev], X[test], y[test]
'''


def _choose(pick="min(pairs)[1]", keep="math.isfinite(c)",
            nothing='raise ValueError("all runs diverged")'):
    return f'''
def best_learning_rate(learning_rates, dev_costs):
    pairs = [(c, r) for r, c in zip(learning_rates, dev_costs) if {keep}]
    if not pairs:
        {nothing}
    return {pick}
'''


def _optimism(dev_cols="dev", test_cols="test", ks="range(1, len(correct) + 1)",
              pick="int(np.argmax(dev_acc[:k]))", gap="test_acc[:k].max() - test_acc[chosen]",
              mean="mean"):
    return f'''
def selection_optimism(correct, dev, test):
    correct = np.asarray(correct, dtype=float)
    dev_acc = correct[:, {dev_cols}].{mean}(axis=1)
    test_acc = correct[:, {test_cols}].{mean}(axis=1)
    gaps = []
    for k in {ks}:
        chosen = {pick}
        gaps.append({gap})
    return np.array(gaps)
'''


def _grid(log_axis="np.geomspace(low, high, k)", linear_axis="np.linspace(low, high, k)",
          combine="itertools.product(*axes)"):
    return f'''
def grid_configs(space, points_per_axis):
    names, axes, k = list(space), [], points_per_axis
    for name in names:
        low, high, scale = space[name]
        axes.append({log_axis} if scale == "log" else {linear_axis})
    return [dict(zip(names, values)) for values in {combine}]
'''


def _random(log_values="10 ** rng.uniform(np.log10(low), np.log10(high), size=n)",
            linear_values="rng.uniform(low, high, size=n)"):
    return f'''
def random_configs(space, n, rng):
    configs = [{{}} for _ in range(n)]
    for name, (low, high, scale) in space.items():
        values = {log_values} if scale == "log" else {linear_values}
        for config, value in zip(configs, values):
            config[name] = float(value)
    return configs
'''


def _zoom(pool="trials", region="region", sampled="region", winners="trials"):
    return f'''
def coarse_to_fine(objective, space, n_per_round, rounds, keep, rng):
    region, regions, trials, last = dict(space), [], [], []
    for r in range(rounds):
        if r > 0:
            best = sorted({pool}, key=lambda t: t[1])[:keep]
            region = {{n: (min(c[n] for c, _ in best), max(c[n] for c, _ in best), s)
                      for n, (_, _, s) in space.items()}}
        regions.append({region})
        last = [(c, objective(c)) for c in random_configs({sampled}, n_per_round, rng)]
        trials += last
    best = min({winners}, key=lambda t: t[1])
    return best[0], best[1], regions
'''


def _next(log='scale == "log"', order="sorted(zip(scores, values), reverse=True)", count="keep",
          pad="margin * width", at_low="new_low = bottom - width",
          at_high="new_high = top + width"):
    return f'''
def next_range(values, scores, low, high, scale, keep, margin):
    log = {log}
    own = (lambda x: math.log10(x)) if log else (lambda x: x)
    ranked = {order}
    kept = [own(value) for _, value in ranked[:{count}]]
    best, bottom, top = own(ranked[0][1]), own(low), own(high)
    width = top - bottom
    new_low, new_high = min(kept) - {pad}, max(kept) + {pad}
    if best - bottom < margin * width:
        {at_low}
    if top - best < margin * width:
        {at_high}
    return (10.0 ** new_low, 10.0 ** new_high) if log else (new_low, new_high)
'''


def _forward(var="z.var(axis=0)", scale="np.sqrt(var + eps)", mu="z.mean(axis=0)",
             out="gamma * z_hat + beta"):
    return f'''
def batchnorm_forward(z, gamma, beta, eps=1e-5):
    mu = {mu}
    var = {var}
    z_hat = (z - mu) / {scale}
    return {out}, (z_hat, gamma, 1 / np.sqrt(var + eps))
'''


def _backward(dz="inv_std / m * (m * g - g.sum(axis=0) - z_hat * (g * z_hat).sum(axis=0))",
              dgamma="(dout * z_hat).sum(axis=0)", dbeta="dout.sum(axis=0)"):
    return f'''
def batchnorm_backward(dout, cache):
    z_hat, gamma, inv_std = cache
    m = dout.shape[0]
    g = dout * gamma
    return {dz}, {dgamma}, {dbeta}
'''


def _momentum(body="return max_start_weight ** (1 / num_steps)"):
    return f'''
def choose_running_momentum(num_steps, max_start_weight):
    {body}
'''


_RULE_OF_THUMB = "window = num_steps / np.log(1 / max_start_weight)\n    return "


_LOWEST = "min([start_cost] + [c for c in earlier if math.isfinite(c)])"
_BLOWUP = "cost > lowest(costs[:-1]) + 0.25 * start_cost"
_SAME_RATE = "all(r == rate for r in rates[-patience:])"
_BEATEN = "min(costs[-patience:]) >= 0.99 * lowest(costs[:-patience])"


def _panda(lowest=_LOWEST, blowup=f"not math.isfinite(cost) or {_BLOWUP}",
           never_cut="all(b >= a for a, b in zip(rates[:-1], rates[1:]))",
           never_rose="all(b <= a for a, b in zip(costs[:-1], costs[1:]))",
           creeping="len(costs) >= 2 and cost > 0.9 * costs[-2]", near="cost > 0.9 * start_cost",
           plateau=f"len(costs) > patience and {_SAME_RATE} and {_BEATEN}",
           up="rate * factor", down="rate / factor", plateau_first=False):
    tests = [("creeping", up), ("plateau", down)]
    first, second = tests[::-1] if plateau_first else tests
    return f'''
def adjust_learning_rate(costs, rates, start_cost, patience, factor):
    cost, rate = costs[-1], rates[-1]

    def lowest(earlier):
        return {lowest}

    if {blowup}:
        return {down}
    creeping = {never_cut} and {never_rose} and {creeping} and {near}
    plateau = {plateau}
    if {first[0]}:
        return {first[1]}
    if {second[0]}:
        return {second[1]}
    return rate
'''


def _halving(rank="", keep="max(1, len(survivors) // eta)", grow="budget * eta",
             trained="survivors"):
    return f'''
def successive_halving(configs, train, min_budget, eta):
    survivors, budget, rungs = list(range(len(configs))), min_budget, []
    while True:
        losses = {{i: train(configs[i], budget) for i in {trained}}}
        losses = [losses[i] for i in survivors]
        rungs.append(dict(budget=budget, evaluated=list(survivors), losses=losses))
        if len(survivors) == 1:
            return configs[survivors[0]], rungs
        ranked = sorted(zip(losses, survivors){rank})
        survivors = sorted(i for _, i in ranked[:{keep}])
        budget = {grow}
'''


def _parallel(collect="futures", keep_failed="results.append(None)"):
    return f'''
from concurrent.futures import as_completed

def run_in_parallel(objective, configs, executor):
    futures = [executor.submit(objective, config) for config in configs]
    results = []
    for future in {collect}:
        try:
            results.append(future.result())
        except Exception:
            {keep_failed}
    return results
'''


PARAMETERS = {
    "weights_only": ("count_parameters", _count(term="a * b"),
                     "one hidden layer", "only the weights"),
    "bias_per_input": ("count_parameters", _count(term="a * b + a"),
                       "one hidden layer", "not one per input"),
    "input_layer_bias": ("count_parameters", _count(start="layer_dims[0]"),
                         "deep networks", "input layer has no bias"),
    "two_layers_hardcoded": ("count_parameters", '''
def count_parameters(layer_dims):
    n0, n1, n2 = layer_dims[0], layer_dims[1], layer_dims[-1]
    return n0 * n1 + n1 + n1 * n2 + n2
''', "deep networks", "not the number of entries"),
    "split_int_truncates": ("split_train_dev_test",
                            _split(sizes="int(dev_fraction * m), int(test_fraction * m)"),
                            "round(fraction", "int() cuts"),
    "split_with_replacement": ("split_train_dev_test", _split(order="rng.integers(0, m, size=m)"),
                               "exactly one part", "without replacement"),
    "split_overlapping": ("split_train_dev_test",
                          _split(parts="order[:n_dev], order[:n_test], order[n_test:]"),
                          "exactly one part", "share rows"),
    "split_global_rng": ("split_train_dev_test", _split(order="np.random.permutation(m)"),
                         "rows shuffled", "global"),
    "split_not_shuffled": ("split_train_dev_test", _split(order="np.arange(m)[::-1]"),
                           "rows shuffled", "consecutive blocks"),
    "split_labels_misaligned": ("split_train_dev_test", '''
def split_train_dev_test(X, y, dev_fraction, test_fraction, rng):
    m = len(X)
    n_dev, n_test = round(dev_fraction * m), round(test_fraction * m)
    X, y = X[rng.permutation(m)], y[rng.permutation(m)]
    return (X[n_dev + n_test:], y[n_dev + n_test:], X[:n_dev], y[:n_dev],
            X[n_dev:n_dev + n_test], y[n_dev:n_dev + n_test])
''', "keeps its label", "same permutation"),
    "split_in_place": ("split_train_dev_test", '''
def split_train_dev_test(X, y, dev_fraction, test_fraction, rng):
    m = len(X)
    n_dev, n_test = round(dev_fraction * m), round(test_fraction * m)
    state = rng.bit_generator.state
    rng.shuffle(X)
    rng.bit_generator.state = state
    rng.shuffle(y)
    return (X[n_dev + n_test:], y[n_dev + n_test:], X[:n_dev], y[:n_dev],
            X[n_dev:n_dev + n_test], y[n_dev:n_dev + n_test])
''', "rows shuffled", "in-place"),
    "rate_argmin_nan": ("best_learning_rate", '''
def best_learning_rate(learning_rates, dev_costs):
    costs = np.asarray(dev_costs, dtype=float)
    if not np.any(np.isfinite(costs)):
        raise ValueError("all runs diverged")
    return learning_rates[int(np.argmin(costs))]
''', "diverged run (nan", "np.argmin"),
    "rate_nanargmin_inf": ("best_learning_rate", '''
def best_learning_rate(learning_rates, dev_costs):
    return learning_rates[int(np.nanargmin(dev_costs))]
''', "raises ValueError", "raise ValueError"),
    "rate_returns_cost": ("best_learning_rate", _choose(pick="min(pairs)[0]"),
                          "lowest dev cost", "returned the cost"),
    "rate_highest": ("best_learning_rate", _choose(pick="max(pairs)[1]"),
                     "lowest dev cost", "highest dev cost"),
    "rate_returns_none": ("best_learning_rate", _choose(nothing="return None"),
                          "raises ValueError", "raise ValueError"),
    "optimism_best_test_only": ("selection_optimism", _optimism(gap="test_acc[:k].max()"),
                                "random accuracy", "best test accuracy itself"),
    "optimism_dev_accuracy_reported": ("selection_optimism",
                                       _optimism(gap="test_acc[:k].max() - dev_acc[chosen]"),
                                       "random accuracy", "dev-chosen model's dev accuracy"),
    "optimism_all_examples": ("selection_optimism", _optimism(test_cols=":"),
                              "random accuracy", "on all the examples"),
    "optimism_rest_as_test": ("selection_optimism", _optimism(
        test_cols="np.setdiff1d(np.arange(correct.shape[1]), dev)"),
        "random accuracy", "not in dev as the test set"),
    "optimism_misses_last_k": ("selection_optimism", _optimism(ks="range(1, len(correct))"),
                               "random accuracy", "for every k from 1"),
    "optimism_k_plus_one_models": ("selection_optimism", _optimism(
        pick="int(np.argmax(dev_acc[:k + 1]))", gap="test_acc[:k + 1].max() - test_acc[chosen]"),
        "random accuracy", "uses k + 1 models"),
    "optimism_dev_choice_over_all": ("selection_optimism",
                                     _optimism(pick="int(np.argmax(dev_acc))"),
                                     "random accuracy", "dev choice looked at all K models"),
    "optimism_last_of_ties": ("selection_optimism",
                              _optimism(pick="max(range(k), key=lambda i: (dev_acc[i], i))"),
                              "tie on dev accuracy", "tried first"),
    "optimism_tie_by_test": ("selection_optimism", _optimism(
        pick="max((i for i in range(k) if dev_acc[i] == dev_acc[:k].max()), "
             "key=lambda i: test_acc[i])"),
        "tie on dev accuracy", "with the test accuracy"),
    "optimism_sign_flipped": ("selection_optimism",
                              _optimism(gap="test_acc[chosen] - test_acc[:k].max()"),
                              "random accuracy", "other way round"),
    "optimism_dev_test_swapped": ("selection_optimism", _optimism(
        pick="int(np.argmax(test_acc[:k]))", gap="dev_acc[:k].max() - dev_acc[chosen]"),
        "random accuracy", "swapped dev and test"),
    "optimism_counts": ("selection_optimism", _optimism(mean="sum"),
                        "random accuracy", "numbers of examples"),
    "optimism_dev_overstates_test": ("selection_optimism",
                                     _optimism(gap="dev_acc[chosen] - test_acc[chosen]"),
                                     "random accuracy", "dev accuracy is above its test"),
}

LOG_RANGE = "np.log10(low), np.log10(high)"
SEARCH = {
    "grid_zip": ("grid_configs", _grid(combine="zip(*axes)"),
                 "one config per combination", "zip"),
    "grid_no_endpoint": ("grid_configs", _grid(
        log_axis=f"10 ** np.linspace({LOG_RANGE}, k, endpoint=False)",
        linear_axis="np.linspace(low, high, k, endpoint=False)"),
        "linear axes: evenly", "leaves out the high end"),
    "grid_linear_on_log": ("grid_configs", _grid(log_axis="np.linspace(low, high, k)"),
                           "log axes: evenly spaced", "evenly spaced in log10, not in the value"),
    "grid_cell_centres": ("grid_configs", _grid(
        log_axis="10 ** (np.log10(low) + (np.arange(k) + 0.5) / k * np.log10(high / low))",
        linear_axis="low + (np.arange(k) + 0.5) / k * (high - low)"),
        "log axes: evenly spaced", "middle of k equal cells"),
    "random_uniform_in_alpha": ("random_configs",
                                _random(log_values="rng.uniform(low, high, size=n)"),
                                "log axes: uniform in log10", "not in log10"),
    "random_ln": ("random_configs",
                  _random(log_values="10 ** rng.uniform(np.log(low), np.log(high), size=n)"),
                  "inside the bounds", "outside"),
    "random_exponent": ("random_configs", _random(log_values=f"rng.uniform({LOG_RANGE}, size=n)"),
                        "inside the bounds", "not the exponent"),
    "random_global": ("random_configs", _random(
        log_values=f"10 ** np.random.uniform({LOG_RANGE}, size=n)",
        linear_values="np.random.uniform(low, high, size=n)"), "drawn from rng", "global"),
    "random_short_range": ("random_configs", _random(
        log_values="10 ** rng.uniform(np.log10(low), np.log10(low) + 0.95 * np.log10(high / low), "
                   "size=n)"),
        "log axes: uniform", "range"),
    "random_shared_number": ("random_configs", '''
def random_configs(space, n, rng):
    configs = []
    for _ in range(n):
        u = rng.random()
        config = {}
        for name, (low, high, scale) in space.items():
            if scale == "log":
                config[name] = 10 ** (np.log10(low) + u * (np.log10(high) - np.log10(low)))
            else:
                config[name] = low + u * (high - low)
        configs.append(config)
    return configs
''', "each axis independently", "rise and fall together"),
    "distinct_counts_configs": ("distinct_values", '''
def distinct_values(configs, name):
    return len([config[name] for config in configs])
''', "counts each repeated value once", "counted the configs"),
    "distinct_rounded": ("distinct_values", '''
def distinct_values(configs, name):
    return len({round(config[name], 4) for config in configs})
''', "later digits", "rounded"),
    "distinct_once_only": ("distinct_values", '''
def distinct_values(configs, name):
    from collections import Counter
    counts = Counter(config[name] for config in configs)
    return sum(1 for c in counts.values() if c == 1)
''', "counts each repeated value once", "exactly once"),
    "c2f_never_narrows": ("coarse_to_fine", _zoom(region="dict(space)", sampled="space"),
                          "spans the keep best", "never shrink"),
    "c2f_last_round_only": ("coarse_to_fine", _zoom(pool="last"),
                            "spans the keep best", "last round only"),
    "c2f_linear_in_later_rounds": ("coarse_to_fine", _zoom(
        sampled='{n: (lo, hi, "linear" if r else s) for n, (lo, hi, s) in region.items()}'),
        "later rounds sample", "not in log10"),
    "c2f_best_of_last_round": ("coarse_to_fine", _zoom(winners="last"),
                               "best of all rounds", "last round"),
    "c2f_reevaluates": ("coarse_to_fine", '''
def coarse_to_fine(objective, space, n_per_round, rounds, keep, rng):
    region, regions, kept = dict(space), [], []
    best_all = None
    for r in range(rounds):
        if r > 0:
            region = {n: (min(c[n] for c in kept), max(c[n] for c in kept), s)
                      for n, (_, _, s) in space.items()}
        regions.append(region)
        trials = [(c, objective(c)) for c in kept + random_configs(region, n_per_round, rng)]
        trials.sort(key=lambda t: t[1])
        kept = [c for c, _ in trials[:keep]]
        if best_all is None or trials[0][1] < best_all[1]:
            best_all = trials[0]
    return best_all[0], best_all[1], regions
''', "each evaluated once", "again"),
    "next_no_margin": ("next_range", _next(pad="0", at_low="pass", at_high="pass"),
                       "best inside, linear axis", "just the span of the kept values"),
    "next_margin_in_value": ("next_range", _next(log="False"),
                             "best inside, log axis", "in decades"),
    "next_never_widens": ("next_range", _next(at_low="pass", at_high="pass"),
                          "low border", "only pads the kept values"),
    "next_wrong_side": ("next_range", _next(at_low="new_high = top + width",
                                            at_high="new_low = bottom - width"),
                        "high border", "you widened past low"),
    "next_single_best": ("next_range", _next(count="1"),
                         "best inside, linear axis", "single best value"),
    "next_lowest_scores": ("next_range", _next(order="sorted(zip(scores, values))"),
                           "best inside, log axis", "lowest scores"),
    "next_margin_of_kept": ("next_range", _next(pad="margin * (max(kept) - min(kept))"),
                            "best inside, linear axis", "width of the kept values"),
    "next_stops_at_border": ("next_range", _next(at_low="new_low = bottom",
                                                 at_high="new_high = top"),
                             "high border", "stops at high"),
    "next_margin_fixed": ("next_range", '''
def next_range(values, scores, low, high, scale, keep, margin):
    margin = 0.1  # the lesson's margin
    own = np.log10 if scale == "log" else np.asarray
    ranked = sorted(zip(scores, values), reverse=True)
    kept = own(np.array([value for _, value in ranked[:keep]]))
    best, bottom, top = own(ranked[0][1]), own(low), own(high)
    width = top - bottom
    new_low, new_high = kept.min() - margin * width, kept.max() + margin * width
    if best - bottom < margin * width:
        new_low = bottom - width
    if top - best < margin * width:
        new_high = top + width
    return (10.0 ** new_low, 10.0 ** new_high) if scale == "log" else (new_low, new_high)
''', "best inside, linear axis", "margin of 0.1"),
}

BATCH_NORM = {
    "forward_unbiased": ("batchnorm_forward", _forward(var="z.var(axis=0, ddof=1)"),
                         "normalises each feature", "m - 1"),
    "forward_no_eps": ("batchnorm_forward", _forward(scale="np.sqrt(var)"),
                       "never varies", "eps"),
    "forward_eps_outside": ("batchnorm_forward", _forward(scale="(np.sqrt(var) + eps)"),
                            "barely varies", "inside the square root"),
    "forward_over_features": ("batchnorm_forward", _forward(
        mu="z.mean(axis=1, keepdims=True)", var="z.var(axis=1, keepdims=True)"),
        "normalises each feature", "across its features"),
    "forward_no_gamma_beta": ("batchnorm_forward", _forward(out="z_hat"),
                              "normalises each feature", "without scaling"),
    # Forward and backward both divide by m - 1: consistent with each other, wrong for both.
    "backward_unbiased": ("batchnorm_backward", _forward(var="z.var(axis=0, ddof=1)") + _backward(
        dz="inv_std * (g - g.mean(axis=0) - z_hat * (g * z_hat).sum(axis=0) / (m - 1))"),
        "dz matches", "m - 1"),
    "backward_dgamma_wrong": ("batchnorm_backward", _backward(dgamma="dout.sum(axis=0)"),
                              "dgamma", "left out z_hat"),
    "backward_constant_stats": ("batchnorm_backward", _backward(dz="g * inv_std"),
                                "dz matches", "constants"),
    "backward_dbeta_mean": ("batchnorm_backward", _backward(dbeta="dout.mean(axis=0)"),
                            "dbeta", "not its mean"),
    "running_flipped": ("update_running_stats", '''
def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
    return ((1 - momentum) * running_mean + momentum * batch_mean,
            (1 - momentum) * running_var + momentum * batch_var)
''', "running mean", "other way round"),
    "running_swapped": ("update_running_stats", '''
def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
    return (momentum * running_var + (1 - momentum) * batch_var,
            momentum * running_mean + (1 - momentum) * batch_mean)
''', "running mean", "swapped"),
    "inference_batch_stats": ("batchnorm_inference", '''
def batchnorm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + eps) + beta
''', "running averages", "batch's own mean"),
    "inference_no_sqrt": ("batchnorm_inference", '''
def batchnorm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (z - running_mean) / (running_var + eps) + beta
''', "running averages", "sqrt(running_var + eps)"),
    "momentum_window_is_run": ("choose_running_momentum", _momentum("return 1 - 1 / num_steps"),
                               "fits the length", "as long as the whole run"),
    "momentum_weights_swapped": ("choose_running_momentum", _momentum(
        "return 1 - max_start_weight ** (1 / num_steps)"), "fits the length",
        "not 1 - momentum"),
    "momentum_rule_of_thumb": ("choose_running_momentum", _momentum(
        _RULE_OF_THUMB + "1 - 1 / window"), "largest momentum", "rule of thumb"),
    "momentum_one_over_window": ("choose_running_momentum", _momentum(
        _RULE_OF_THUMB + "1 / window"), "fits the length", "not 1 / momentum"),
    "momentum_off_by_one": ("choose_running_momentum", _momentum(
        "return max_start_weight ** (1 / (num_steps + 1))"), "largest momentum", "off by one"),
    "momentum_mixed_logs": ("choose_running_momentum", _momentum(
        "return np.exp(np.log10(max_start_weight) / num_steps)"), "fits the length", "log10"),
}

_BEST_OF_K = "sum(s[i - 1] * math.comb(i - 1, k - 1) for i in range(k, n + 1)) / math.comb(n, k)"


def _choose(k="budget // full_epochs", order="sorted(scores)", best=_BEST_OF_K, one_run="k < 2",
            versus="best", parallel="slots >= k"):
    return f'''
def choose_approach(scores, panda_score, slots, budget, full_epochs):
    k = {k}
    s = {order}
    n = len(s)
    best = {best}
    if {one_run} or {versus} < panda_score:
        return "panda", best
    return ("caviar" if {parallel} else "halving"), best
'''


PANDAS = {
    "adjust_old_convention": ("adjust_learning_rate", _panda(down="rate * factor"),
                              "blow-up", "multiplied the rate by factor"),
    "adjust_ratio": ("adjust_learning_rate", _panda(
        blowup="not math.isfinite(cost) or cost > 1.25 * lowest(costs[:-1])"),
        "blow-up", "a quarter of the lowest cost"),
    "adjust_earlier_only": ("adjust_learning_rate", _panda(
        blowup="not math.isfinite(cost) or cost > min([c for c in costs[:-1] if "
               "math.isfinite(c)], default=math.inf) + 0.25 * start_cost"),
        "blow-up", "first epoch far above the starting cost"),
    "adjust_ignores_nan": ("adjust_learning_rate", _panda(blowup=_BLOWUP),
                           "blow-up", "NaN compares False"),
    "adjust_rise_not_scaled": ("adjust_learning_rate", _panda(
        blowup="not math.isfinite(cost) or cost > lowest(costs[:-1]) + 0.25"),
        "blow-up", "passed 0.25"),
    "adjust_third": ("adjust_learning_rate", _panda(
        blowup="not math.isfinite(cost) or cost > lowest(costs[:-1]) + start_cost / 3"),
        "blow-up", "a third of the starting cost"),
    "adjust_vs_previous": ("adjust_learning_rate", _panda(
        blowup="not math.isfinite(cost) or cost > (costs[-2] if len(costs) > 1 else "
               "start_cost) + 0.25 * start_cost"),
        "blow-up", "from the epoch before"),
    "adjust_nan_min": ("adjust_learning_rate", _panda(lowest="min(list(earlier) + [start_cost])"),
                       "blow-up", "made your lowest cost NaN"),
    "adjust_nan_np_min": ("adjust_learning_rate",
                          _panda(lowest="float(np.min(list(earlier) + [start_cost]))"),
                          "without a new low", "made your lowest cost NaN"),
    "adjust_creeps_after_cut": ("adjust_learning_rate", _panda(never_cut="True"),
                                "creeping", "after it had been cut"),
    "adjust_creep_stops_at_raise": ("adjust_learning_rate", _panda(
        never_cut="all(b == a for a, b in zip(rates[:-1], rates[1:]))"),
        "creeping", "once the rate had been raised"),
    "adjust_creeps_after_rise": ("adjust_learning_rate", _panda(never_rose="True"),
                                 "creeping", "after the cost had risen"),
    "adjust_creeps_far_from_start": ("adjust_learning_rate", _panda(near="True"),
                                     "creeping", "long after the cost left the start"),
    "adjust_creeps_from_one_epoch": ("adjust_learning_rate", _panda(
        creeping="cost > 0.9 * (costs[-2] if len(costs) > 1 else start_cost)"),
        "creeping", "single epoch"),
    "adjust_creeping_divides": ("adjust_learning_rate", _panda(up="rate / factor"),
                                "creeping", "lowered the rate"),
    "adjust_plateau_first": ("adjust_learning_rate", _panda(plateau_first=True),
                             "creeping", "judged a plateau before creeping"),
    "adjust_plateau_after_change": ("adjust_learning_rate", _panda(
        plateau=f"len(costs) > patience and {_BEATEN}"),
        "keeps the rate until", "older rate"),
    "adjust_no_margin": ("adjust_learning_rate", _panda(plateau=(
        f"len(costs) > patience and {_SAME_RATE} and "
        "min(costs[-patience:]) >= lowest(costs[:-patience])")),
        "without a new low", "less than 1%"),
    "adjust_strict": ("adjust_learning_rate", _panda(plateau=(
        f"len(costs) > patience and {_SAME_RATE} and "
        "min(costs[-patience:]) > lowest(costs[:-patience])")),
        "without a new low", "matching the old best"),
    "adjust_absolute_margin": ("adjust_learning_rate", _panda(plateau=(
        f"len(costs) > patience and {_SAME_RATE} and "
        "min(costs[-patience:]) >= lowest(costs[:-patience]) - 0.01")),
        "keeps the rate until", "0.01 below the old best"),
    "adjust_last_two": ("adjust_learning_rate", _panda(
        plateau=f"len(costs) > patience and {_SAME_RATE} and cost >= 0.99 * costs[-2]"),
        "without a new low", "only the last two costs"),
    "adjust_off_by_one": ("adjust_learning_rate", _panda(
        plateau=f"len(costs) >= patience and {_SAME_RATE} and {_BEATEN}"),
        "keeps the rate until", "exactly patience epochs"),
    "halving_no_floor": ("successive_halving", _halving(keep="len(survivors) // eta"),
                         "max(1, n // eta)", "max(1"),
    "halving_ties_high": ("successive_halving", _halving(rank=", key=lambda t: (t[0], -t[1])"),
                          "ties go to the lower index", "higher index"),
    "halving_budget_fixed": ("successive_halving", _halving(grow="budget"),
                             "multiplied by eta", "never grows"),
    "halving_keeps_worst": ("successive_halving", _halving(rank=", reverse=True"),
                            "keeps the lowest losses", "highest losses"),
    "halving_reevaluates_all": ("successive_halving", _halving(trained="range(len(configs))"),
                                "trains each survivor once", "already dropped"),
    "parallel_serial": ("run_in_parallel", '''
def run_in_parallel(objective, configs, executor):
    results = []
    for config in configs:
        try:
            results.append(objective(config))
        except Exception:
            results.append(None)
    return results
''', "through the executor", "called the objective yourself"),
    "parallel_completion_order": ("run_in_parallel", _parallel(collect="as_completed(futures)"),
                                  "config order", "order the evaluations finished"),
    "parallel_exception_escapes": ("run_in_parallel", '''
def run_in_parallel(objective, configs, executor):
    return list(executor.map(objective, configs))
''', "gives None", "stopped the whole run"),
    "parallel_one_at_a_time": ("run_in_parallel", '''
def run_in_parallel(objective, configs, executor):
    results = []
    for config in configs:
        try:
            results.append(executor.submit(objective, config).result())
        except Exception:
            results.append(None)
    return results
''', "before any result is awaited", "waited for each result"),
    "parallel_drops_failures": ("run_in_parallel", _parallel(keep_failed="pass"),
                                "gives None", "dropped the failed"),
    "choose_mean": ("choose_approach", _choose(best="sum(s) / n"), "expected best of k",
                    "average past score"),
    "choose_k_slots": ("choose_approach", _choose(k="slots"), "expected best of k",
                       "slots only"),
    "choose_with_replacement": ("choose_approach", _choose(
        best="sum(v * ((i / n) ** k - ((i - 1) / n) ** k) for i, v in enumerate(s, 1))"),
        "expected best of k", "with replacement"),
    "choose_sorted_high_to_low": ("choose_approach", _choose(order="sorted(scores, reverse=True)"),
                                  "expected best of k", "expected worst"),
    "choose_no_one_run_rule": ("choose_approach", _choose(one_run="False"),
                               "only one full run fits", "only one full run"),
    "choose_two_runs_panda": ("choose_approach", _choose(one_run="k <= 2"),
                              "only one full run fits", "from 2 runs on"),
    "choose_compares_mean": ("choose_approach", _choose(versus="sum(s) / n"),
                             "below the panda's score", "not the mean"),
    "choose_strict_slots": ("choose_approach", _choose(parallel="slots > k"),
                            "halving otherwise", "slots == k"),
    "choose_never_halving": ("choose_approach", _choose(parallel="True"),
                             "halving otherwise", "successive halving"),
}

def _sampler(function="sample_log_uniform", draw="rng.uniform(a, b, size)",
             ends="np.log10(low), np.log10(high)", back="10.0 ** r"):
    return f'''
def {function}(low, high, size, rng):
    a, b = {ends}
    r = {draw}
    return {back}
'''


def _scales(near_one="(1 - low) / (1 - high) >= 10", near_one_scale='"one_minus_log"',
            wide="high / low >= 10"):
    return f'''
def choose_scales(ranges):
    scales = {{}}
    for name, (low, high) in ranges.items():
        if low >= 0.5 and high < 1 and {near_one}:
            scales[name] = {near_one_scale}
        elif {wide}:
            scales[name] = "log"
        else:
            scales[name] = "linear"
    return scales
'''


def _one_scale(scale):
    return f'''
def choose_scales(ranges):
    return {{name: "{scale}" for name in ranges}}
'''


_BETA_ENDS = "np.log10(1 - high), np.log10(1 - low)"
# sampling_scales' typical slips, as code (its checks' own tests call Python functions).
SAMPLING = {
    "linear": ("sample_log_uniform", _sampler(draw="rng.uniform(low, high, size)", back="r"),
               "uniform (Kolmogorov", "value itself"),
    "natural_log": ("sample_log_uniform", _sampler(ends="np.log(low), np.log(high)"),
                    "inside [low, high]", ""),
    "returns_exponent": ("sample_log_uniform", _sampler(back="r"), "inside [low, high]",
                         "return 10**r"),
    "global_rng": ("sample_log_uniform", _sampler(draw="np.random.uniform(a, b, size)"),
                   "same seed", ""),
    "range_short": ("sample_log_uniform", _sampler(draw="rng.uniform(a, a + 0.95 * (b - a), size)"),
                    "both ends", "cut short"),
    "high_short": ("sample_log_uniform", _sampler(back="np.minimum(10.0 ** r, 0.95 * high)"),
                   "both ends", ""),
    "too_few": ("sample_log_uniform", _sampler(draw="rng.uniform(a, b, 3)"),
                "inside [low, high]", "shape"),
    "beta_uniform": ("sample_momentum_beta",
                     _sampler("sample_momentum_beta", draw="rng.uniform(low, high, size)",
                              back="r"), "uniform (Kolmogorov", "far too rare"),
    "beta_log_of_beta": ("sample_momentum_beta", _sampler("sample_momentum_beta"),
                         "uniform (Kolmogorov", "far too rare"),
    "beta_returns_one_minus": ("sample_momentum_beta",
                               _sampler("sample_momentum_beta", ends=_BETA_ENDS),
                               "inside [low, high]", "1 - 10**r"),
    "window_one_over_beta": ("effective_window", '''
def effective_window(beta):
    return 1.0 / np.asarray(beta)
''', "element-wise", "1 / beta"),
    "window_mean": ("effective_window", '''
def effective_window(beta):
    return float(np.mean(1.0 / (1.0 - np.asarray(beta))))
''', "element-wise", "element-wise"),
    "grid_linear": ("log_spaced_grid", '''
def log_spaced_grid(low, high, num):
    return np.linspace(low, high, num)
''', "random ranges", "evenly spaced in value"),
    "grid_no_endpoint": ("log_spaced_grid", '''
def log_spaced_grid(low, high, num):
    return np.logspace(np.log10(low), np.log10(high), num, endpoint=False)
''', "random ranges", "stops before high"),
    "scales_all_log": ("choose_scales", _one_scale("log"), "narrow ranges",
                       'chose "log" for every hyperparameter'),
    "scales_all_linear": ("choose_scales", _one_scale("linear"), "factor of 10 or more",
                          'chose "linear" for every hyperparameter'),
    "scales_log_of_beta": ("choose_scales", _scales(near_one_scale='"log"'),
                           "values just below 1", "not x itself"),
    "scales_by_difference": ("choose_scales", _scales(wide="high - low >= 10"),
                             "factor of 10 or more", "follow the difference high - low"),
    "scales_by_name": ("choose_scales", '''
def choose_scales(ranges):
    scales = {}
    for name in ranges:
        if "beta" in name or "momentum" in name:
            scales[name] = "one_minus_log"
        elif "rate" in name or "lr" in name or "decay" in name:
            scales[name] = "log"
        else:
            scales[name] = "linear"
    return scales
''', "narrow ranges", "whatever its name suggests"),
    "scales_one_minus_whenever_near_one": ("choose_scales", _scales(near_one="True"),
                                           "narrow ranges", "1 - x only runs from"),
    "scales_hundredfold": ("choose_scales", _scales(near_one="(1 - low) / (1 - high) >= 100",
                                                    wide="high / low >= 100"),
                           "factor of 10 or more", "10 or more: sample it on a log scale"),
}

WRONG = {
    "sampling_scales": SAMPLING,
    "parameters_vs_hyperparameters": PARAMETERS,
    "search_strategies": SEARCH,
    "batch_norm": BATCH_NORM,
    "pandas_and_caviar": PANDAS,
}

# The lesson's package imports its widgets first; stand-ins let it load anyway.
_NO_WIDGETS = '''
import sys
import types

for missing in ("ipywidgets", "IPython", "IPython.display"):
    stub = types.ModuleType(missing)
    stub.__getattr__ = lambda name: type(name, (), {"__init__": lambda self, *a, **k: None})
    sys.modules.setdefault(missing, stub)
'''

# Answers that hand the work to course's own implementation (switched off while grading).
CALLS_COURSE = {
    "parameters_vs_hyperparameters": {
        "count_parameters": '''
from course.nn import FullyConnectedNet

def count_parameters(layer_dims):
    net = FullyConnectedNet(layer_dims[0], layer_dims[-1], hidden_dims=tuple(layer_dims[1:-1]))
    return net.num_parameters()
''',
        "split_train_dev_test": '''
from course.data import train_dev_test_split

def split_train_dev_test(X, y, dev_fraction, test_fraction, rng):
    return tuple(train_dev_test_split(X, y, dev_fraction, test_fraction, rng))
''',
    },
    "search_strategies": {
        "grid_configs": '''
from course.search import LogUniform, Uniform, grid_configs as library_grid

def grid_configs(space, points_per_axis):
    dims = {name: (LogUniform if scale == "log" else Uniform)(low, high)
            for name, (low, high, scale) in space.items()}
    return library_grid(dims, points_per_axis)
''',
        "random_configs": '''
from course.search import LogUniform, Uniform

def random_configs(space, n, rng):
    columns = {name: (LogUniform if scale == "log" else Uniform)(low, high).sample(rng, n)
               for name, (low, high, scale) in space.items()}
    return [{name: float(values[i]) for name, values in columns.items()} for i in range(n)]
''',
        "coarse_to_fine": '''
from course.search import LogUniform, Uniform
from course.search.coarse_to_fine import coarse_to_fine as library_search

def coarse_to_fine(objective, space, n_per_round, rounds, keep, rng):
    dims = {name: (LogUniform if scale == "log" else Uniform)(low, high)
            for name, (low, high, scale) in space.items()}
    result = library_search(objective, dims, n_per_round=n_per_round, rounds=rounds,
                            keep=keep, seed=int(rng.integers(2**31)), maximize=False,
                            progress=False)
    best = result.best()
    return best.config, best.score, result.regions
''',
        "next_range": '''
from course.search import LogUniform, Uniform

def next_range(values, scores, low, high, scale, keep, margin):
    kind = LogUniform if scale == "log" else Uniform
    own = (lambda x: math.log10(x)) if scale == "log" else (lambda x: x)
    back = (lambda t: 10.0 ** t) if scale == "log" else (lambda t: t)
    ranked = sorted(zip(scores, values), reverse=True)
    bottom, top = own(low), own(high)
    width = top - bottom
    roomy = kind(back(bottom - width), back(top + width))
    padded = kind(low, high).narrow([v for _, v in ranked[:keep]], margin, within=roomy)
    new_low, new_high = padded.low, padded.high
    best = own(ranked[0][1])
    if best - bottom < margin * width:
        new_low = back(bottom - width)
    if top - best < margin * width:
        new_high = back(top + width)
    return new_low, new_high
''',
    },
    "batch_norm": {
        "batchnorm_forward": '''
from course.nn import batchnorm_forward as library_forward

def batchnorm_forward(z, gamma, beta, eps=1e-5):
    return library_forward(z, gamma, beta, eps)
''',
        "batchnorm_backward": '''
from course.nn import DEFAULT_BATCHNORM

def batchnorm_backward(dout, cache):
    return DEFAULT_BATCHNORM.backward(dout, cache)
''',
        "update_running_stats": '''
import course.nn.batchnorm as library

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
    return library.update_running_stats(running_mean, running_var, batch_mean, batch_var,
                                        momentum)
''',
        "batchnorm_inference": '''
from course.nn import batchnorm_inference as library_inference

def batchnorm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5):
    return library_inference(z, gamma, beta, running_mean, running_var, eps)
''',
    },
    "pandas_and_caviar": {
        "adjust_learning_rate": _NO_WIDGETS + '''
from course.lessons.pandas_and_caviar.babysitter import PandaRule


def adjust_learning_rate(costs, rates, start_cost, patience, factor):
    verdict = PandaRule(factor=factor, patience=patience).verdict(costs, rates, start_cost)
    if verdict == "creeping":
        return rates[-1] * factor
    return rates[-1] / factor if verdict else rates[-1]
''',
        "successive_halving": '''
from course.search import successive_halving as library_halving

def successive_halving(configs, train, min_budget, eta):
    result = library_halving(train, configs, min_budget=min_budget,
                             max_budget=min_budget * eta ** 6, eta=eta, maximize=False,
                             progress=False)
    return result.best().config, result.table()
''',
        "run_in_parallel": '''
from course.search import run_trials

def run_in_parallel(objective, configs, executor):
    table = run_trials(objective, configs, executor=executor, progress=False)
    return [trial.score for trial in table]
''',
        "choose_approach": _NO_WIDGETS + '''
from course.lessons.pandas_and_caviar.caviar_runs import expected_best


def choose_approach(scores, panda_score, slots, budget, full_epochs):
    best = expected_best(scores, budget // full_epochs)
    return ("panda" if best < panda_score else "caviar"), best
''',
    },
}

# function -> the answers of the same assignment that call it.
DEPENDS = {
    "random_configs": ("coarse_to_fine",),
    "batchnorm_forward": ("batchnorm_backward",),
}
