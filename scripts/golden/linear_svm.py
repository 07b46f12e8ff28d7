#!/usr/bin/python3
"""Golden reference values for src/models/linear/svm.ts and src/models/linear/calibration.ts.

Regenerate (from the repository root) with Debian's Python, which ships scikit-learn 1.2.1:

    /usr/bin/python3 scripts/golden/linear_svm.py

It reads test/golden/tfidf-logreg.json (written by scripts/golden/tfidf_logreg.py) and writes
test/golden/linear-svm.json. No new text: the models are fitted on the float32-exact TF-IDF matrix
of that file's "bigram" case (its `logistic_features`), with its topic classes and multilabel flags,
so the TypeScript test reads the matrix from there and only the fitted values from here.
Deterministic (fixed data, random_state=0, converged solver), so re-running gives no diff.

Contents:
  * "svm": LinearSVC(C, loss, tol=1e-8, max_iter=100000, random_state=0[, class_weight]) fitted on
    the train matrix, for binary (tone, and the imbalanced weather-vs-rest for class_weight) and
    3-class (topic; one-vs-rest; tone as positive/negative/neither for class_weight) targets, squared hinge and hinge, with and without
    class_weight='balanced', one case with sample_weight. `coef` row-major (outputs x features, in
    sklearn's column order), `intercept`, `decision_train` / `decision_unseen` row-major
    decision_function (one column for binary). The dual solution is unique in w, so the solver's
    random order does not matter at this tol.
  * "platt": sklearn.calibration._sigmoid_calibration(f, y[, sample_weight]) on in-sample decision
    values of a binary case (separable: a steep sigmoid) and against an unrelated flag (overlapping), plus the exact optimum of the same objective ("exact_A"/"exact_B", scipy BFGS
    with gtol 1e-12): sklearn's own fit stops at gtol 1e-5.
  * "calibrated": CalibratedClassifierCV(LinearSVC(...), method='sigmoid', ensemble=False,
    cv=PredefinedSplit(fold)) with fold[i] = i % 3, predict_proba on train and unseen; binary and
    3-class. Same folds on the TypeScript side, so this checks the whole pipeline (out-of-fold
    decisions, per-output sigmoid, multiclass normalization).
"""

import json
import os

import numpy as np
import sklearn
from scipy import optimize
from scipy.special import expit, xlogy
from sklearn.calibration import CalibratedClassifierCV, _sigmoid_calibration
from sklearn.model_selection import PredefinedSplit
from sklearn.svm import LinearSVC

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SOURCE = os.path.join(ROOT, "test", "golden", "tfidf-logreg.json")
OUT = os.path.join(ROOT, "test", "golden", "linear-svm.json")


def dense(m, cols):
    out = np.zeros((len(m["indptr"]) - 1, cols), dtype=np.float64)
    for i in range(len(m["indptr"]) - 1):
        for p in range(m["indptr"][i], m["indptr"][i + 1]):
            out[i, m["indices"][p]] = np.float32(m["data"][p])
    return out


def g(v):
    """Shortest round-trip float (the values are compared at 1e-4 relative; keep full precision anyway)."""
    return float(f"{v:.10g}")


def svc(C, loss, class_weight=None):
    return LinearSVC(C=C, loss=loss, tol=1e-8, max_iter=100000, random_state=0, class_weight=class_weight)


def svm_case(name, kind, X, U, y, C, loss, class_weight=None, sample_weight=None):
    m = svc(C, loss, class_weight).fit(X, y, sample_weight=sample_weight)
    assert m.n_iter_ < 100000, f"{name}: LinearSVC did not converge"
    return {
        "name": name,
        "kind": kind,
        "C": C,
        "loss": loss,
        "class_weight": class_weight,
        "sample_weight": None if sample_weight is None else [g(v) for v in sample_weight],
        "y": [int(v) for v in y],
        "coef_shape": list(m.coef_.shape),
        "coef": [g(v) for v in m.coef_.ravel()],
        "intercept": [g(v) for v in m.intercept_],
        "decision_train": [g(v) for v in m.decision_function(X).ravel()],
        "decision_unseen": [g(v) for v in m.decision_function(U).ravel()],
        "n_iter": int(m.n_iter_),
    }


