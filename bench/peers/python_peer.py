"""PyTorch and scikit-learn as benchmark peers: one cell in its own process, like bench/worker.mjs.

    /usr/bin/python3 bench/peers/python_peer.py IMPL SPEC.json

IMPL: torch-1t (float32, torch.set_num_threads(1)), torch-all (float32, every core), sklearn
(MLPClassifier, float64, partial_fit). SPEC.json (written by bench/run.mjs) holds the workload and
the paths of its data and initial parameters as raw float64 files in mlpc's layout, so every peer
starts from the same weights. The last stdout line is `RESULT {json}`, the fields bench/worker.mjs
writes. Timing follows bench/worker.mjs: warm-up until the passes settle, then >= 5 timed epochs
and >= 1.2 s; the figure is the median samples/s.

Each peer runs as a tuned deployment would (docs/performance.md, "PyTorch and scikit-learn"): the
BLAS pool sized to the cell's thread count, and glibc malloc told to keep freed memory (PyTorch's
performance guide suggests jemalloc or tcmalloc for the same reason). BENCH_PEER_DEFAULTS=1 runs them
untuned, to measure what that costs.
"""
import ctypes
import json
import os
import statistics
import sys
import time


def tune_process(threads):
    """Before numpy or torch loads: OpenBLAS reads its pool size at load, and malloc's options are global.

    torch.set_num_threads sizes ATen's OpenMP pool, not Debian's OpenBLAS, which otherwise starts a
    thread a core that spins beside the "one thread" cell. glibc returns a freed block above its
    thresholds to the kernel (munmap, or trimming the heap's top), so every 400 KB temporary of
    every step is fresh pages: on this VM W4b32's Adam step took 1.75 ms instead of 0.17.
    """
    if os.environ.get("BENCH_PEER_DEFAULTS") == "1":
        return
    if threads is not None:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(threads)
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc: its own allocator's defaults
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 1 << 26)
    libc.mallopt(m_trim_threshold, 1 << 30)


def layers_of(sizes, flat):
    out, at = [], 0
    for i in range(len(sizes) - 1):
        n_in, n_out = sizes[i], sizes[i + 1]
        w = flat[at:at + n_in * n_out].reshape(n_out, n_in)
        at += n_in * n_out
        b = flat[at:at + n_out]
        at += n_out
        out.append((w, b))
    return out


