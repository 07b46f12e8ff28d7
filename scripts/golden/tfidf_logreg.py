#!/usr/bin/python3
"""Golden reference values for src/features/tfidf.ts and src/models/linear/logistic.ts.

Regenerate (from the repository root) with Debian's Python, which ships scikit-learn 1.2.1 and numpy
(the `python3` first on PATH may not have them):

    /usr/bin/python3 scripts/golden/tfidf_logreg.py

It writes test/golden/tfidf-logreg.json. The output is deterministic (hand-written corpus, no
randomness, fixed sklearn version), so re-running it should produce no diff; a diff after a
scikit-learn upgrade means the reference behaviour moved and the TypeScript side must be re-checked.

Contents:
  * "corpus": ~40 short hand-written lowercase ASCII sentences (written for this file; no third-party
    text), each with a topic class (3 classes) and three hand-assigned multilabel flags;
    "unseen": 3 sentences with words the corpus lacks, used for `transform`.
  * "tfidf": one case per TfidfVectorizer(lowercase=False, token_pattern=r"(?u)\b\w\w+\b", ...)
    setting. `config` is the TypeScript TfidfConfig that means the same thing (minDf/maxDf: integer
    >= 1 resp. > 1 = document count, else a fraction), `sklearn` the other keyword arguments given to
    TfidfVectorizer, `features` get_feature_names_out() (as indices into "vocabulary"), `idf` idf_
    (null when use_idf=False), `train` fit_transform(corpus), `unseen` transform(unseen).
    Matrices are stored sparsely as CSR
    (indptr / indices / data, in sklearn's alphabetical column order, all non-zeros of the dense
    fit_transform / transform output). A max_features case asserts that no two n-grams tie in total
    count at the cut (numpy's argsort leaves the order of ties unspecified).
  * "logistic": LogisticRegression(C, solver='lbfgs', tol=1e-10, max_iter=10000) fitted on the
    `train` matrix of the TF-IDF case named by "logistic_features" (the (1,2) case), rounded to
    float32 first; that case's matrices are stored as the shortest decimal of each float32, so
    Float32Array.from(json) is exact and both sides fit exactly the same data. Binary cases store predict_proba with two columns [P(0), P(1)];
    multinomial three; "ovr" cases fit one binary LogisticRegression per label column and store
    P(label) per column. coef is row-major (outputs x features), in sklearn's column order.

    Convergence: scikit-learn 1.2.1 calls scipy's L-BFGS-B without `ftol`, so scipy's default
    relative-decrease test (ftol = 2.2e-9) stops a single fit long before `tol=1e-10` is reached: on
    this corpus the max |gradient| of sklearn's own objective was left at up to 1.2e-4 and
    predict_proba was off the true optimum by up to 1.8e-5. So each model is re-fitted with
    warm_start=True (same solver, same objective) until max |gradient| <= 5e-8, then checked against
    solver='newton-cg' (tol=1e-10) to 1e-7 in probability. The stored values are thus the optimum of
    LogisticRegression(C)'s objective; "max_abs_grad" records the gradient left, and
    "single_fit_proba_error" how far one plain lbfgs fit was from it.

To keep the file small (< 200 KB): TF-IDF values and idf are rounded to 7 decimals, probabilities to
9, intercept to 7 (absolute errors <= 5e-8, 5e-10, 5e-8) and coef to 5 significant digits, all well
below the TypeScript tolerances (1e-6, 1e-5, 1e-3 relative); each case's feature names are indices
into the shared "vocabulary" (the sorted union of all cases' get_feature_names_out(); a case's list
keeps sklearn's column order).
"""

import json
import os
import warnings

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "golden", "tfidf-logreg.json")

TOKEN_PATTERN = r"(?u)\b\w\w+\b"

