"""Reference t-SNE for the benchmark: scikit-learn's TSNE with its defaults on an .npy matrix.

Usage: /usr/bin/python3 src/bench/sklearn_tsne.py INPUT.npy OUTPUT.npy [--seed N]

INPUT is an n x d float matrix; OUTPUT receives the n x 2 embedding as float32. Prints one
JSON line: seconds (the fit alone, loading and saving excluded), iterations, kl (sklearn's
own kl_divergence_, from its Barnes-Hut gradient), sklearnVersion, peakRssMb, rows, cols.
Failures go to stderr with exit status 1.

On a machine shared with other work, OpenMP's spin-waiting threads slow sklearn's gradient
several-fold (150 points: 3.5 s, or 0.7 s with OMP_WAIT_POLICY=passive): set it in the
environment for stable timings.
"""
import argparse
import inspect
import json
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.manifold import TSNE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=None, help="random_state (default: sklearn's, None)")
    args = parser.parse_args()

    try:
        X = np.load(args.input, allow_pickle=False)
    except (OSError, ValueError) as err:
        sys.exit(f"{args.input}: cannot read: {err}")
    if X.ndim != 2 or X.dtype.kind != "f":
        sys.exit(f"{args.input}: expected a 2-D float matrix, got {X.dtype} of shape {X.shape}")
    X = X.astype(np.float32, copy=False)

    options = {"n_components": 2, "perplexity": 30.0, "init": "pca", "random_state": args.seed}
    accepted = inspect.signature(TSNE).parameters
    if "n_jobs" in accepted:  # added in scikit-learn 0.22
        options["n_jobs"] = -1
    tsne = TSNE(**options)

    start = time.perf_counter()
    Y = tsne.fit_transform(X)
    seconds = time.perf_counter() - start
    np.save(args.output, Y.astype(np.float32))

    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / 2**20 if sys.platform == "darwin" else peak / 2**10
    print(json.dumps({
        "seconds": round(seconds, 3),
        "iterations": int(tsne.n_iter_),
        "kl": float(tsne.kl_divergence_),
        "sklearnVersion": sklearn.__version__,
        "peakRssMb": round(peak_mb, 1),
        "rows": int(X.shape[0]),
        "cols": int(X.shape[1])
    }))


if __name__ == "__main__":
    main()
