#!/usr/bin/python3
"""Peers of textclass for bench/models.sh: trains one peer on an exported split and scores it on dev.

    /usr/bin/python3 bench/peers.py bench/out/splits/<recipe> <peer> [--tmp DIR] [--fasttext /usr/bin/fasttext]

The split folder is written by bench/export-splits.mjs: train.jsonl and dev.jsonl ({"text", "labels"}
per line, exactly the rows textclass trains and is scored on) and meta.json (task, labels, positive
label, the script of the text and the analyzer textclass resolved, the resolved recipe).

Peers (each with its own sensible defaults, not textclass's recipe settings):

  sklearn-lr         TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)
                     + LogisticRegression(C=4, max_iter=300); OneVsRest for multilabel
  sklearn-linearsvc  same features + LinearSVC(C=0.5); OneVsRest for multilabel
  sklearn-cnb        same features + ComplementNB(alpha=0.3); OneVsRest for multilabel
  fasttext           the fastText CLI: supervised -thread 2 -epoch 5 -lr 0.1 -wordNgrams 2 -dim 100
                     (+ -loss ova for multilabel; + -minn 2 -maxn 4 for Korean and Chinese)

class_weight='balanced' is given to LogisticRegression and LinearSVC where the recipe uses it
(ComplementNB and fastText have no such option). Korean text (meta.analyzer char_wb) uses
analyzer='char_wb', ngram_range=(1, 4); Chinese (char) analyzer='char', ngram_range=(1, 3): word
tokens do not work for these languages, and these are the textclass defaults for them. Everything
else (lower-casing, token pattern, idf smoothing, l2 norm) is scikit-learn's default.

fastText reads one example per line, tokenized on whitespace; the texts get the preprocessing of
fastText's own tutorial (lower case, punctuation spaced out, newlines to spaces) before training,
outside the timed part. Labels are `__label__<name>` with whitespace in names replaced by `_`.

Decision rule, as textclass's: single-label = top class; multilabel = every label with
P >= 0.5 (LinearSVC: margin > 0; fastText: predict-prob -1 0.5), and a row where nothing fires
gets its top label (the *_no_fallback metrics leave that out).

Timing (wall clock):
  train_seconds     sklearn: read train.jsonl + fit_transform + fit, in the process (imports and
                    interpreter start-up excluded). fastText: the `fasttext supervised` process.
  predict_seconds   sklearn: transform + predict of dev, in the process (reading dev excluded).
                    fastText: the `fasttext predict-prob` process on dev (incl. loading the model;
                    its .bin is ~800 MB with the default 2M buckets).
  predict_seconds_net / docs_per_second
                    fastText: (the same command on dev repeated to >= 50,000 lines, minus the
                    fastest of 3 runs on a one-line file) / repeats, i.e. without the model load;
                    sklearn: = predict_seconds. docs_per_second = n_dev / predict_seconds_net.

Prints one JSON line: {peer, recipe, task, train_seconds, predict_seconds, docs_per_second, accuracy,
macro_f1, micro_f1, weighted_f1, balanced_accuracy, [samples_f1, macro_f1_no_fallback, ...], n_train,
n_dev, n_features, ...}.

BLAS/OpenMP pools are limited to one thread before numpy is imported (textclass runs one thread;
fastText uses -thread 2, like the textclass fasttext model's default).
"""

import os
import random

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score  # noqa: E402
from sklearn.multiclass import OneVsRestClassifier  # noqa: E402
from sklearn.naive_bayes import ComplementNB  # noqa: E402
from sklearn.preprocessing import MultiLabelBinarizer  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

PEERS = ("sklearn-lr", "sklearn-linearsvc", "sklearn-cnb", "fasttext")