# (sentence, topic class, [positive tone, negative tone, mentions time])
# topic classes: 0 = sports, 1 = cooking, 2 = weather.
CORPUS = [
    ("the team won the match last night", 0, [1, 0, 1]),
    ("our team lost the final match again", 0, [0, 1, 0]),
    ("the coach was happy with the team", 0, [1, 0, 0]),
    ("a great goal in the last minute of the match", 0, [1, 0, 1]),
    ("the players were tired after the long game", 0, [0, 1, 0]),
    ("the referee made a bad call in the game", 0, [0, 1, 0]),
    ("she scored two great goals in the first half", 0, [1, 0, 1]),
    ("the fans sang loud songs all game long", 0, [1, 0, 0]),
    ("he missed the penalty and the team lost", 0, [0, 1, 0]),
    ("the game was great and the fans were happy", 0, [1, 0, 0]),
    ("our coach said the team played a good game", 0, [1, 0, 0]),
    ("the match was boring and nobody scored", 0, [0, 1, 0]),
    ("the team trains every morning before work", 0, [0, 0, 1]),
    ("i cooked pasta with fresh tomato sauce", 1, [1, 0, 0]),
    ("the soup was too salty and cold", 1, [0, 1, 0]),
    ("bake the bread for forty minutes in a hot oven", 1, [0, 0, 1]),
    ("this pasta recipe is simple and good", 1, [1, 0, 0]),
    ("the sauce burned because the pan was too hot", 1, [0, 1, 0]),
    ("add salt and pepper to the soup before serving", 1, [0, 0, 0]),
    ("fresh bread in the morning is great", 1, [1, 0, 1]),
    ("the cake was dry and the cream was sour", 1, [0, 1, 0]),
    ("we cooked a good dinner with fresh fish", 1, [1, 0, 1]),
    ("stir the sauce slowly over low heat", 1, [0, 0, 0]),
    ("the oven was not hot enough for the cake", 1, [0, 1, 0]),
    ("my grandmother bakes the best bread and cake", 1, [1, 0, 0]),
    ("this recipe needs two eggs and some butter", 1, [0, 0, 0]),
    ("the dinner was great and the dessert was good", 1, [1, 0, 1]),
    ("heavy rain fell all night in the city", 2, [0, 1, 1]),
    ("the sun is out and the sky is clear", 2, [1, 0, 0]),
    ("cold wind and rain are expected tomorrow", 2, [0, 1, 1]),
    ("a warm and sunny morning in the park", 2, [1, 0, 1]),
    ("the storm knocked down trees last night", 2, [0, 1, 1]),
    ("snow is falling and the roads are icy", 2, [0, 1, 0]),
    ("the forecast says rain again this week", 2, [0, 1, 1]),
    ("a clear sky and a warm sun all day", 2, [1, 0, 1]),
    ("the wind was cold and the rain was heavy", 2, [0, 1, 0]),
    ("it is hot and humid in the city today", 2, [0, 1, 1]),
    ("the weather was good for a long walk", 2, [1, 0, 0]),
    ("thunder and rain kept us inside all day", 2, [0, 1, 1]),
    ("the sky was grey but the rain stopped", 2, [0, 0, 0]),
    ("don't forget the umbrella, rain is coming", 2, [0, 0, 1]),
    ("the game was cancelled because of heavy rain", 0, [0, 1, 0]),
]

# Unseen sentences: known words mixed with unknown ones ("good xyz" must not count "good" twice).
UNSEEN = [
    "the team played a good xyz game in the rain",
    "zebra quantum flux",  # only unknown words: an empty row
    "fresh bread and hot soup on a cold morning with qqq sauce",
]

TEXTS = [s for s, _, _ in CORPUS]
TOPIC = np.array([c for _, c, _ in CORPUS])
MULTI = np.array([m for _, _, m in CORPUS])


def ts_config(ngram_range=(1, 1), min_df=1, max_df=1.0, max_features=None, sublinear_tf=False, norm="l2", smooth_idf=True, use_idf=True):
    """The TypeScript TfidfConfig for the same settings."""
    return {
        "tokenPattern": "sklearn",
        "ngramRange": list(ngram_range),
        "minDf": min_df,
        "maxDf": max_df,
        "maxFeatures": max_features,
        "sublinearTf": sublinear_tf,
        "useIdf": use_idf,
        "smoothIdf": smooth_idf,
        "norm": "l2" if norm == "l2" else "none",
    }


def rnd(v, places):
    """v rounded to `places` decimals (an absolute error of at most 0.5e-places)."""
    r = round(float(v), places)
    return 0.0 if r == 0 else r


def csr(m, exact_f32=False):
    """CSR of a sparse matrix. exact_f32: store each value's float32 rounding as its shortest decimal."""
    m = sparse.csr_matrix(m)
    m.sort_indices()
    if exact_f32:
        data = [float(str(np.float32(v))) for v in m.data]
    else:
        data = [rnd(v, 7) for v in m.data]
    return {"indptr": [int(v) for v in m.indptr], "indices": [int(v) for v in m.indices], "data": data}


# The TF-IDF case whose matrices the logistic regressions are fitted on (stored rounded to float32).
LOGISTIC_FEATURES = "bigram"

