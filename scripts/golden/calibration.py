#!/usr/bin/python3
"""Golden reference values for src/calibration/ (isotonic regression, temperature scaling).

Regenerate from the repository root with Debian's Python (scikit-learn 1.2.1, scipy):

    /usr/bin/python3 scripts/golden/calibration.py

It writes test/golden/calibration.json. Isotonic: sklearn's IsotonicRegression(out_of_bounds='clip')
fitted on seeded data with ties and weights, predicted on a grid that also lies outside the
fitted range. Temperature: the log loss of softmax(log p / T) (single-label) or sigmoid(logit p / T)
(multilabel), minimised over T with scipy's bounded scalar minimiser, probabilities clipped at 1e-7
like the TypeScript side.
"""

import json
import os

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_softmax
from sklearn.isotonic import IsotonicRegression

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "golden", "calibration.json")
EPS = 1e-7


def f32(a):
    return [float(x) for x in np.asarray(a, dtype=np.float32).ravel()]


def isotonic_case(name, rng, n, weighted, ties):
    x = rng.random(n).astype(np.float32)
    if ties:
        x = np.round(x * 20).astype(np.float32) / 20
    y = (rng.random(n) < x ** 1.5).astype(np.float64)
    w = rng.random(n) * 2 + 0.1 if weighted else None
    ir = IsotonicRegression(out_of_bounds="clip").fit(x.astype(np.float64), y, sample_weight=w)
    grid = np.concatenate([[-0.5, 0.0], np.linspace(0, 1, 41), [1.0, 1.5], x[:10].astype(np.float64)])
    return {
        "name": name,
        "x": f32(x),
        "y": y.tolist(),
        "weights": None if w is None else w.tolist(),
        "grid": grid.tolist(),
        "predicted": ir.predict(grid).tolist(),
        "breakpoints_x": ir.X_thresholds_.tolist(),
        "breakpoints_y": ir.y_thresholds_.tolist(),
    }


def softmax_nll(z, y, beta):
    return float(-np.mean(log_softmax(beta * z, axis=1)[np.arange(len(y)), y]))


def sigmoid_nll(z, y, beta):
    s = beta * z
    return float(np.mean(np.where(y == 1, np.logaddexp(0, -s), np.logaddexp(0, s))))


def temperature_case(name, rng, n, K, kind, sharpness):
    logits_true = rng.normal(size=(n, K)) * 2
    if kind == "softmax":
        y = np.array([rng.choice(K, p=np.exp(r) / np.exp(r).sum()) for r in logits_true])
        p = np.exp(logits_true * sharpness)
        p = (p / p.sum(axis=1, keepdims=True)).astype(np.float32)
        z = np.log(np.clip(p.astype(np.float64), EPS, 1 - EPS))
        f = lambda u: softmax_nll(z, y, np.exp(u))
        yy = y.tolist()
    else:
        y = (rng.random((n, K)) < expit(logits_true)).astype(np.int64)
        p = expit(logits_true * sharpness).astype(np.float32)
        pc = np.clip(p.astype(np.float64), EPS, 1 - EPS)
        z = np.log(pc / (1 - pc))
        f = lambda u: sigmoid_nll(z, y, np.exp(u))
        yy = y.ravel().tolist()
    res = minimize_scalar(f, bounds=(-7, 7), method="bounded", options={"xatol": 1e-10})
    return {
        "name": name,
        "kind": kind,
        "n": n,
        "K": K,
        "proba": f32(p),
        "y": yy,
        "temperature": float(1 / np.exp(res.x)),
        "nll_before": f(0.0),
        "nll_after": float(res.fun),
    }


def main():
    rng = np.random.default_rng(20261124)
    out = {
        "isotonic": [
            isotonic_case("plain", rng, 200, False, False),
            isotonic_case("ties", rng, 300, False, True),
            isotonic_case("weighted-ties", rng, 250, True, True),
        ],
        "temperature": [
            temperature_case("overconfident-softmax", rng, 400, 4, "softmax", 3.0),
            temperature_case("underconfident-softmax", rng, 400, 3, "softmax", 0.4),
            temperature_case("binary-softmax", rng, 300, 2, "softmax", 2.0),
            temperature_case("overconfident-sigmoid", rng, 200, 5, "sigmoid", 2.5),
        ],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(out, fh)
        fh.write("\n")


if __name__ == "__main__":
    main()
