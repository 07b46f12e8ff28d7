#!/usr/bin/python3
"""Golden reference values for src/eval/ (metrics, ROC AUC / average precision, classification_report).

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
  * log_loss uses eps=1e-15 (the TypeScript side clips at the same value).
"""

import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    classification_report,
    confusion_matrix,
    hamming_loss,
    log_loss,
    precision_recall_fscore_support,
    roc_auc_score,
)

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
    proba64 = proba.astype(np.float64)

    # Per-label ROC AUC / AP, macro-averaged over labels with both classes present in y_true.
    valid = [k for k in range(K) if 0 < y_true[:, k].sum() < n]
    per_label_bal = [balanced_accuracy_score(y_true[:, k], y_pred[:, k]) for k in valid]
    return {
        "name": "multilabel",
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
        }
    )
    return cases


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
    text = json.dumps(golden, indent=1) + "\n"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUT)} ({len(text)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
