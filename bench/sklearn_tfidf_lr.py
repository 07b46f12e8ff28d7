#!/usr/bin/python3
"""scikit-learn reference for the textclass benchmark: TfidfVectorizer + LogisticRegression.

Run with Debian's interpreter, which has scikit-learn 1.2.1 (the `python3` on PATH may not):

    /usr/bin/python3 bench/sklearn_tfidf_lr.py imdb \
        --train bench/out/imdb-split/train --test bench/out/imdb-split/test [--settings JSON]
    /usr/bin/python3 bench/sklearn_tfidf_lr.py goemotions --data-dir ../shared/datasets \
        --train goemotions/train.tsv --test goemotions/dev.tsv [--settings JSON] [--n-jobs 2]

It reads the same files as textclass (folder-per-label `.txt` files; GoEmotions TSV with three TAB
fields and comma-separated label ids), preprocesses them as textclass does (HTML tags and
entities stripped, NFKC, lower case), tokenizes with a Python regex that mirrors textclass's
`word` token pattern exactly (or sklearn's default for `token_pattern: sklearn`), and fits with the
recipe's TF-IDF and logistic-regression settings. `--settings` is the resolved recipe as JSON
(bench/run.sh prints it with textclass's own recipe loader, so defaults match); without it the
values of recipes/imdb.yaml / recipes/goemotions.yaml are used.

Timing (time.perf_counter, wall clock, inside the process, after imports):
  train_seconds = read train files + vectorize (fit_transform) + fit
  eval_seconds  = read test files + transform + predict_proba
Prints one JSON line: {tool, dataset, train_seconds, accuracy, macro_f1, n_train, n_test,
n_features, ...}.

Threads: BLAS/OpenMP pools are limited to one thread before numpy is imported, so `--n-jobs 1`
(the default) is single-threaded like textclass. `--n-jobs 2` runs the one-vs-rest problems of a
multilabel task in two worker processes (joblib); it changes nothing for a single binary model.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score, precision_recall_curve  # noqa: E402
from sklearn.multiclass import OneVsRestClassifier  # noqa: E402

# Mirrors of recipes/imdb.yaml and recipes/goemotions.yaml with textclass's schema defaults filled
# in (src/recipe/schema.ts). Used only when --settings is not given; bench/run.sh always passes the
# recipes as textclass resolves them, so these copies cannot drift from what is benchmarked.
_COMMON = {
    "preprocessing": {"unicode": "NFKC", "lowercase": True, "strip_html": True},
    "features": {
        "token_pattern": "word",
        "ngram_range": [1, 2],
        "min_df": 2,
        "max_df": 1,
        "max_features": None,
        "sublinear_tf": True,
        "use_idf": True,
        "smooth_idf": True,
        "norm": "l2",
    },
    "model": {"C": 4, "max_iter": 300, "tol": 1e-4, "class_weight": None},
    "evaluation": {"thresholds": "tune", "threshold": 0.5},
}
DEFAULT_SETTINGS = {
    "imdb": {
        **_COMMON,
        "features": {**_COMMON["features"], "ngram_range": [1, 3], "max_df": 0.9},
        "model": {**_COMMON["model"], "C": 32},
        "data": {"labels": ["neg", "pos"], "positive_label": "pos", "extension": ".txt"},
    },
    "goemotions": {
        **_COMMON,
        "model": {**_COMMON["model"], "C": 4, "class_weight": "balanced"},
        "data": {"label_names": "goemotions/emotions.txt"},
    },
}

# ---------------------------------------------------------------------------------------------
# Preprocessing and tokenization, mirroring src/text/normalize.ts and src/text/tokenize.ts

HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
HTML_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}
HTML_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#39|nbsp);")


def make_preprocessor(p):
    strip_html = p.get("strip_html", True)
    form = p.get("unicode", "NFKC")
    lowercase = p.get("lowercase", True)

    def preprocess(s):
        if strip_html and "<" in s:
            s = HTML_TAG.sub(" ", s)
        if strip_html and "&" in s:
            s = HTML_ENTITY.sub(lambda m: HTML_ENTITIES[m.group(0)], s)
        if form != "none":
            s = unicodedata.normalize(form, s)
        if lowercase:
            s = s.lower()
        return s

    return preprocess


# textclass `word`: [\p{L}\p{M}\p{N}_]+(?:['’][\p{L}\p{M}\p{N}_]+)* | \p{Extended_Pictographic} | [!?]
# Python's `re` has no \p{...}, so both classes are spelled out as code-point ranges: the word
# class from unicodedata's general categories (L*, M*, N*, plus "_"), the pictographs as Node's
# ICU reports them (/^\p{Extended_Pictographic}$/u over all code points, Node 20.20). Python's
# unicodedata may be an older Unicode version, which only matters for recently added characters;
# bench/run.sh prints n_features of both tools (identical on GoEmotions and IMDB when checked).
EXTENDED_PICTOGRAPHIC = (
    "a9 ae 203c 2049 2122 2139 2194-2199 21a9-21aa 231a-231b 2328 23cf 23e9-23f3 23f8-23fa 24c2 "
    "25aa-25ab 25b6 25c0 25fb-25fe 2600-2604 260e 2611 2614-2615 2618 261d 2620 2622-2623 2626 "
    "262a 262e-262f 2638-263a 2640 2642 2648-2653 265f-2660 2663 2665-2666 2668 267b 267e-267f "
    "2692-2697 2699 269b-269c 26a0-26a1 26a7 26aa-26ab 26b0-26b1 26bd-26be 26c4-26c5 26c8 "
    "26ce-26cf 26d1 26d3-26d4 26e9-26ea 26f0-26f5 26f7-26fa 26fd 2702 2705 2708-270d 270f 2712 "
    "2714 2716 271d 2721 2728 2733-2734 2744 2747 274c 274e 2753-2755 2757 2763-2764 2795-2797 "
    "27a1 27b0 27bf 2934-2935 2b05-2b07 2b1b-2b1c 2b50 2b55 3030 303d 3297 3299 1f004 1f02c-1f02f "
    "1f094-1f09f 1f0af-1f0b0 1f0c0 1f0cf-1f0d0 1f0f6-1f0ff 1f170-1f171 1f17e-1f17f 1f18e "
    "1f191-1f19a 1f1ae-1f1e5 1f201-1f20f 1f21a 1f22f 1f232-1f23a 1f23c-1f23f 1f249-1f25f "
    "1f266-1f321 1f324-1f393 1f396-1f397 1f399-1f39b 1f39e-1f3f0 1f3f3-1f3f5 1f3f7-1f3fa "
    "1f400-1f4fd 1f4ff-1f53d 1f549-1f54e 1f550-1f567 1f56f-1f570 1f573-1f57a 1f587 1f58a-1f58d "
    "1f590 1f595-1f596 1f5a4-1f5a5 1f5a8 1f5b1-1f5b2 1f5bc 1f5c2-1f5c4 1f5d1-1f5d3 1f5dc-1f5de "
    "1f5e1 1f5e3 1f5e8 1f5ef 1f5f3 1f5fa-1f64f 1f680-1f6c5 1f6cb-1f6d2 1f6d5-1f6e5 1f6e9 "
    "1f6eb-1f6f0 1f6f3-1f6ff 1f7da-1f7ff 1f80c-1f80f 1f848-1f84f 1f85a-1f85f 1f888-1f88f "
    "1f8ae-1f8af 1f8bc-1f8bf 1f8c2-1f8cf 1f8d9-1f8ff 1f90c-1f93a 1f93c-1f945 1f947-1f9ff "
    "1fa58-1fa5f 1fa6e-1faff 1fc00-1fffd "
)


def _class(ranges):
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


def _word_ranges():
    import unicodedata as ud
    out, start = [], None
    for c in range(0x110000):
        ok = c == 0x5F or ud.category(chr(c))[0] in "LMN"
        if ok and start is None:
            start = c
        elif not ok and start is not None:
            out.append((start, c - 1))
            start = None
    if start is not None:
        out.append((start, 0x10FFFF))
    return out


def _hex_ranges(spec):
    out = []
    for item in spec.split():
        a, _, b = item.partition("-")
        out.append((int(a, 16), int(b or a, 16)))
    return out


def word_pattern():
    w = "[" + _class(_word_ranges()) + "]"
    return w + "+(?:['\u2019]" + w + "+)*|[" + _class(_hex_ranges(EXTENDED_PICTOGRAPHIC)) + "]|[!?]"


def word_tokenizer():
    """The `word` tokenizer. The exact pattern's huge character class makes Python's regex engine
    about 5x slower than with \\w, which would be charged to scikit-learn, so texts without a
    combining mark (all ASCII texts, and nearly all others) use the \\w spelling. It is the same
    pattern there, because \\w is [\\p{L}\\p{N}_] in Python."""
    import unicodedata as ud

    picto = "[" + _class(_hex_ranges(EXTENDED_PICTOGRAPHIC)) + "]"
    fast = re.compile(r"\w+(?:['\u2019]\w+)*|" + picto + "|[!?]").findall
    exact = re.compile(word_pattern()).findall

    def tokenize(s):
        if s.isascii() or not any(c > "\x7f" and ud.category(c)[0] == "M" for c in set(s)):
            return fast(s)
        return exact(s)

    return tokenize


SKLEARN_PATTERN = r"(?u)\b\w\w+\b"


def make_vectorizer(settings):
    f = settings["features"]
    pattern = f.get("token_pattern", "word")
    # "segmented" differs from "word" only inside Chinese/Japanese/Thai runs (ICU segmentation),
    # which the English data of this bench does not have.
    if pattern == "segmented":
        pattern = "word"
    if pattern not in ("word", "sklearn"):
        raise SystemExit(f"unsupported token_pattern {pattern!r}")
    norm = f.get("norm", "l2")
    min_df = f["min_df"]
    max_df = f["max_df"]
    return TfidfVectorizer(
        preprocessor=make_preprocessor(settings.get("preprocessing", {})),  # replaces lowercase=
        tokenizer=word_tokenizer() if pattern == "word" else None,
        token_pattern=SKLEARN_PATTERN if pattern == "sklearn" else None,
        ngram_range=tuple(f.get("ngram_range") or (1, 2)),  # absent: textclass's word default
        # sklearn reads an int as a document count and a float as a proportion, as the recipe does
        # (min_df >= 1 is an integer count; max_df <= 1 is a fraction, 1 meaning "all").
        min_df=int(min_df) if min_df >= 1 else float(min_df),
        max_df=float(max_df) if max_df <= 1 else int(max_df),
        max_features=f.get("max_features"),
        sublinear_tf=f.get("sublinear_tf", True),
        use_idf=f.get("use_idf", True),
        smooth_idf=f.get("smooth_idf", True),
        norm=None if norm == "none" else norm,
        dtype=np.float64,
    )


def make_logreg(settings, tol_scale=1):
    m = settings["model"]
    return LogisticRegression(
        C=m["C"],
        solver="lbfgs",
        max_iter=m.get("max_iter", 300),
        tol=m.get("tol", 1e-4) * tol_scale,
        class_weight=m.get("class_weight"),
    )


# ---------------------------------------------------------------------------------------------
# Readers, mirroring src/data/readers/folder.ts and goemotions-tsv.ts


def read_folder(path, labels, extension):
    texts, y = [], []
    for label in sorted(labels):
        d = os.path.join(path, label)
        for name in sorted(os.listdir(d)):
            if name.startswith(".") or not name.endswith(extension):
                continue
            with open(os.path.join(d, name), "rb") as fh:
                texts.append(fh.read().decode("utf-8-sig"))
            y.append(label)
    return texts, y


def _unquote(t):
    last = len(t) - 1
    if last < 1 or t[0] != '"' or t[last] != '"':
        return t
    i = t.find('"', 1)
    while i != -1 and i < last:
        if t[i + 1] != '"' or i + 1 == last:
            return t
        i = t.find('"', i + 2)
    return t[1:last].replace('""', '"')


def read_goemotions(path, num_labels):
    texts, y = [], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if not line:
                continue
            text, ids, _comment_id = line.split("\t")  # exactly 3 fields
            row = np.zeros(num_labels, dtype=np.int8)
            for i in ids.split(","):
                row[int(i)] = 1
            texts.append(_unquote(text))
            y.append(row)
    return texts, np.array(y)


# ---------------------------------------------------------------------------------------------
# Decisions and metrics, mirroring src/eval/decide.ts and src/eval/thresholds.ts


def apply_thresholds(proba, thresholds, fallback=True):
    """Fire labels with score >= threshold; with fallback, a row where none fires gets its top label."""
    pred = (proba >= thresholds).astype(np.int8)
    if fallback:
        empty = pred.sum(axis=1) == 0
        pred[np.flatnonzero(empty), proba[empty].argmax(axis=1)] = 1
    return pred


def tune_thresholds(y, proba):
    """Per label, the score cut-off that maximizes that label's F1 (ties: the highest cut-off)."""
    out = np.full(y.shape[1], 0.5)
    for k in range(y.shape[1]):
        if y[:, k].sum() == 0:
            out[k] = max(0.5, float(np.nextafter(proba[:, k].max(), np.inf)))
            continue
        p, r, t = precision_recall_curve(y[:, k], proba[:, k])
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)[:-1]
        best = np.flatnonzero(f == f.max())[-1]
        out[k] = t[best]
    return out


