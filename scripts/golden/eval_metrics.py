#!/usr/bin/python3
"""Golden reference values for src/eval/ (metrics, ROC AUC / average precision, ROC and PR curves,
Brier score, calibration: reliability bins and expected calibration error, classification_report).

Regenerate (from the repository root) with Debian's Python, which ships scikit-learn 1.2.1 and numpy:

    /usr/bin/python3 scripts/golden/eval_metrics.py

It writes test/golden/eval-metrics.json. The output is deterministic (fixed seeds, fixed sklearn
version), so re-running it should produce no diff; a diff after a scikit-learn upgrade means the
reference behaviour moved and the TypeScript side must be re-checked against it.

Conventions shared with the TypeScript tests:
  * labels are always passed explicitly as range(K), so per-class rows cover every label even
    when it is absent from y_true (support 0) or from both y_true and y_pred;
  * probabilities are generated as float32 (what textclass models emit) and stored as the exact
    float64 value of each float32, so Float32Array.from(json) reproduces the same numbers;
  * log_loss uses eps=1e-15 (the TypeScript side clips at the same value);
  * JSON has no NaN: values sklearn returns as NaN (e.g. the TPR of a curve without positives)
    and metrics that are undefined for the data are written as null.

Ranking metrics beyond binary (multiclass and multilabel) are one-vs-rest on the indicator
matrix Y (multilabel: y_true itself; multiclass: label_binarize(y_true, classes=range(K))):
  * per-class ROC AUC needs positives and negatives in the column, per-class AP positives;
  * macro / weighted ROC AUC and AP are sklearn's roc_auc_score / average_precision_score with
    average='macro' / 'weighted' on the columns that have both positives and negatives (sklearn
    raises on a column with one class; textclass leaves such columns out of the averages);
  * micro is sklearn's average='micro' on the whole matrix (which ravels it). For multiclass
    sklearn's roc_auc_score(multi_class='ovr') only offers macro and weighted, so micro is taken
    on the binarized matrix as sklearn does for multilabel input;
  * where every class is present, the script asserts that roc_auc_score(y, P, multi_class='ovr')
    agrees with the binarized macro / weighted values.
Calibration metrics have no sklearn function except calibration_curve, so ECE and the reliability
bins are computed here with numpy using calibration_curve's binning (np.linspace edges,
np.searchsorted on the inner edges: a value on an edge belongs to the lower bin), and the bin
means are asserted equal to calibration_curve's for binary positive-class probabilities.
"""

import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    classification_report,
    confusion_matrix,
    hamming_loss,
    log_loss,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)
from sklearn.preprocessing import label_binarize

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "golden", "eval-metrics.json")

# sklearn warns about ill-defined precision etc. for absent classes; that is the point of these cases.
warnings.filterwarnings("ignore")


def f32_list(a):
    """Exact float64 values of float32 numbers, so JSON -> Float32Array is lossless."""
    return [float(x) for x in np.asarray(a, dtype=np.float32).ravel()]


def prf(y_true, y_pred, K):
    out = {}
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(range(K)), average=None)
    out["per_class"] = {"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist()}
    averages = ["macro", "micro", "weighted"]
    if np.asarray(y_true).ndim == 2:
        averages.append("samples")
    for avg in averages:
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=list(range(K)), average=avg)
        out[avg] = {"precision": float(p), "recall": float(r), "f1": float(f)}
    return out


def softmax_f32(logits):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def nan_to_none(values):
    """JSON has no NaN: sklearn's NaN entries (undefined rates) become null."""
    return [None if np.isnan(v) else float(v) for v in np.asarray(values, dtype=np.float64)]


def roc_json(y, s):
    fpr, tpr, thresholds = roc_curve(y, s)  # drop_intermediate=True, the default
    return {"fpr": nan_to_none(fpr), "tpr": nan_to_none(tpr), "thresholds": nan_to_none(thresholds)}


def pr_json(y, s):
    precision, recall, thresholds = precision_recall_curve(y, s)
    return {"precision": nan_to_none(precision), "recall": nan_to_none(recall), "thresholds": nan_to_none(thresholds)}


