"""Peers with their own defaults on a CSV train/dev pair (columns text,label): the comparison
behind issue 4's "a recipe that names only its files and columns" (bench/minimal-recipe.sh).

    /usr/bin/python3 bench/peers_defaults.py <dir> <name> [--fasttext /usr/bin/fasttext]

reads <dir>/<name>-train.csv and <dir>/<name>-dev.csv and prints one JSON object: macro-F1 on dev
of scikit-learn's TfidfVectorizer() with LogisticRegression(max_iter=1000) (more iterations than
the default 100 so that it converges; nothing else changed), LinearSVC() and ComplementNB(), and
of `fasttext supervised` with its defaults (-thread 2, like textclass's fastText-style model).
Debian's python3 (scikit-learn 1.2) and fastText CLI.
"""
import argparse
import csv
import json
import os
import subprocess
import tempfile

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("name")
    ap.add_argument("--fasttext", default="/usr/bin/fasttext")
    args = ap.parse_args()
    x_train, y_train = load(os.path.join(args.dir, f"{args.name}-train.csv"))
    x_dev, y_dev = load(os.path.join(args.dir, f"{args.name}-dev.csv"))
    vec = TfidfVectorizer()
    a = vec.fit_transform(x_train)
    b = vec.transform(x_dev)
    result = {}
    for name, clf in (("sklearn-lr", LogisticRegression(max_iter=1000)), ("sklearn-linearsvc", LinearSVC()), ("sklearn-cnb", ComplementNB())):
        clf.fit(a, y_train)
        result[name] = f1_score(y_dev, clf.predict(b), average="macro")
    # fastText reads one example per line: labels as __label__<name> (spaces as _), text on one line.
    with tempfile.TemporaryDirectory() as tmp:
        names = {y.replace(" ", "_"): y for y in set(y_train)}
        with open(os.path.join(tmp, "train.txt"), "w", encoding="utf-8") as f:
            for x, y in zip(x_train, y_train):
                f.write(f"__label__{y.replace(' ', '_')} {' '.join(x.split())}\n")
        with open(os.path.join(tmp, "dev.txt"), "w", encoding="utf-8") as f:
            for x in x_dev:
                f.write(" ".join(x.split()) + "\n")
        subprocess.run([args.fasttext, "supervised", "-input", os.path.join(tmp, "train.txt"), "-output", os.path.join(tmp, "m"), "-thread", "2"], check=True, capture_output=True)
        out = subprocess.run([args.fasttext, "predict", os.path.join(tmp, "m.bin"), os.path.join(tmp, "dev.txt")], check=True, capture_output=True, text=True).stdout.splitlines()
        if len(out) != len(x_dev):
            raise SystemExit(f"fasttext: {len(out)} predictions for {len(x_dev)} dev texts")
        result["fasttext"] = f1_score(y_dev, [names.get(o.replace("__label__", ""), o) for o in out], average="macro")
    print(json.dumps({k: round(v, 4) for k, v in result.items()}))


if __name__ == "__main__":
    main()
