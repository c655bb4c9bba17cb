"""Reference side of `npm run bench -- kmeans`: scikit-learn's KMeans on one .npy matrix.

    python3 sklearn_kmeans.py X.npy K LABELS_OUT.npy

Prints one JSON line: fit seconds (loading excluded), inertia, iterations, peak RSS in MB.
"""
import json
import resource
import sys
import time

import numpy as np
from sklearn.cluster import KMeans


def main() -> None:
    path, k, labels_out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    X = np.load(path)
    start = time.perf_counter()
    model = KMeans(n_clusters=k, init="k-means++", n_init=1, random_state=0).fit(X)
    seconds = time.perf_counter() - start
    np.save(labels_out, model.labels_.astype(np.int32))
    print(json.dumps({
        "seconds": seconds,
        "inertia": float(model.inertia_),
        "iterations": int(model.n_iter_),
        "peakRssMB": peak_rss_mb(),
    }))


def peak_rss_mb() -> float:
    """VmHWM on Linux: getrusage's ru_maxrss also counts the parent's memory, copied at fork."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