def one_hot(y_true, K):
    Y = np.eye(K, dtype=np.uint8)[y_true]
    if K > 2:  # label_binarize gives a single column for K = 2
        assert (label_binarize(y_true, classes=list(range(K))) == Y).all()
    return Y


def ranking_expected(Y, P, y_single=None):
    """One-vs-rest ranking metrics and curves of the n x K indicator matrix Y against scores P."""
    n, K = Y.shape
    support = Y.sum(axis=0)
    valid = [k for k in range(K) if 0 < support[k] < n]
    assert len(valid) >= 2, "the averaged calls below need a 2-D indicator matrix"
    Yv, Pv = Y[:, valid], P[:, valid]
    out = {
        "per_class_roc_auc": [float(roc_auc_score(Y[:, k], P[:, k])) if k in valid else None for k in range(K)],
        "per_class_average_precision": [
            float(average_precision_score(Y[:, k], P[:, k])) if support[k] > 0 else None for k in range(K)
        ],
        "macro_roc_auc": float(roc_auc_score(Yv, Pv, average="macro")),
        "weighted_roc_auc": float(roc_auc_score(Yv, Pv, average="weighted")),
        "micro_roc_auc": float(roc_auc_score(Y, P, average="micro")),
        "macro_average_precision": float(average_precision_score(Yv, Pv, average="macro")),
        "weighted_average_precision": float(average_precision_score(Yv, Pv, average="weighted")),
        "micro_average_precision": float(average_precision_score(Y, P, average="micro")),
    }
    # The averages are the plain / support-weighted means of the per-class values.
    per_auc = np.array([out["per_class_roc_auc"][k] for k in valid])
    assert abs(out["macro_roc_auc"] - per_auc.mean()) < 1e-12
    assert abs(out["weighted_roc_auc"] - np.average(per_auc, weights=support[valid])) < 1e-12
    # Micro is the binary metric of the raveled matrix.
    assert abs(out["micro_roc_auc"] - roc_auc_score(Y.ravel(), P.ravel())) < 1e-12
    if y_single is not None and len(valid) == K:
        # Every class present: sklearn's own multiclass one-vs-rest gives the same macro / weighted.
        labels = list(range(K))
        for avg in ("macro", "weighted"):
            ovr = roc_auc_score(y_single, P, multi_class="ovr", average=avg, labels=labels)
            assert abs(ovr - out[f"{avg}_roc_auc"]) < 1e-12, (avg, ovr, out[f"{avg}_roc_auc"])
    out["curves"] = {
        "per_class": [
            {
                "roc": roc_json(Y[:, k], P[:, k]) if k in valid else None,
                "pr": pr_json(Y[:, k], P[:, k]) if support[k] > 0 else None,
            }
            for k in range(K)
        ],
        "micro": {"roc": roc_json(Y.ravel(), P.ravel()), "pr": pr_json(Y.ravel(), P.ravel())},
    }
    return out


def reliability(confidence, outcome, n_bins=15):
    """Equal-width reliability bins and ECE with calibration_curve's binning (numpy reference)."""
    confidence = np.asarray(confidence, dtype=np.float64)
    outcome = np.asarray(outcome, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], confidence)
    count = np.bincount(ids, minlength=n_bins)
    conf_sum = np.bincount(ids, weights=confidence, minlength=n_bins)
    hit_sum = np.bincount(ids, weights=outcome, minlength=n_bins)
    bins = []
    ece = 0.0
    for b in range(n_bins):
        if count[b] == 0:
            continue
        mean_conf = conf_sum[b] / count[b]
        acc = hit_sum[b] / count[b]
        ece += count[b] / len(confidence) * abs(acc - mean_conf)
        bins.append(
            {
                "lower": float(edges[b]),
                "upper": float(edges[b + 1]),
                "count": int(count[b]),
                "mean_confidence": float(mean_conf),
                "accuracy": float(acc),
            }
        )
    return {"n_bins": n_bins, "bins": bins, "ece": float(ece)}