def measure(epoch, batch, max_rows, quick):
    cfg = dict(warm_min=0.05, warm_max=0.3, target=0.02, timed_min=0, min_epochs=1, max_epochs=1) if quick else \
        dict(warm_min=0.8, warm_max=8, target=0.15, timed_min=1.2, min_epochs=5, max_epochs=5000)
    limit = (max_rows // batch) * batch
    rows = batch
    warm = []
    start = time.perf_counter()
    while True:
        s = time.perf_counter()
        epoch(rows)
        dt = time.perf_counter() - s
        warm.append(rows / dt)
        if dt < cfg["target"] / 2 and rows < limit:
            rows = min(limit, rows * 2)
            warm = []
            continue
        elapsed = time.perf_counter() - start
        n = len(warm)
        settled = n >= 6 and max(warm[n - 3:]) < 1.1 * max(warm[:n - 3])
        if elapsed >= cfg["warm_max"] or (elapsed >= cfg["warm_min"] and settled):
            break
    warm_seconds = time.perf_counter() - start
    best = max(warm[-3:])
    rows = max(batch, min(limit, int(best * cfg["target"] / batch) * batch))
    rates = []
    t0 = time.perf_counter()
    while len(rates) < cfg["min_epochs"] or (time.perf_counter() - t0 < cfg["timed_min"] and len(rates) < cfg["max_epochs"]):
        s = time.perf_counter()
        epoch(rows)
        rates.append(rows / (time.perf_counter() - s))
    return rates, rows, warm_seconds, time.perf_counter() - t0


def torch_impl(spec, x, y, layers, threads):
    import torch
    torch.set_num_threads(threads)
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    mods = []
    for k, (w, b) in enumerate(layers):
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w.astype("float32")))
            lin.bias.copy_(torch.from_numpy(b.astype("float32")))
        mods.append(lin)
        if k < len(layers) - 1:
            mods.append(acts[spec["activations"][k]]())
    model = torch.nn.Sequential(*mods)
    batch = spec["batch"]
    inputs, outputs = spec["sizes"][0], spec["sizes"][-1]
    xt = torch.from_numpy(x.astype("float32")).reshape(-1, inputs)
    yt = torch.from_numpy(y.astype("float32")).reshape(-1, outputs)
    xs = [xt[i:i + batch] for i in range(0, xt.shape[0], batch)]
    opt_spec = spec["optimizer"]
    if spec["mode"] == "train":
        if opt_spec["kind"] == "adam":
            opt = torch.optim.Adam(model.parameters(), lr=opt_spec["lr"], betas=(0.9, 0.999), eps=1e-8)
        else:
            opt = torch.optim.SGD(model.parameters(), lr=opt_spec["lr"], momentum=opt_spec["beta"])
        if spec["loss"] == "softmax_ce":
            labels = yt.argmax(dim=1)
            ys = [labels[i:i + batch] for i in range(0, labels.shape[0], batch)]
            loss_fn = torch.nn.CrossEntropyLoss()
        else:
            ys = [yt[i:i + batch] for i in range(0, yt.shape[0], batch)]
            loss_fn = torch.nn.BCEWithLogitsLoss()
        state = {"loss": float("nan")}

        def epoch(rows):
            for b in range(rows // batch):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(xs[b]), ys[b])
                loss.backward()
                opt.step()
            state["loss"] = float(loss)
        return epoch, state, f"torch {torch.__version__}, float32, {threads} thread(s)"

    def infer(rows):
        with torch.no_grad():
            for b in range(rows // batch):
                out = model(xs[b])
                (torch.softmax(out, dim=1) if spec["loss"] == "softmax_ce" else torch.sigmoid(out)).numpy()
    return infer, {"loss": float("nan")}, f"torch {torch.__version__}, float32, {threads} thread(s)"


def sklearn_impl(spec, x, y, layers):
    import numpy as np
    import sklearn
    from sklearn.neural_network import MLPClassifier
    batch = spec["batch"]
    inputs, outputs = spec["sizes"][0], spec["sizes"][-1]
    X = x.reshape(-1, inputs)
    Y = y.reshape(-1, outputs)
    labels = Y.argmax(axis=1) if outputs > 1 else Y[:, 0].astype(int)
    classes = np.arange(outputs) if outputs > 1 else np.array([0, 1])
    hidden = tuple(spec["sizes"][1:-1])
    opt_spec = spec["optimizer"]
    common = dict(hidden_layer_sizes=hidden, activation=spec["activations"][0], batch_size=batch, alpha=0.0, shuffle=False, learning_rate_init=opt_spec["lr"], random_state=0)
    if opt_spec["kind"] == "adam":
        clf = MLPClassifier(solver="adam", beta_1=0.9, beta_2=0.999, epsilon=1e-8, **common)
    else:
        clf = MLPClassifier(solver="sgd", momentum=opt_spec["beta"], nesterovs_momentum=False, **common)
    clf.partial_fit(X[:batch], labels[:batch], classes=classes)  # builds the layers; then our weights
    clf.coefs_ = [w.T.copy() for w, _ in layers]
    clf.intercepts_ = [b.copy() for _, b in layers]
    state = {"loss": float("nan")}
    if spec["mode"] == "train":
        def epoch(rows):
            clf.partial_fit(X[:rows], labels[:rows])
            state["loss"] = float(clf.loss_)
        return epoch, state, f"scikit-learn {sklearn.__version__} MLPClassifier, float64, partial_fit (batch_size={batch})"

    def infer(rows):
        for b in range(rows // batch):
            clf.predict_proba(X[b * batch:(b + 1) * batch])
    return infer, state, f"scikit-learn {sklearn.__version__} MLPClassifier, float64, predict_proba"


def main():
    impl, spec_path = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    threads = {"torch-1t": 1, "torch-all": os.cpu_count()}.get(impl)  # scikit-learn: numpy's default pool
    tune_process(threads)
    import numpy as np
    quick = os.environ.get("BENCH_QUICK") == "1"
    t0 = time.perf_counter()
    x = np.fromfile(spec["x"], dtype="<f8")
    y = np.fromfile(spec["y"], dtype="<f8")
    layers = layers_of(spec["sizes"], np.fromfile(spec["params"], dtype="<f8"))
    if impl == "torch-1t":
        epoch, state, info = torch_impl(spec, x, y, layers, 1)
    elif impl == "torch-all":
        epoch, state, info = torch_impl(spec, x, y, layers, os.cpu_count())
    elif impl == "sklearn":
        epoch, state, info = sklearn_impl(spec, x, y, layers)
    else:
        raise SystemExit(f"unknown implementation {impl}")
    setup = time.perf_counter() - t0
    load = os.getloadavg()[0]
    rows = spec["rows"] if not quick else min(spec["rows"], 64 * spec["batch"])
    rates, per_epoch, warm, timed = measure(epoch, spec["batch"], rows, quick)
    print("\nRESULT " + json.dumps({
        "impl": impl, "workload": spec["id"], "median": statistics.median(rates), "min": min(rates), "max": max(rates),
        "epochs": len(rates), "rowsPerEpoch": per_epoch, "stepRows": spec["batch"], "perSample": False,
        "warmSeconds": warm, "timedSeconds": timed, "setupSeconds": setup, "loss": state["loss"] if state["loss"] == state["loss"] else None, "memory": None,
        "stateBytes": None, "info": None, "notes": [info + ("; untuned" if os.environ.get("BENCH_PEER_DEFAULTS") == "1" else "; malloc keeps freed memory")], "loadBefore": load, "loadAfter": os.getloadavg()[0], "node": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