def read_jsonl(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                o = json.loads(line)
                texts.append(o["text"])
                labels.append(o["labels"])
    return texts, labels


# ---------------------------------------------------------------------------------------------
# Targets and metrics


class Targets:
    def __init__(self, meta):
        self.task = meta["task"]
        self.labels = list(meta["labels"])
        self.index = {l: i for i, l in enumerate(self.labels)}
        self.multilabel = self.task == "multilabel"
        if self.multilabel:
            self.mlb = MultiLabelBinarizer(classes=self.labels)
            self.mlb.fit([self.labels])

    def encode(self, labels):
        if self.multilabel:
            return self.mlb.transform(labels)
        for ls in labels:
            if len(ls) != 1:
                raise SystemExit(f"{self.task}: a row has {len(ls)} labels")
        return np.array([self.index[ls[0]] for ls in labels])


def fire(scores, cut, fallback=True):
    """Multilabel: labels with score >= cut (> cut for margins); with fallback, an empty row gets its top label."""
    pred = (scores >= cut).astype(np.int8) if cut == 0.5 else (scores > cut).astype(np.int8)
    if fallback:
        empty = pred.sum(axis=1) == 0
        pred[np.flatnonzero(empty), scores[empty].argmax(axis=1)] = 1
    return pred


def multilabel_balanced_accuracy(y, p):
    """textclass's definition: mean over labels with positives and negatives of (TPR + TNR) / 2."""
    vals = []
    for k in range(y.shape[1]):
        pos = y[:, k] == 1
        if pos.all() or not pos.any():
            continue
        tpr = (p[pos, k] == 1).mean()
        tnr = (p[~pos, k] == 0).mean()
        vals.append((tpr + tnr) / 2)
    return float(np.mean(vals)) if vals else 0.0


def metrics(t, y, pred, pred_no_fallback=None):
    K = len(t.labels)
    if t.multilabel:
        m = {
            "accuracy": accuracy_score(y, pred),  # subset accuracy, as textclass
            "macro_f1": f1_score(y, pred, average="macro", zero_division=0),
            "micro_f1": f1_score(y, pred, average="micro", zero_division=0),
            "weighted_f1": f1_score(y, pred, average="weighted", zero_division=0),
            "samples_f1": f1_score(y, pred, average="samples", zero_division=0),
            "balanced_accuracy": multilabel_balanced_accuracy(y, pred),
        }
        if pred_no_fallback is not None:
            m["macro_f1_no_fallback"] = f1_score(y, pred_no_fallback, average="macro", zero_division=0)
            m["micro_f1_no_fallback"] = f1_score(y, pred_no_fallback, average="micro", zero_division=0)
            m["samples_f1_no_fallback"] = f1_score(y, pred_no_fallback, average="samples", zero_division=0)
    else:
        ks = list(range(K))  # all model labels, as textclass's report
        m = {
            "accuracy": accuracy_score(y, pred),
            "macro_f1": f1_score(y, pred, labels=ks, average="macro", zero_division=0),
            "micro_f1": f1_score(y, pred, labels=ks, average="micro", zero_division=0),
            "weighted_f1": f1_score(y, pred, labels=ks, average="weighted", zero_division=0),
            "balanced_accuracy": balanced_accuracy_score(y, pred),
        }
    return {k: float(v) for k, v in m.items()}


# ---------------------------------------------------------------------------------------------
# scikit-learn peers


def make_vectorizer(meta):
    analyzer = meta.get("analyzer", "word")
    if analyzer == "char_wb":  # Korean
        return TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(1, 4), min_df=2)
    if analyzer == "char":  # Chinese
        return TfidfVectorizer(sublinear_tf=True, analyzer="char", ngram_range=(1, 3), min_df=2)
    return TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)


def recipe_class_weight(meta):
    cw = meta["resolved_recipe"]["model"].get("class_weight")
    return cw if cw in (None, "balanced") else (cw if isinstance(cw, dict) else None)


def make_estimator(peer, meta, multilabel):
    cw = recipe_class_weight(meta)
    if isinstance(cw, dict) and multilabel:
        cw = None
    if peer == "sklearn-lr":
        est = LogisticRegression(C=4, max_iter=300, class_weight=cw)
    elif peer == "sklearn-linearsvc":
        est = LinearSVC(C=0.5, class_weight=cw)
    elif peer == "sklearn-cnb":
        est = ComplementNB(alpha=0.3)
    else:
        raise ValueError(peer)
    return OneVsRestClassifier(est, n_jobs=1) if multilabel else est