def positive_class_reliability(y, p, n_bins=15):
    """reliability() of positive-class probabilities, checked against sklearn's calibration_curve."""
    r = reliability(p, y, n_bins)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    assert len(prob_true) == len(r["bins"])
    for b, t, q in zip(r["bins"], prob_true, prob_pred):
        assert b["accuracy"] == t and abs(b["mean_confidence"] - q) < 1e-15, (b, t, q)
    r["calibration_curve"] = {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist()}
    return r


def top_label_reliability(y_true, P, n_bins=15):
    """Top-label calibration: confidence = max probability, hit = argmax (first on ties) is right."""
    return reliability(P.max(axis=1), P.argmax(axis=1) == y_true, n_bins)


def probabilistic_expected(task, y_true, proba64):
    """Brier score, ECE / reliability bins and (beyond binary) ranking metrics and curves."""
    n, K = proba64.shape
    out = {}
    if task == "binary":
        p = proba64[:, 1]
        out["brier_score"] = float(brier_score_loss(y_true, p))
        # The multiclass ("original", Brier 1950) formula sums over both columns: for rows that
        # sum to 1 it is exactly twice sklearn's binary score. float32 rows sum to 1 only nearly.
        original = np.mean(((proba64 - one_hot(y_true, 2)) ** 2).sum(axis=1))
        assert abs(original - 2 * out["brier_score"]) < 1e-6
        top = top_label_reliability(y_true, proba64)
        out["reliability"] = {"kind": "top-label", **top}
        out["reliability_positive_class"] = positive_class_reliability(y_true, p)
        out["curves"] = {"positive": {"roc": roc_json(y_true, p), "pr": pr_json(y_true, p)}}
        return out
    if task == "multiclass":
        Y = one_hot(y_true, K)
        out["brier_score"] = float(np.mean(((proba64 - Y) ** 2).sum(axis=1)))
        out["reliability"] = {"kind": "top-label", **top_label_reliability(y_true, proba64)}
        out.update(ranking_expected(Y, proba64, y_single=y_true))
        return out
    Y = y_true
    out["brier_score"] = float(np.mean((proba64 - Y) ** 2))
    assert abs(out["brier_score"] - np.mean([brier_score_loss(Y[:, k], proba64[:, k]) for k in range(K)])) < 1e-12
    # Mean over labels of sklearn's binary log loss of each column (= mean over all cells).
    out["log_loss"] = float(
        np.mean([log_loss(Y[:, k], proba64[:, k], eps=1e-15, labels=[0, 1]) for k in range(K)])
    )
    out["reliability"] = {"kind": "all-cells", **reliability(proba64.ravel(), Y.ravel())}
    out.update(ranking_expected(Y, proba64))
    return out


def single_label_case(name, task, labels, y_true, y_pred, proba):
    K = len(labels)
    proba64 = proba.astype(np.float64)  # exact float32 values, computed on in float64 like the TS side
    case = {
        "name": name,
        "task": task,
        "labels": labels,
        "y_true": [int(v) for v in y_true],
        "y_pred": [int(v) for v in y_pred],
        "proba": f32_list(proba),
        "expected": {
            "accuracy": float(accuracy_score(y_true, y_pred)),
            "balanced_accuracy": float(balanced_accuracy_score(y_true, y_pred)),
            "log_loss": float(log_loss(y_true, proba64, eps=1e-15, labels=list(range(K)))),
            "confusion_matrix": confusion_matrix(y_true, y_pred, labels=list(range(K))).tolist(),
            "report": classification_report(
                y_true, y_pred, labels=list(range(K)), target_names=labels, digits=4
            ),
            **prf(y_true, y_pred, K),
        },
    }
    if task == "binary":
        case["expected"]["roc_auc"] = float(roc_auc_score(y_true, proba64[:, 1]))
        case["expected"]["average_precision"] = float(average_precision_score(y_true, proba64[:, 1]))
    case["expected"].update(probabilistic_expected(task, np.asarray(y_true), proba64))
    return case