TFIDF_CASES = [
    ("unigram-default", {}),
    ("bigram", {"ngram_range": (1, 2)}),
    ("trigram", {"ngram_range": (1, 3)}),
    ("bigram-only", {"ngram_range": (2, 2)}),
    ("bigram-trigram-min-df-2", {"ngram_range": (2, 3), "min_df": 2}),
    ("min-df-2", {"min_df": 2}),
    ("min-df-fraction-0.1", {"min_df": 0.1}),
    ("max-df-0.5", {"max_df": 0.5}),
    ("max-df-count-3", {"max_df": 3}),
    ("max-features-10", {"max_features": 10}),
    ("bigram-max-features-10-min-df-2", {"ngram_range": (1, 2), "min_df": 2, "max_features": 10}),
    ("norm-none", {"norm": None}),
    ("norm-none-sublinear-min-df-2", {"norm": None, "sublinear_tf": True, "min_df": 2}),
    ("no-smooth-idf", {"smooth_idf": False}),
    ("no-smooth-idf-trigram-min-df-2", {"smooth_idf": False, "ngram_range": (1, 3), "min_df": 2}),
    ("no-idf", {"use_idf": False}),
    ("no-idf-norm-none-sublinear-min-df-2", {"use_idf": False, "norm": None, "sublinear_tf": True, "min_df": 2}),
    ("textclass-default-like", {"ngram_range": (1, 2), "min_df": 2, "max_df": 0.5, "sublinear_tf": True}),
    ("trigram-min-df-0.1-max-df-0.5-sublinear", {"ngram_range": (1, 3), "min_df": 0.1, "max_df": 0.5, "sublinear_tf": True}),
]


def max_features_tie_free(kwargs):
    """True when sklearn's top-`max_features` cut does not fall inside a run of equal total counts
    (numpy's argsort tie order is unspecified, so a tie at the cut would make the case ambiguous)."""
    limit = kwargs.get("max_features")
    if limit is None:
        return True
    k = dict(kwargs)
    k.pop("max_features")
    v = TfidfVectorizer(lowercase=False, token_pattern=TOKEN_PATTERN, use_idf=False, norm=None, **{a: b for a, b in k.items() if a in ("ngram_range", "min_df", "max_df")})
    counts = np.sort(np.asarray(v.fit_transform(TEXTS).sum(axis=0)).ravel())[::-1]
    return len(counts) <= limit or counts[limit - 1] != counts[limit]


def tfidf_case(name, kwargs, exact_f32=False):
    assert max_features_tie_free(kwargs), f"{name}: tie at the max_features cut"
    v = TfidfVectorizer(lowercase=False, token_pattern=TOKEN_PATTERN, **kwargs)
    X = v.fit_transform(TEXTS)
    U = v.transform(UNSEEN)
    return {
        "name": name,
        "sklearn": {k: (list(val) if isinstance(val, tuple) else val) for k, val in kwargs.items()},
        "config": ts_config(**kwargs),
        "feature_names": [str(f) for f in v.get_feature_names_out()],
        "idf": [rnd(x, 7) for x in v.idf_] if v.use_idf else None,
        "train": csr(X, exact_f32),
        "unseen": csr(U, exact_f32),
    }, v, X, U


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def sample_weights(y, class_weight):
    if class_weight is None:
        return np.ones(len(y))
    assert class_weight == "balanced"
    classes, counts = np.unique(y, return_counts=True)
    w = len(y) / (len(classes) * counts)
    return w[np.searchsorted(classes, y)]


def max_abs_grad(m, X, y, C, class_weight, multinomial):
    """max |gradient| of sklearn's objective  sum_i s_i loss_i + ||W||^2 / (2C)  (intercept unpenalized)."""
    s = sample_weights(y, class_weight)
    Z = X @ m.coef_.T + m.intercept_
    if multinomial:
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        R = (P - np.eye(P.shape[1])[y]) * s[:, None]
    else:
        R = (1 / (1 + np.exp(-Z)) - y[:, None]) * s[:, None]
    G = X.T @ R + m.coef_.T / C
    return max(np.abs(G).max(), np.abs(R.sum(axis=0)).max())