def n_iterations(clf):
    if isinstance(clf, OneVsRestClassifier):
        iters = [int(np.max(e.n_iter_)) for e in clf.estimators_]
        return {"n_iter_sum": int(sum(iters)), "n_iter_max": int(max(iters))}
    return {"n_iter_sum": int(np.max(clf.n_iter_)), "n_iter_max": int(np.max(clf.n_iter_))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", choices=["imdb", "goemotions"])
    ap.add_argument("--data-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "datasets"),
                    help="base folder for relative --train/--test/label-name paths (default ../shared/datasets from the repo root)")
    ap.add_argument("--train", required=True, help="imdb: folder with neg/ pos/; goemotions: train TSV")
    ap.add_argument("--test", required=True, help="held-out data in the same format (imdb: split test folder; goemotions: dev.tsv)")
    ap.add_argument("--settings", help="resolved recipe as a JSON string or @file (default: mirror of the bundled recipe)")
    ap.add_argument("--n-jobs", type=int, default=1, help="OneVsRestClassifier workers for multilabel (default 1)")
    ap.add_argument("--tol-per-sample", action="store_true",
                    help="use tol x n_train: sklearn 1.2.1's lbfgs tests the gradient of the summed loss, textclass "
                         "that of the mean loss, so this gives both the same stopping rule")
    args = ap.parse_args()

    settings = DEFAULT_SETTINGS[args.dataset]
    if args.settings:
        text = open(args.settings[1:]).read() if args.settings.startswith("@") else args.settings
        settings = json.loads(text)
    resolve = lambda p: p if os.path.isabs(p) else os.path.join(args.data_dir, p)  # noqa: E731
    warnings.simplefilter("ignore", ConvergenceWarning)  # convergence is reported as n_iter

    result = {"tool": "sklearn", "dataset": args.dataset}
    if args.dataset == "imdb":
        data = settings.get("data", {})
        labels = data.get("labels") or ["neg", "pos"]
        positive = data.get("positive_label") or labels[-1]
        extension = data.get("extension", ".txt")

        vec = make_vectorizer(settings)  # builds the tokenizer; not timed
        t0 = time.perf_counter()
        texts, y_names = read_folder(resolve(args.train), labels, extension)
        y = np.array([1 if v == positive else 0 for v in y_names])
        t1 = time.perf_counter()
        X = vec.fit_transform(texts)
        t2 = time.perf_counter()
        clf = make_logreg(settings, X.shape[0] if args.tol_per_sample else 1)
        clf.fit(X, y)
        t3 = time.perf_counter()

        test_texts, test_names = read_folder(resolve(args.test), labels, extension)
        y_test = np.array([1 if v == positive else 0 for v in test_names])
        proba = clf.predict_proba(vec.transform(test_texts))[:, 1]
        pred = (proba > 0.5).astype(int)  # textclass: argmax of [1 - p, p]; a tie goes to the first label
        t4 = time.perf_counter()
        result.update(
            accuracy=float(accuracy_score(y_test, pred)),
            macro_f1=float(f1_score(y_test, pred, average="macro", zero_division=0)),
        )
    else:
        names_file = settings.get("data", {}).get("label_names", "goemotions/emotions.txt")
        label_names = names_file if isinstance(names_file, list) else [
            s.strip() for s in open(resolve(names_file), encoding="utf-8").read().splitlines() if s.strip()]
        K = len(label_names)

        vec = make_vectorizer(settings)  # builds the tokenizer; not timed
        t0 = time.perf_counter()
        texts, y = read_goemotions(resolve(args.train), K)
        t1 = time.perf_counter()
        X = vec.fit_transform(texts)
        t2 = time.perf_counter()
        clf = OneVsRestClassifier(make_logreg(settings, X.shape[0] if args.tol_per_sample else 1), n_jobs=args.n_jobs)
        clf.fit(X, y)
        t3 = time.perf_counter()

        test_texts, y_test = read_goemotions(resolve(args.test), K)
        proba = clf.predict_proba(vec.transform(test_texts))
        threshold = settings.get("evaluation", {}).get("threshold", 0.5)
        pred = apply_thresholds(proba, threshold)
        t4 = time.perf_counter()
        raw = apply_thresholds(proba, threshold, fallback=False)
        tuned = apply_thresholds(proba, tune_thresholds(y_test, proba))
        result.update(
            threshold=threshold,
            accuracy=float(accuracy_score(y_test, pred)),  # subset accuracy, like textclass
            macro_f1=float(f1_score(y_test, pred, average="macro", zero_division=0)),
            micro_f1=float(f1_score(y_test, pred, average="micro", zero_division=0)),
            macro_f1_no_fallback=float(f1_score(y_test, raw, average="macro", zero_division=0)),
            macro_f1_tuned_on_eval=float(f1_score(y_test, tuned, average="macro", zero_division=0)),
        )

    result.update(
        train_seconds=round(t3 - t0, 3),
        read_seconds=round(t1 - t0, 3),
        vectorize_seconds=round(t2 - t1, 3),
        fit_seconds=round(t3 - t2, 3),
        eval_seconds=round(t4 - t3, 3),
        n_train=int(X.shape[0]),
        n_test=len(test_texts),
        n_features=int(X.shape[1]),
        **n_iterations(clf),
        n_jobs=args.n_jobs,
        tol=clf.get_params()["estimator__tol" if isinstance(clf, OneVsRestClassifier) else "tol"],
        sklearn=sklearn.__version__,
        python=sys.version.split()[0],
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