def binary_case(rng):
    n = 60
    y_true = rng.integers(0, 2, n)
    # Scores rounded to one decimal: many ties, within and across classes.
    p = np.clip(0.5 + 0.3 * (y_true - 0.5) + rng.normal(0, 0.25, n), 0, 1)
    p = np.round(p, 1).astype(np.float32)
    proba = np.stack([np.float32(1) - p, p], axis=1).astype(np.float32)
    y_pred = proba.argmax(axis=1)  # ties (0.5/0.5) -> class 0, same as argmaxRows
    return single_label_case("binary_ties", "binary", ["negative", "positive"], y_true, y_pred, proba)


def multiclass_absent_case(rng):
    """Class 'd' never occurs in y_true but is predicted sometimes (balanced_accuracy skips it)."""
    n, K = 80, 4
    y_true = rng.choice(3, n, p=[0.5, 0.3, 0.2])
    logits = rng.normal(0, 1, (n, K))
    logits[np.arange(n), y_true] += 1.5
    logits[:, 3] += 0.3
    proba = softmax_f32(logits)
    y_pred = proba.argmax(axis=1)
    assert (y_pred == 3).any() and not (y_true == 3).any()
    return single_label_case("multiclass_absent_in_true", "multiclass", ["a", "b", "c", "d"], y_true, y_pred, proba)


def multiclass_never_seen_case(rng):
    """A label absent from y_true AND y_pred: sklearn prints 'micro avg' instead of 'accuracy'.
    Also a label name longer than 'weighted avg' to exercise the column width."""
    n, K = 40, 3
    y_true = rng.choice(2, n)
    logits = rng.normal(0, 1, (n, K))
    logits[np.arange(n), y_true] += 1.0
    logits[:, 2] -= 10.0  # never the argmax
    proba = softmax_f32(logits)
    y_pred = proba.argmax(axis=1)
    assert not (y_pred == 2).any()
    labels = ["sports", "a_rather_long_label_name", "unused"]
    return single_label_case("multiclass_never_seen", "multiclass", labels, y_true, y_pred, proba)


def multilabel_case(rng):
    n, K = 50, 5
    labels = ["alpha", "beta", "gamma", "delta", "never"]
    y_true = (rng.random((n, K)) < [0.4, 0.3, 0.5, 0.1, 0.0]).astype(np.uint8)
    logits = rng.normal(-1.0, 1.2, (n, K)) + 2.2 * y_true
    proba = (1 / (1 + np.exp(-logits))).astype(np.float32)
    # Same decision rule as applyThresholds(proba, n, K, 0.5): >= 0.5, else the single top label.
    y_pred = (proba >= np.float32(0.5)).astype(np.uint8)
    empty = y_pred.sum(axis=1) == 0
    y_pred[np.where(empty)[0], proba[empty].argmax(axis=1)] = 1
    return multilabel_case_json("multilabel", labels, y_true, y_pred, proba)


def multilabel_case_json(name, labels, y_true, y_pred, proba):
    n, K = y_true.shape
    proba64 = proba.astype(np.float64)
    # Per-label ROC AUC / AP, macro-averaged over labels with both classes present in y_true.
    valid = [k for k in range(K) if 0 < y_true[:, k].sum() < n]
    per_label_bal = [balanced_accuracy_score(y_true[:, k], y_pred[:, k]) for k in valid]
    case = {
        "name": name,
        "task": "multilabel",
        "labels": labels,
        "y_true": [int(v) for v in y_true.ravel()],
        "y_pred": [int(v) for v in y_pred.ravel()],
        "proba": f32_list(proba),
        "expected": {
            "accuracy": float(accuracy_score(y_true, y_pred)),
            "exact_match": float(accuracy_score(y_true, y_pred)),
            "hamming_loss": float(hamming_loss(y_true, y_pred)),
            "balanced_accuracy": float(np.mean(per_label_bal)),
            "macro_roc_auc": float(np.mean([roc_auc_score(y_true[:, k], proba64[:, k]) for k in valid])),
            "macro_average_precision": float(
                np.mean([average_precision_score(y_true[:, k], proba64[:, k]) for k in valid])
            ),
            "report": classification_report(
                y_true, y_pred, labels=list(range(K)), target_names=labels, digits=4
            ),
            **prf(y_true, y_pred, K),
        },
    }
    # The macro values above (mean of per-label sklearn scores) predate the sklearn averaged
    # calls in probabilistic_expected; both agree, and the older numbers are kept as written.
    extra = probabilistic_expected("multilabel", y_true, proba64)
    for key in ("macro_roc_auc", "macro_average_precision"):
        assert abs(extra.pop(key) - case["expected"][key]) < 1e-12
    case["expected"].update(extra)
    return case


