#!/usr/bin/python3
"""Golden reference values for src/models/naive-bayes.ts.

Regenerate (from the repository root) with Debian's Python, which ships scikit-learn 1.2.1 and numpy
(the `python3` first on PATH may not have them):

    /usr/bin/python3 scripts/golden/naive_bayes.py

It reads test/golden/tfidf-logreg.json (written by scripts/golden/tfidf_logreg.py; no new text is
written here) and writes test/golden/naive-bayes.json. Deterministic: re-running gives no diff.

Features: the TF-IDF matrices of the golden file's "logistic_features" case (word 1-2-grams), whose
values are stored as exact float32 decimals, so both sides fit exactly the same data.

Contents:
  * "features": the TF-IDF case name used; "num_features".
  * "cases": for each of MultinomialNB and ComplementNB (norm=False, sklearn defaults otherwise),
    alpha in {1.0, 0.1}, and each task:
      - "binary": y = the corpus' first multilabel flag (positive tone), two classes;
      - "multiclass": y = topic (3 classes);
      - "ovr": one binary model per multilabel column, P(label present) per column;
      - "multiclass-balanced": y = topic with sample_weight = compute_sample_weight('balanced', y),
        i.e. what class_weight='balanced' means for a model without a class_weight parameter.
    "proba_train" / "proba_unseen" are predict_proba of the train and unseen matrices, row-major
    (binary: [P(0), P(1)]; multiclass: 3 columns; ovr: one column per label), rounded to 9 decimals.
"""

import json
import os

import numpy as np
import sklearn
from scipy import sparse
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.utils.class_weight import compute_sample_weight

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SRC = os.path.join(ROOT, "test", "golden", "tfidf-logreg.json")
OUT = os.path.join(ROOT, "test", "golden", "naive-bayes.json")

MODELS = {"multinomial": MultinomialNB, "complement": ComplementNB}


def rnd(v, places=9):
    r = round(float(v), places)
    return 0.0 if r == 0 else r


def matrix(m, cols):
    """The golden CSR as a float64 matrix of the float32 values (exact)."""
    data = np.asarray(m["data"], dtype=np.float32).astype(np.float64)
    return sparse.csr_matrix((data, m["indices"], m["indptr"]), shape=(len(m["indptr"]) - 1, cols))


def fit_proba(model_cls, alpha, X, U, y, sample_weight=None):
    m = model_cls(alpha=alpha).fit(X, y, sample_weight=sample_weight)
    return m.predict_proba(X), m.predict_proba(U)


def case(variant, alpha, task, X, U, golden):
    model_cls = MODELS[variant]
    topic = np.asarray(golden["topic"])
    multi = np.asarray(golden["multilabel"])
    if task == "binary":
        y = multi[:, 0]
        pt, pu = fit_proba(model_cls, alpha, X, U, y)
        y_out = [int(v) for v in y]
    elif task == "multiclass":
        pt, pu = fit_proba(model_cls, alpha, X, U, topic)
        y_out = [int(v) for v in topic]
    elif task == "multiclass-balanced":
        pt, pu = fit_proba(model_cls, alpha, X, U, topic, compute_sample_weight("balanced", topic))
        y_out = [int(v) for v in topic]
    else:
        cols = [fit_proba(model_cls, alpha, X, U, multi[:, k]) for k in range(multi.shape[1])]
        pt = np.column_stack([c[0][:, 1] for c in cols])
        pu = np.column_stack([c[1][:, 1] for c in cols])
        y_out = [[int(v) for v in row] for row in multi]
    return {
        "name": f"{variant}-{task}-alpha{alpha}",
        "variant": variant,
        "alpha": alpha,
        "task": task,
        "y": y_out,
        "proba_train": [rnd(v) for v in np.asarray(pt).ravel()],
        "proba_unseen": [rnd(v) for v in np.asarray(pu).ravel()],
    }


def main():
    with open(SRC) as fh:
        golden = json.load(fh)
    feature_case = next(c for c in golden["tfidf"] if c["name"] == golden["logistic_features"])
    cols = len(feature_case["features"])
    X = matrix(feature_case["train"], cols)
    U = matrix(feature_case["unseen"], cols)

    cases = []
    for variant in ("multinomial", "complement"):
        for alpha in (1.0, 0.1):
            for task in ("binary", "multiclass", "ovr"):
                cases.append(case(variant, alpha, task, X, U, golden))
        cases.append(case(variant, 1.0, "multiclass-balanced", X, U, golden))

    out = {
        "generator": "scripts/golden/naive_bayes.py",
        "source": "test/golden/tfidf-logreg.json",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "features": golden["logistic_features"],
        "num_features": cols,
        "cases": cases,
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