def run_sklearn(peer, split, meta, t):
    vec = make_vectorizer(meta)
    t0 = time.perf_counter()
    texts, labels = read_jsonl(os.path.join(split, "train.jsonl"))
    y = t.encode(labels)
    X = vec.fit_transform(texts)
    clf = make_estimator(peer, meta, t.multilabel)
    clf.fit(X, y)
    t1 = time.perf_counter()

    dev_texts, dev_labels = read_jsonl(os.path.join(split, "dev.jsonl"))
    y_dev = t.encode(dev_labels)
    t2 = time.perf_counter()
    Xd = vec.transform(dev_texts)
    if t.multilabel:
        if peer == "sklearn-linearsvc":
            scores, cut = clf.decision_function(Xd), 0.0
        else:
            scores, cut = clf.predict_proba(Xd), 0.5
        pred = fire(scores, cut)
    else:
        pred = clf.predict(Xd)
    t3 = time.perf_counter()
    m = metrics(t, y_dev, pred, fire(scores, cut, fallback=False) if t.multilabel else None)
    return {
        **m,
        "train_seconds": round(t1 - t0, 3),
        "predict_seconds": round(t3 - t2, 3),
        "predict_seconds_net": round(t3 - t2, 5),
        "n_train": len(texts),
        "n_dev": len(dev_texts),
        "n_features": int(X.shape[1]),
        "class_weight": None if peer == "sklearn-cnb" else recipe_class_weight(meta),
    }


# ---------------------------------------------------------------------------------------------
# fastText CLI peer

_PUNCT = re.compile(r"([.!?,'/()\"])")
_SPACE = re.compile(r"\s+")


def ft_text(s):
    """fastText tutorial preprocessing: punctuation spaced out, lower case; one line per text."""
    return _SPACE.sub(" ", _PUNCT.sub(r" \1 ", s.lower())).strip()


def ft_label(name):
    return "__label__" + _SPACE.sub("_", name)


def timed_run(cmd, stdout=None):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=stdout if stdout is not None else subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.stderr.write(r.stderr.decode("utf-8", "replace")[-2000:])
        raise SystemExit(f"fasttext: {' '.join(cmd)} exited {r.returncode}")
    return dt, r.stdout