def unicode_labels_case(rng):
    """Label names with non-ASCII and astral characters: Python pads by code points."""
    n = 20
    y_true = rng.integers(0, 3, n)
    logits = rng.normal(0, 1, (n, 3))
    logits[np.arange(n), y_true] += 1.2
    proba = softmax_f32(logits)
    y_pred = proba.argmax(axis=1)
    labels = ["größe", "\U0001F600 emoji-label", "日本語"]
    return single_label_case("unicode_labels", "multiclass", labels, y_true, y_pred, proba)


def format_fixed_cases():
    """Python's '{:.4f}' on values including exact binary ties (odd multiples of 1/32), which
    Python rounds half to even and JavaScript's toFixed rounds up."""
    values = [k / 32 for k in range(1, 32, 2)] + [0.0, 1.0, 0.5, 2 / 3, 0.99995, 0.00005, 0.123449999, 1 / 3]
    return [[v, "{:.4f}".format(v)] for v in values]


def ranking_cases(rng):
    """Stand-alone rocAuc / averagePrecision checks, heavy on ties."""
    cases = []
    for i, (n, levels) in enumerate([(30, 3), (45, 6), (25, 0), (12, 2)]):
        y = rng.integers(0, 2, n)
        if levels:
            s = rng.integers(0, levels, n) / levels + 0.2 * y
        else:
            s = rng.random(n)
        s = s.astype(np.float32).astype(np.float64)
        cases.append(
            {
                "name": f"ranking_{i}",
                "y_true": [int(v) for v in y],
                "scores": [float(v) for v in s],
                "roc_auc": float(roc_auc_score(y, s)),
                "average_precision": float(average_precision_score(y, s)),
                "roc_curve": roc_json(y, s),
                "pr_curve": pr_json(y, s),
            }
        )
    # All positives tied with all negatives: AUC 0.5, AP = prevalence.
    y = np.array([1, 0, 1, 0, 0])
    s = np.full(5, 0.3)
    cases.append(
        {
            "name": "all_tied",
            "y_true": y.tolist(),
            "scores": s.tolist(),
            "roc_auc": float(roc_auc_score(y, s)),
            "average_precision": float(average_precision_score(y, s)),
            "roc_curve": roc_json(y, s),
            "pr_curve": pr_json(y, s),
        }
    )
    return cases


def curve_cases(rng):
    """roc_curve / precision_recall_curve on inputs where they degenerate (one class, one row,
    collinear points that drop_intermediate removes) and on a long curve with few ties."""
    cases = []

    def add(name, y, s):
        y = np.asarray(y)
        s = np.asarray(s, dtype=np.float32).astype(np.float64)
        cases.append({"name": name, "y_true": [int(v) for v in y], "scores": [float(v) for v in s],
                      "roc_curve": roc_json(y, s), "pr_curve": pr_json(y, s)})

    add("no_positives", [0, 0, 0, 0], [0.1, 0.4, 0.4, 0.9])
    add("no_negatives", [1, 1, 1], [0.2, 0.5, 0.7])
    add("one_row", [1], [0.5])
    # Runs of same-class rows make collinear ROC points, which drop_intermediate removes.
    add("collinear_runs", [1, 1, 1, 0, 0, 0, 1, 0, 1, 1], [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5])
    n = 400
    y = (rng.random(n) < 0.3).astype(int)
    s = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + 1.3 * y)))
    s = np.where(rng.random(n) < 0.1, np.round(s, 1), s)  # a few ties among continuous scores
    add("long_curve", y, s)
    return cases