def platt_exact(f, y, w):
    """The optimum of _sigmoid_calibration's objective, to gtol 1e-12."""
    w = np.ones_like(f) if w is None else w
    prior0 = w[y <= 0].sum()
    prior1 = w[y > 0].sum()
    T = np.where(y > 0, (prior1 + 1.0) / (prior1 + 2.0), 1.0 / (prior0 + 2.0))

    def obj(AB):
        P = expit(-(AB[0] * f + AB[1]))
        return (w * -(xlogy(T, P) + xlogy(1.0 - T, 1.0 - P))).sum()

    def grad(AB):
        P = expit(-(AB[0] * f + AB[1]))
        r = (T - P) * w
        return np.array([np.dot(r, f), r.sum()])

    res = optimize.minimize(obj, np.array([0.0, np.log((prior0 + 1.0) / (prior1 + 1.0))]), jac=grad, method="BFGS", options={"gtol": 1e-12, "maxiter": 10000})
    return res.x, float(np.abs(grad(res.x)).max())


def platt_case(name, f, y, sample_weight=None):
    A, B = _sigmoid_calibration(f, y, sample_weight)
    (eA, eB), gmax = platt_exact(f, y, None if sample_weight is None else np.asarray(sample_weight))
    return {
        "name": name,
        "f": [g(v) for v in f],
        "y": [int(v) for v in y],
        "sample_weight": None if sample_weight is None else [g(v) for v in sample_weight],
        "sklearn_A": g(A),
        "sklearn_B": g(B),
        "exact_A": g(eA),
        "exact_B": g(eB),
        "exact_max_abs_grad": gmax,
    }


def calibrated_case(name, X, U, y, C, loss, fold):
    m = CalibratedClassifierCV(svc(C, loss), method="sigmoid", cv=PredefinedSplit(fold), ensemble=False).fit(X, y)
    return {
        "name": name,
        "C": C,
        "loss": loss,
        "y": [int(v) for v in y],
        "fold": [int(v) for v in fold],
        "proba_train": [g(v) for v in m.predict_proba(X).ravel()],
        "proba_unseen": [g(v) for v in m.predict_proba(U).ravel()],
    }


def main():
    with open(SOURCE) as fh:
        src = json.load(fh)
    case = next(c for c in src["tfidf"] if c["name"] == src["logistic_features"])
    D = len(case["features"])
    X = dense(case["train"], D)
    U = dense(case["unseen"], D)
    topic = np.array(src["topic"])
    multi = np.array(src["multilabel"])
    y_tone = multi[:, 0]
    y_weather = (topic == 2).astype(int)
    n = len(topic)
    weights = np.array([1.0 + (i % 4) * 0.5 for i in range(n)])

    # Tone as 3 classes (positive / negative / neither: 17 / 18 / 7), imbalanced for class_weight.
    y_tone3 = np.where(multi[:, 0] == 1, 0, np.where(multi[:, 1] == 1, 1, 2))
    svm = []
    for loss in ("squared_hinge", "hinge"):
        for C in (0.5, 5):
            svm.append(svm_case(f"binary-{loss}-C{C}", "binary", X, U, y_tone, C, loss))
            svm.append(svm_case(f"ovr3-{loss}-C{C}", "ovr", X, U, topic, C, loss))
        svm.append(svm_case(f"binary-balanced-{loss}-C1", "binary", X, U, y_weather, 1, loss, class_weight="balanced"))
        svm.append(svm_case(f"ovr3-balanced-{loss}-C1", "ovr", X, U, y_tone3, 1, loss, class_weight="balanced"))
    svm.append(svm_case("binary-sample-weight-squared_hinge-C1", "binary", X, U, y_tone, 1, "squared_hinge", sample_weight=weights))

    ref = svc(1, "squared_hinge").fit(X, y_tone)
    f = ref.decision_function(X)
    platt = [
        platt_case("tone-C1", f, y_tone),
        platt_case("tone-C1-weighted", f, y_tone, weights),
        # The tone scores against an unrelated flag (mentions time): overlapping classes, A near 0.
        platt_case("tone-scores-vs-time-flag", f, multi[:, 2]),
    ]

    fold = np.arange(n) % 3
    calibrated = [
        calibrated_case("binary-tone-C1", X, U, y_tone, 1, "squared_hinge", fold),
        calibrated_case("ovr3-topic-C1", X, U, topic, 1, "squared_hinge", fold),
    ]

    out = {
        "generator": "scripts/golden/linear_svm.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "features_from": "test/golden/tfidf-logreg.json",
        "features": src["logistic_features"],
        "svm": svm,
        "platt": platt,
        "calibrated": calibrated,
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