def run_fasttext(split, meta, t, exe, tmp_root):
    tmp = tempfile.mkdtemp(prefix=f"ft-{meta['recipe']}-", dir=tmp_root)
    try:
        texts, labels = read_jsonl(os.path.join(split, "train.jsonl"))
        dev_texts, dev_labels = read_jsonl(os.path.join(split, "dev.jsonl"))
        back = {ft_label(l): l for l in t.labels}
        if len(back) != len(t.labels):
            raise SystemExit("fasttext: two labels differ only in whitespace")
        train_file = os.path.join(tmp, "train.txt")
        dev_file = os.path.join(tmp, "dev.txt")
        one_file = os.path.join(tmp, "one.txt")
        many_file = os.path.join(tmp, "many.txt")
        # fastText reads its input in file order and does not shuffle; an export sorted by label
        # (IMDB: 10,000 neg, then 10,000 pos) made its accuracy swing between 0.53 and 0.84.
        # A seeded shuffle gives it the order any user would.
        order = list(range(len(texts)))
        random.Random(0).shuffle(order)
        with open(train_file, "w", encoding="utf-8") as fh:
            for i in order:
                fh.write(" ".join(ft_label(l) for l in labels[i]) + " " + ft_text(texts[i]) + "\n")
        dev_lines = [ft_text(s) for s in dev_texts]
        with open(dev_file, "w", encoding="utf-8") as fh:
            fh.write("\n".join(dev_lines) + "\n")
        with open(one_file, "w", encoding="utf-8") as fh:
            fh.write(dev_lines[0] + "\n")

        model = os.path.join(tmp, "model")
        cmd = [exe, "supervised", "-input", train_file, "-output", model, "-thread", "2", "-epoch", "5", "-lr", "0.1",
               "-wordNgrams", "2", "-dim", "100", "-verbose", "0"]
        if t.multilabel:
            cmd += ["-loss", "ova"]
        if meta.get("analyzer") in ("char", "char_wb"):  # Korean, Chinese
            cmd += ["-minn", "2", "-maxn", "4"]
        train_s, _ = timed_run(cmd)
        model_bytes = os.path.getsize(model + ".bin")

        if t.multilabel:
            pargs = ["-1", "0.5"]
        else:
            pargs = ["1"]
        predict_s, out = timed_run([exe, "predict-prob", model + ".bin", dev_file, *pargs], stdout=subprocess.PIPE)
        # Throughput without the model load: dev repeated up to >= 50,000 lines, minus the same
        # command on one line (the fastest of 3: loading the model, mostly).
        reps = max(1, -(-50000 // len(dev_lines)))
        with open(many_file, "w", encoding="utf-8") as fh:
            for _ in range(reps):
                fh.write("\n".join(dev_lines) + "\n")
        many_s, _ = timed_run([exe, "predict-prob", model + ".bin", many_file, *pargs])
        load_s = min(timed_run([exe, "predict-prob", model + ".bin", one_file, *pargs])[0] for _ in range(3))
        os.remove(many_file)
        rows = out.decode("utf-8").split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        if len(rows) != len(dev_texts):
            raise SystemExit(f"fasttext: {len(rows)} prediction lines for {len(dev_texts)} dev texts")
        y_dev = t.encode(dev_labels)
        K = len(t.labels)
        if t.multilabel:
            raw = np.zeros((len(rows), K), dtype=np.int8)
            for i, row in enumerate(rows):
                tok = row.split()
                for j in range(0, len(tok) - 1, 2):
                    raw[i, t.index[back[tok[j]]]] = 1
            pred = raw.copy()
            empty = np.flatnonzero(raw.sum(axis=1) == 0)
            if len(empty):
                # The fallback needs each empty row's top label: one more predict (k=1), not timed.
                _, top = timed_run([exe, "predict-prob", model + ".bin", dev_file, "1"], stdout=subprocess.PIPE)
                top_rows = top.decode("utf-8").split("\n")
                for i in empty:
                    pred[i, t.index[back[top_rows[i].split()[0]]]] = 1
            m = metrics(t, y_dev, pred, raw)
        else:
            pred = np.array([t.index[back[row.split()[0]]] for row in rows])
            m = metrics(t, y_dev, pred)
        net = max(many_s - load_s, 1e-3) / reps
        return {
            **m,
            "train_seconds": round(train_s, 3),
            "predict_seconds": round(predict_s, 3),
            "predict_seconds_net": round(net, 5),
            "model_load_seconds_est": round(load_s, 3),
            "model_bytes": model_bytes,
            "n_train": len(texts),
            "n_dev": len(dev_texts),
            "fasttext_args": cmd[6:],
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", help="folder written by bench/export-splits.mjs (train.jsonl, dev.jsonl, meta.json)")
    ap.add_argument("peer", choices=PEERS)
    ap.add_argument("--fasttext", default="/usr/bin/fasttext", help="the fastText CLI (default /usr/bin/fasttext)")
    ap.add_argument("--tmp", default=None, help="folder for fastText's files (default: the system temp folder)")
    args = ap.parse_args()

    with open(os.path.join(args.split, "meta.json"), encoding="utf-8") as fh:
        meta = json.load(fh)
    t = Targets(meta)
    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.peer == "fasttext":
        if args.tmp:
            os.makedirs(args.tmp, exist_ok=True)
        r = run_fasttext(args.split, meta, t, args.fasttext, args.tmp)
    else:
        r = run_sklearn(args.peer, args.split, meta, t)
    out = {"peer": args.peer, "recipe": meta["recipe"], "task": meta["task"]}
    out.update(r)
    out["docs_per_second"] = round(r["n_dev"] / r["predict_seconds_net"], 1)
    out["sklearn"] = sklearn.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