def reliability_cases():
    """Bin edges: values exactly on an edge belong to the lower bin (np.searchsorted side='left'),
    0 to the first bin and 1 to the last; bins without values are left out."""
    cases = []
    conf = [0.0, 0.1, 0.2, 0.2, 0.25, 0.5, 0.5000001, 0.7, 0.9, 1.0, 1.0, 0.3333333333333333]
    hit = [0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1]
    for n_bins in (10, 15, 3, 1):
        r = positive_class_reliability(np.array(hit), np.array(conf), n_bins)
        cases.append({"confidence": conf, "outcome": hit, **r})
    return cases


def binary_calibration_case(rng):
    """Continuous, overconfident scores: a reliability diagram with most bins filled."""
    n = 300
    y_true = (rng.random(n) < 0.35).astype(int)
    logit = 2.5 * (rng.normal(0, 1, n) + 1.2 * (y_true - 0.35))
    p = (1 / (1 + np.exp(-logit))).astype(np.float32)
    proba = np.stack([np.float32(1) - p, p], axis=1).astype(np.float32)
    y_pred = proba.argmax(axis=1)
    return single_label_case("binary_calibration", "binary", ["ham", "spam"], y_true, y_pred, proba)


def multiclass_ties_case(rng):
    """Probabilities in tenths (heavy ties within and across classes); class 'e' never occurs."""
    n, K = 120, 5
    y_true = rng.choice(4, n, p=[0.4, 0.3, 0.2, 0.1])
    logits = rng.normal(0, 1, (n, K))
    logits[np.arange(n), y_true] += 1.2
    tenths = np.array([rng.multinomial(10, row) for row in softmax_f32(logits).astype(np.float64)])
    proba = (tenths / 10).astype(np.float32)
    y_pred = proba.argmax(axis=1)
    assert not (y_true == 4).any()
    return single_label_case("multiclass_ties_absent", "multiclass", ["a", "b", "c", "d", "e"], y_true, y_pred, proba)


def multilabel_extremes_case(rng):
    """A label nobody has, a label everybody has, and scores rounded to 0.05 (ties)."""
    n, K = 80, 6
    labels = ["common", "nobody", "everybody", "rare", "half", "scarce"]
    y_true = (rng.random((n, K)) < [0.3, 0.0, 1.0, 0.15, 0.5, 0.05]).astype(np.uint8)
    assert y_true[:, 1].sum() == 0 and y_true[:, 2].sum() == n and 0 < y_true[:, 5].sum()
    logits = rng.normal(-0.8, 1.3, (n, K)) + 2.0 * y_true
    proba = (np.round(20 / (1 + np.exp(-logits))) / 20).astype(np.float32)
    y_pred = (proba >= np.float32(0.5)).astype(np.uint8)
    empty = y_pred.sum(axis=1) == 0
    y_pred[np.where(empty)[0], proba[empty].argmax(axis=1)] = 1
    return multilabel_case_json("multilabel_extremes", labels, y_true, y_pred, proba)


def main():
    rng = np.random.default_rng(20240611)
    golden = {
        "generator": "scripts/golden/eval_metrics.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "log_loss_eps": 1e-15,
        "cases": [
            binary_case(rng),
            multiclass_absent_case(rng),
            multiclass_never_seen_case(rng),
            multilabel_case(rng),
            unicode_labels_case(rng),
        ],
        "format_fixed": format_fixed_cases(),
        "ranking": ranking_cases(rng),
    }
    # Cases added later draw from their own generator, so the ones above keep their numbers.
    rng2 = np.random.default_rng(20251124)
    golden["cases"] += [binary_calibration_case(rng2), multiclass_ties_case(rng2), multilabel_extremes_case(rng2)]
    golden["curves"] = curve_cases(rng2)
    golden["reliability"] = reliability_cases()
    text = json.dumps(golden, indent=1) + "\n"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUT)} ({len(text)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