def fit_converged(X, y, C, class_weight, multinomial):
    """LogisticRegression(solver='lbfgs', tol=1e-10), warm-started until it has really converged."""
    multi = "multinomial" if multinomial else "auto"
    kwargs = dict(C=C, tol=1e-10, max_iter=10000, class_weight=class_weight, multi_class=multi)
    m = LogisticRegression(solver="lbfgs", warm_start=True, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lbfgs warm restarts may stop on ABNORMAL_TERMINATION_IN_LNSRCH
        m.fit(X, y)
        single = m.predict_proba(X)
        n_iter = [int(v) for v in m.n_iter_]
        for _ in range(2000):
            g = max_abs_grad(m, X, y, C, class_weight, multinomial)
            if g <= 5e-8:
                break
            m.fit(X, y)
    assert g <= 5e-8, f"lbfgs did not converge: max |grad| {g}"
    with warnings.catch_warnings():
        # newton-cg also ends on a float64 stall slightly above tol=1e-10; the agreement is the check.
        warnings.simplefilter("ignore")
        check = LogisticRegression(solver="newton-cg", **kwargs).fit(X, y)
    err = np.abs(check.predict_proba(X) - m.predict_proba(X)).max()
    assert err <= 1e-7, f"lbfgs and newton-cg optima differ by {err}"
    return m, g, float(np.abs(single - m.predict_proba(X)).max()), n_iter


def logistic_case(name, kind, C, X, U, y, class_weight=None):
    """kind: 'binary' (y: 0/1 vector), 'multinomial' (y: class ids), 'ovr' (y: n x K 0/1 matrix)."""
    columns = [y[:, k] for k in range(y.shape[1])] if kind == "ovr" else [y]
    coef, intercept, p_train, p_unseen, grads, single_err, n_iter = [], [], [], [], [], [], []
    for col in columns:
        m, g, e, it = fit_converged(X, col, C, class_weight, kind == "multinomial")
        grads.append(g)
        single_err.append(e)
        n_iter += it
        coef.append(m.coef_)
        intercept.append(m.intercept_)
        pt, pu = m.predict_proba(X), m.predict_proba(U)
        if kind == "ovr":
            pt, pu = pt[:, 1:], pu[:, 1:]
        p_train.append(pt)
        p_unseen.append(pu)
    coef = np.vstack(coef)
    y_out = [[int(v) for v in row] for row in y] if kind == "ovr" else [int(v) for v in y]
    return {
        "name": name,
        "kind": kind,
        "C": C,
        "class_weight": class_weight,
        "y": y_out,
        "coef_shape": list(coef.shape),
        "coef": [float(f"{v:.5g}") for v in coef.ravel()],
        "intercept": [rnd(v, 7) for v in np.concatenate(intercept)],
        "proba_train": [rnd(v, 9) for v in np.hstack(p_train).ravel()],
        "proba_unseen": [rnd(v, 9) for v in np.hstack(p_unseen).ravel()],
        "max_abs_grad": float(max(grads)),
        "single_fit_proba_error": float(f"{max(single_err):.3g}"),
        "single_fit_n_iter": n_iter,
    }


def main():
    cases = []
    mats = {}
    for name, kwargs in TFIDF_CASES:
        case, _, X, U = tfidf_case(name, kwargs, exact_f32=(name == LOGISTIC_FEATURES))
        cases.append(case)
        mats[name] = (X, U)

    vocabulary = sorted({f for c in cases for f in c["feature_names"]})
    index = {f: i for i, f in enumerate(vocabulary)}
    for c in cases:
        c["features"] = [index[f] for f in c.pop("feature_names")]

    X, U = mats[LOGISTIC_FEATURES]
    X = f32(X.toarray())
    U = f32(U.toarray())

    y_binary = MULTI[:, 0]  # positive tone vs not
    y_weather = (TOPIC == 2).astype(int)  # 15 of 42: imbalanced, for class_weight='balanced'
    logistic = []
    for C in (1, 10):
        logistic.append(logistic_case(f"binary-C{C}", "binary", C, X, U, y_binary))
        logistic.append(logistic_case(f"multinomial-C{C}", "multinomial", C, X, U, TOPIC))
        logistic.append(logistic_case(f"ovr-multilabel-C{C}", "ovr", C, X, U, MULTI))
    logistic.append(logistic_case("binary-balanced-C1", "binary", 1, X, U, y_weather, class_weight="balanced"))
    logistic.append(logistic_case("binary-balanced-C10", "binary", 10, X, U, y_weather, class_weight="balanced"))

    out = {
        "generator": "scripts/golden/tfidf_logreg.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "token_pattern": TOKEN_PATTERN,
        "corpus": TEXTS,
        "topic": [int(v) for v in TOPIC],
        "multilabel": [[int(v) for v in row] for row in MULTI],
        "unseen": UNSEEN,
        "vocabulary": vocabulary,
        "tfidf": cases,
        "logistic_features": LOGISTIC_FEATURES,
        "logistic": logistic,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
