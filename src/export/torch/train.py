"""Trains the exported mlpc program with PyTorch, on one process or many (torchrun), like `mlpc train`.

    python3 train.py --data train.csv --label label --standardize --early-stopping 20
    torchrun --nproc-per-node 4 train.py --data train.csv --label label

What is ported from mlpc exactly: the CSV checks (messages with file, row and column), the seeded
stratified split, the standardization, the initialization, the per-epoch shuffle, the dropout
masks, the loss with its fused gradient (and class weights), L1/L2 in the loss, mlpc's clipping, the optimizers as
PyTorch's with two parameter groups, and the schedule as LambdaLR with mlpc's formula. On CPU in
float64 the weights equal `mlpc train`'s to rounding. Distributed: rank r takes rows r::W of each
global batch in mlpc's order, each rank's loss is divided by the global batch size and the
gradients are summed across ranks, so W processes compute the same updates as one; only rank 0
writes files. The result is an mlpc weights file for `mlpc predict` and `mlpc export`.
"""
import argparse
import csv
import datetime
import json
import math
import os
import re
import signal
import sys

import torch
import torch.distributed as dist

import model as mlp

EXIT_PROGRAM_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
SMALL_DATA_ROWS = 20
DEFAULT_LABEL = "label"


class Failure(Exception):
    """A message for the user and an exit code: never a traceback."""

    def __init__(self, message, code=EXIT_PROGRAM_ERROR):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------
# The command line, as mlpc train's.
# ---------------------------------------------------------------------------------------------

def count(text):
    if not re.fullmatch(r"\d+", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def non_negative(text):
    if not re.fullmatch(r"\d+", text):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def batch_size(text):
    return "all" if text == "all" else count(text)


def positive(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def fraction(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (0 <= value < 1):
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def class_weight(text):
    """--class-weight: balanced, or class=weight pairs (as mlpc's parseClassWeight)."""
    if text == "balanced":
        return text
    for pair in text.split(","):
        name, at, weight = pair.rpartition("=")
        try:
            value = float(weight) if weight.strip() != "" else float("nan")
        except ValueError:
            value = float("nan")
        if at == "" or name.strip() == "" or not (math.isfinite(value) and value >= 0):
            raise argparse.ArgumentTypeError(f"expected \"balanced\" or class=weight pairs such as 0=1,1=5 (got {json.dumps(pair)})")
    return text


def parse_args(argv):
    p = argparse.ArgumentParser(prog="train.py", description=f"train {mlp.SPEC['name']} (exported by mlpc) with PyTorch")
    p.add_argument("--data", required=True, help="training data: a CSV file with a header row")
    p.add_argument("--label", help="class column: ids 0..K-1, 0/1, or class names (default: label)")
    p.add_argument("--labels", help="multilabel: the 0/1 label columns, comma-separated")
    p.add_argument("--target", help="regression: the target column(s), comma-separated")
    p.add_argument("--epochs", type=count, help="epochs (overrides the program)")
    p.add_argument("--batch", type=batch_size, help="rows per update, global across ranks (overrides the program)")
    p.add_argument("--lr", type=positive, help="learning rate (overrides the program)")
    p.add_argument("--seed", type=non_negative, help="seed of the split, init, shuffling and dropout (overrides the program)")
    p.add_argument("--val", type=fraction, help=f"validation fraction, stratified for classes (default 0.2; 0 below {SMALL_DATA_ROWS} rows)")
    p.add_argument("--early-stopping", type=count, metavar="PATIENCE", help="stop after this many epochs without a better validation loss; keep the best weights")
    p.add_argument("--class-weight", type=class_weight, help="weight each row's loss by its class: balanced, or class=weight pairs such as 0=1,1=5")
    p.add_argument("--standardize", action="store_true", help="scale features to mean 0, std 1 (fitted on the training split, saved with the weights)")
    p.add_argument("-o", "--out", help=f"weights file (default: {mlp.SPEC['name']}.weights.json)")
    p.add_argument("--weights", help="start from these mlpc weights instead of the seeded initialization")
    p.add_argument("--checkpoint", help="save a checkpoint after every epoch (and on Ctrl-C)")
    p.add_argument("--resume", help="continue a run from its checkpoint, exactly")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="cpu (default) or cuda (each rank takes GPU LOCAL_RANK)")
    p.add_argument("--dtype", choices=["f64", "f32"], default="f64", help="f64 (default: mlpc's numbers) or f32")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# The CSV, checked as mlpc train checks it (src/data/): messages say file, row and column.
# ---------------------------------------------------------------------------------------------

DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
NAN = re.compile(r"[+-]?nan", re.IGNORECASE)
INFINITY = re.compile(r"[+-]?(?:inf|infinity)", re.IGNORECASE)
MISSING = re.compile(r"na|\?|nan|null", re.IGNORECASE)  # read as missing, like an empty field (mlpc's isMissingField)


def quote(text):
    cut = text[:57] + "..." if len(text) > 60 else text
    return json.dumps(cut, ensure_ascii=False)


def data_error(file, row, column, message):
    where = [file]
    if row is not None:
        where.append(f"row {row}")
    if column is not None:
        where.append(f"column {quote(column)}")
    return Failure(f"{', '.join(where)}: {message}")


def parse_number(raw):
    """(value, None) or (None, reason), as mlpc's parseNumberField."""
    text = raw.strip()
    if text == "" or MISSING.fullmatch(text):
        return None, "missing"
    if DECIMAL.fullmatch(text):
        value = float(text)
        return (value, None) if math.isfinite(value) else (None, "overflow")
    if NAN.fullmatch(text):
        return None, "nan"
    if INFINITY.fullmatch(text):
        return None, "infinity"
    return None, "not-a-number"


def number_message(raw, reason):
    if reason == "missing":
        return "missing value (an empty field, NA, ?, NaN or null); this trainer reads complete numeric columns only (mlpc train's --impute and --drop-missing are not part of the torch export)"
    if reason in ("nan", "infinity"):
        return f"{quote(raw)} is not allowed: values must be finite numbers"
    if reason == "overflow":
        return f"{quote(raw)} is too large for a 64-bit float"
    return f"{quote(raw)} is not a number; this trainer reads numeric columns only (mlpc train one-hot encodes text columns, the torch export does not)"


def list_names(names, limit=12):
    shown = ", ".join(quote(n) for n in names[:limit])
    return f"{shown}, ... ({len(names)} in all)" if len(names) > limit else shown


def target_spec(spec, args):
    given = [k for k in ("label", "labels", "target") if getattr(args, k) is not None]
    if len(given) > 1:
        raise Failure(f"use only one of --label, --labels and --target (got {' and '.join('--' + g for g in given)})", EXIT_USAGE)
    task = spec["task"]
    outputs = spec["output_size"]
    name = spec["name"]
    if task in ("binary", "multiclass"):
        if args.labels is not None or args.target is not None:
            raise Failure(f"{name} is a {task} classifier ({spec['loss']}): name its class column with --label NAME", EXIT_USAGE)
        return {"kind": "class", "columns": [args.label or DEFAULT_LABEL], "class_count": 2 if task == "binary" else outputs}
    if task == "multilabel":
        if args.labels is None:
            raise Failure(f"{name} is multilabel ({outputs} sigmoid outputs): name its {outputs} label columns with --labels y0,y1,...", EXIT_USAGE)
        flag, text = "--labels", args.labels
    else:
        if args.target is None:
            plural = "" if outputs == 1 else "s"
            more = "" if outputs == 1 else ",NAME,..."
            raise Failure(f"{name} is a regression model ({spec['loss']}): name its target column{plural} with --target NAME{more}", EXIT_USAGE)
        flag, text = "--target", args.target
    columns = [c.strip() for c in text.split(",")]
    if len(columns) != outputs:
        raise Failure(f"{flag} names {len(columns)} column{'' if len(columns) == 1 else 's'}, but {name} has {outputs} outputs", EXIT_USAGE)
    return {"kind": task, "columns": columns}


def read_csv(file, spec, target):
    """(feature names, x rows, target description, y rows) from a CSV file, or a Failure."""
    try:
        handle = open(file, newline="", encoding="utf-8-sig")
    except IsADirectoryError:
        raise Failure(f"{file}: is a directory, not a CSV file")
    except OSError as e:
        raise Failure(f"{file}: cannot read the file ({'no such file' if isinstance(e, FileNotFoundError) else e.strerror})")
    with handle:
        reader = csv.reader(handle, skipinitialspace=True, strict=True)
        header = None
        plan = None
        xs, ys, labels = [], [], []
        try:
            for record in reader:
                record = [field.strip() for field in record]
                if len(record) == 0 or record == [""]:
                    continue  # blank lines
                row = reader.line_num - sum(field.count("\n") for field in record)
                if header is None:
                    header = record
                    plan = plan_columns(file, header, spec, target)
                    continue
                if len(record) != len(header):
                    raise data_error(file, row, None, f"this row has {len(record)} field{'' if len(record) == 1 else 's'}, but the header has {len(header)} columns")
                x = []
                for column in plan["feature_index"]:
                    value, reason = parse_number(record[column])
                    if reason is not None:
                        raise data_error(file, row, header[column], number_message(record[column], reason))
                    x.append(value)
                xs.append(x)
                if target["kind"] == "class":
                    column = plan["target_index"][0]
                    labels.append((record[column], row))
                else:
                    y = []
                    for column in plan["target_index"]:
                        value, reason = parse_number(record[column])
                        if reason is not None:
                            raise data_error(file, row, header[column], number_message(record[column], reason))
                        if target["kind"] == "multilabel" and value not in (0, 1):
                            raise data_error(file, row, header[column], f"{quote(record[column])} is not a label: multilabel targets are 0 or 1")
                        y.append(value)
                    ys.append(y)
        except csv.Error as e:
            raise Failure(f"{file}, row {reader.line_num}: {e}")
        except UnicodeDecodeError as e:
            raise Failure(f"{file}: not UTF-8 text ({e.reason})")
    if header is None:
        raise Failure(f"{file}: the file is empty: expected a header row, then one row per example")
    if not xs:
        raise Failure(f"{file}: there are no data rows after the header")
    saved = {"kind": target["kind"], "columns": plan["target_names"]}
    if target["kind"] == "class":
        ids, names = encode_classes(file, plan["target_names"][0], target["class_count"], labels)
        saved = {"kind": "class", "column": plan["target_names"][0], "classCount": target["class_count"], "classNames": names}
        return plan["feature_names"], xs, saved, ids
    return plan["feature_names"], xs, saved, ys


def plan_columns(file, header, spec, target):
    seen = {}
    for i, name in enumerate(header):
        if name == "":
            raise data_error(file, 1, None, f"column {i + 1} has no name (the header row names every column)")
        if name in seen:
            raise data_error(file, 1, name, f"the column name appears twice (columns {seen[name] + 1} and {i + 1}); column names must be unique")
        seen[name] = i
    for name in target["columns"]:
        if name not in seen:
            close = suggest(name, [h.lower() for h in header])
            original = next((h for h in header if h.lower() == close), None) if close is not None else None
            hint = "" if original is None else f"; did you mean {quote(original)}?"
            raise data_error(file, 1, None, f"there is no column named {quote(name)}{hint} (columns: {list_names(header)})")
    features = [name for name in header if name not in target["columns"]]
    if len(features) != spec["input_size"]:
        n = spec["input_size"]
        rest = f"every column except {', '.join(quote(t) for t in target['columns'])}"
        raise data_error(
            file, 1, None,
            f"the model takes {n} input{'' if n == 1 else 's'}, but there {'is' if len(features) == 1 else 'are'} {len(features)} feature column{'' if len(features) == 1 else 's'} ({rest}): {list_names(features)}; name the target columns with --label, --labels or --target",
        )
    return {
        "feature_names": features,
        "feature_index": [seen[name] for name in features],
        "target_names": list(target["columns"]),
        "target_index": [seen[name] for name in target["columns"]],
    }


def edit_distance(a, b):
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions), as mlpc's."""
    m, n = len(a), len(b)
    d = [[j if i == 0 else (i if j == 0 else 0) for j in range(n + 1)] for i in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, d[i - 2][j - 2] + 1)
            d[i][j] = best
    return d[m][n]


def suggest(word, candidates):
    """The closest candidate if it is a plausible typo, as mlpc's "did you mean"."""
    if len(word) > 64:
        return None
    lower = word.lower()
    best, best_distance = None, math.inf
    for c in candidates:
        dist = edit_distance(lower, c)
        if dist < best_distance:
            best, best_distance = c, dist
    limit = max(1, min(3, len(word) // 3))
    return best if best_distance <= limit else None


def encode_classes(file, column, class_count, labels):
    """Class ids (the column starts with a number) or names numbered in sorted order, as mlpc's encoder."""
    ids = []
    names = {}
    mode = None
    for raw, row in labels:
        text = raw.strip()
        if text == "":
            raise data_error(file, row, column, "missing value (every row needs a class)")
        if mode is None:
            mode = "ids" if parse_number(text)[1] is None else "names"
        if mode == "ids":
            value, reason = parse_number(text)
            if reason is not None or value != math.floor(value):
                raise data_error(file, row, column, f"{quote(text)} is not a class id: the column starts with numbers, so every value must be a whole number from 0 to {class_count - 1}")
            if value < 0 or value >= class_count:
                ids_text = "0 and 1" if class_count == 2 else f"0 to {class_count - 1}"
                raise data_error(file, row, column, f"class id {format_number(value)} is out of range: the model has {class_count} classes (ids {ids_text})")
            ids.append(int(value))
            continue
        if text not in names:
            if len(names) >= class_count:
                known = ", ".join(quote(n) for n in names)
                raise data_error(file, row, column, f"{quote(text)} would be class {len(names) + 1}, but the model has {class_count} classes (already seen: {known})")
            names[text] = len(names)
        ids.append(names[text])
    if mode != "names":
        return ids, None
    ordered = sorted(names, key=lambda s: s.encode("utf-16-be"))
    remap = {names[name]: final for final, name in enumerate(ordered)}
    return [remap[i] for i in ids], ordered


def format_number(value):
    return str(int(value)) if value == math.floor(value) and abs(value) < 2**53 else repr(value)


# ---------------------------------------------------------------------------------------------
# Split and scaling: mlpc's seeded stratified split (mulberry32) and StandardScaler.
# ---------------------------------------------------------------------------------------------

def mulberry32(seed):
    state = [seed & mlp.MASK32]

    def next_float():
        state[0] = (state[0] + 0x6D2B79F5) & mlp.MASK32
        t = state[0]
        t = mlp.imul(t ^ (t >> 15), t | 1)
        t ^= (t + mlp.imul(t ^ (t >> 7), t | 61)) & mlp.MASK32
        return ((t ^ (t >> 14)) & mlp.MASK32) / 4294967296

    return next_float


def js_round(x):
    return math.floor(x + 0.5)


def split_rows(rows, frac, seed, class_ids):
    if frac <= 0 or rows < 2:
        return list(range(rows)), []
    random = mulberry32(seed)
    if class_ids is None:
        groups = [list(range(rows))]
    else:
        members = {}
        for i, c in enumerate(class_ids):
            members.setdefault(c, []).append(i)
        groups = [members[c] for c in sorted(members)]
    validation, train = [], []
    for group in groups:
        for i in range(len(group) - 1, 0, -1):
            j = math.floor(random() * (i + 1))
            group[i], group[j] = group[j], group[i]
        take = js_round(len(group) * frac)
        for i, row in enumerate(group):
            (validation if i < take else train).append(row)
    if not validation:
        validation.append(train.pop())
    if not train:
        train.append(validation.pop())
    return sorted(train), sorted(validation)


def fit_standardizer(x, features):
    """Population mean and std per feature, summed in row order as mlpc does; a constant column gets std 1."""
    rows = len(x)
    width = len(features)
    mean = [0.0] * width
    for r in x:
        for c in range(width):
            mean[c] += r[c]
    mean = [m / rows for m in mean]
    acc = [0.0] * width
    for r in x:
        for c in range(width):
            d = r[c] - mean[c]
            acc[c] += d * d
    std = []
    for c in range(width):
        s = math.sqrt(acc[c] / rows)
        std.append(s if s > 0 and math.isfinite(s) else 1.0)
    return {"kind": "standardize", "features": list(features), "mean": mean, "std": std}


def scaled(rows, scaling):
    if scaling is None:
        return rows
    mean, std = scaling["mean"], scaling["std"]
    return [[(v - mean[c]) / std[c] for c, v in enumerate(r)] for r in rows]


def class_weights(spec, flag, target, ids, train_idx):
    """Per class id the weight of its rows (mlpc's --class-weight): n / (K n_k) on the training split for balanced."""
    if flag is None:
        return None
    binary = spec["loss"] == "bce" and spec["output_size"] == 1
    if spec["loss"] != "softmax_ce" and not binary:
        why = "a regression model has no classes to weigh" if spec["loss"] == "mse" else "a multilabel model gives each row several labels, and class weights are per class of a single label"
        raise Failure(f"--class-weight needs a classifier of one label (softmax_ce, or bce with one output); {spec['name']} uses {spec['loss']}: {why}", EXIT_USAGE)
    k = target["classCount"]
    if flag == "balanced":
        counts = [0] * k
        for i in train_idx:
            counts[ids[i]] += 1
        return [1.0 if n == 0 else len(train_idx) / (k * n) for n in counts]
    names = target["classNames"] or [str(c) for c in range(k)]
    weights = [1.0] * k
    for pair in flag.split(","):
        name, _, weight = pair.rpartition("=")
        name = name.strip()
        if name not in names:
            raise Failure(f"--class-weight names class {json.dumps(name)}, but the classes are {', '.join(json.dumps(n) for n in names)}", EXIT_USAGE)
        weights[names.index(name)] = float(weight)
    return weights


def target_rows(spec, target, ys):
    if target["kind"] != "class":
        return ys
    if spec["output_size"] == 1:
        return [[float(i)] for i in ys]
    return [[1.0 if j == i else 0.0 for j in range(spec["output_size"])] for i in ys]


# ---------------------------------------------------------------------------------------------
# Distributed helpers: with one process they do nothing.
# ---------------------------------------------------------------------------------------------

class World:
    def __init__(self, device_kind):
        self.size = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        if device_kind == "cuda":
            if not torch.cuda.is_available():
                raise Failure("--device cuda: no CUDA device is available to PyTorch", EXIT_USAGE)
            torch.cuda.set_device(local)
            self.device = torch.device("cuda", local)
        else:
            self.device = torch.device("cpu")
        if self.size > 1:
            dist.init_process_group(backend="nccl" if device_kind == "cuda" else "gloo")

    def sum(self, tensor):
        if self.size > 1:
            dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return tensor

    def close(self):
        if self.size > 1 and dist.is_initialized():
            dist.destroy_process_group()


# ---------------------------------------------------------------------------------------------
# Optimizer and schedule: PyTorch's, in mlpc's meaning.
# ---------------------------------------------------------------------------------------------

def make_optimizer(spec, net, lr):
    """Two parameter groups, weights and biases: AdamW's decoupled decay applies to weights only.
    mlpc folds a coupled weight_decay (sgd, momentum, adam) into L2, which is in the loss (penalty),
    so it is clipped with the data gradient as in mlpc; the groups' weight_decay is then 0."""
    o = spec["optimizer"]
    weights, biases = net.weights_and_biases()
    decay = o["weight_decay"] if o["kind"] == "adamw" else 0.0
    groups = [{"params": weights, "weight_decay": decay}, {"params": biases, "weight_decay": 0.0}]
    if o["kind"] == "sgd":
        return torch.optim.SGD(groups, lr=lr)
    if o["kind"] == "momentum":
        return torch.optim.SGD(groups, lr=lr, momentum=o["beta"], nesterov=o["nesterov"])
    if o["kind"] == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["eps"])
    return torch.optim.AdamW(groups, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["eps"])


def make_schedule(spec, optimizer, lr0, step):
    """LambdaLR with mlpc's learningRate(t) / lr0, placed at update `step`."""
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: mlp.learning_rate(spec, lr0, t) / lr0)
    if step > 0:
        scheduler.last_epoch = step
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"] * mlp.learning_rate(spec, lr0, step) / lr0
    return scheduler


BUFFERS = {"sgd": [], "momentum": [("buf", "momentum_buffer")], "adam": [("m", "exp_avg"), ("v", "exp_avg_sq")], "adamw": [("m", "exp_avg"), ("v", "exp_avg_sq")]}


def layer_tensors(net):
    out = []
    for linear in net.dense:
        out.extend([linear.weight, linear.bias])
    return out


def optimizer_buffers(spec, net, optimizer):
    """The optimizer state in mlpc's layout and names (m, v for Adam/AdamW, buf for momentum)."""
    out = {}
    for name, key in BUFFERS[spec["optimizer"]["kind"]]:
        tensors = [optimizer.state.get(p, {}).get(key, torch.zeros_like(p)) for p in layer_tensors(net)]
        out[name] = mlp.flatten_like(spec, tensors)
    return out


def load_optimizer_buffers(spec, net, optimizer, buffers, step):
    if step == 0:
        return
    offset = 0
    for p in layer_tensors(net):
        n = p.numel()
        state = optimizer.state[p]
        for name, key in BUFFERS[spec["optimizer"]["kind"]]:
            state[key] = torch.tensor(buffers[name][offset:offset + n], dtype=p.dtype, device=p.device).reshape(p.shape)
        if spec["optimizer"]["kind"] in ("adam", "adamw"):
            state["step"] = torch.tensor(float(step))
        offset += n


# ---------------------------------------------------------------------------------------------
# Training.
# ---------------------------------------------------------------------------------------------

def activation_text(layer):
    """The layer's activation as mlpc writes it in weights files: relu, leaky_relu(alpha=0.1), ..."""
    return layer["activation_text"]


def trainer_json(spec, net, optimizer, seed, step, epoch):
    return {
        "format": "mlpc-trainer",
        "version": 1,
        "model": spec["name"],
        "optimizer": spec["optimizer"]["kind"],
        "layers": [{"name": l["name"], "inputs": l["inputs"], "units": l["units"], "activation": activation_text(l)} for l in mlp.dense_layers(spec)],
        "seed": seed,
        "step": step,
        "epoch": epoch,
        "batch": 0,
        "partialEpoch": None,
        "params": net.to_flat(),
        "buffers": optimizer_buffers(spec, net, optimizer),
    }


def write_atomic(path, text):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise Failure(f"cannot read the {what} {path}: no such file", EXIT_USAGE)
    except (OSError, ValueError) as e:
        raise Failure(f"{path}: not a readable {what} ({e})")


def check_layers(spec, trainer, path):
    expected = [{"inputs": l["inputs"], "units": l["units"], "activation": activation_text(l)} for l in mlp.dense_layers(spec)]
    found = [{"inputs": l.get("inputs"), "units": l.get("units"), "activation": l.get("activation")} for l in trainer.get("layers", [])] if isinstance(trainer, dict) else []
    params = trainer.get("params") if isinstance(trainer, dict) else None
    if found != expected or not isinstance(params, list) or len(params) != spec["param_count"]:
        raise Failure(f"{path}: these weights do not fit {spec['name']} (layers or parameter count differ)")
    return params


def accuracy_counters(spec):
    """How many counters correct_counts fills: 1 for softmax_ce, one an output for bce and
    multilabel_bce, none for mse (no accuracy); as mlpc's ACCURACY_COUNTERS."""
    if spec["loss"] == "softmax_ce":
        return 1
    return 0 if spec["loss"] == "mse" else spec["output_size"]


def correct_counts(spec, out, y):
    """mlpc's countCorrect summed over rows, one count a counter: softmax_ce counts rows whose largest
    output (first on ties) is the largest target; bce and multilabel_bce count, output by output, an
    output on the same side of 0.5 as its target."""
    if out.shape[0] == 0 or spec["loss"] == "mse":
        return torch.zeros(accuracy_counters(spec), dtype=out.dtype, device=out.device)
    if spec["loss"] == "softmax_ce":
        return torch.sum(torch.argmax(out, dim=1) == torch.argmax(y, dim=1)).to(out.dtype).reshape(1)
    return torch.sum((out >= 0.5) == (y >= 0.5), dim=0).to(out.dtype)


def accuracy_of(correct, rows):
    """The accuracy of counts over rows: their sum / (rows x counters), or None (no accuracy, no rows)."""
    if len(correct) == 0 or rows == 0:
        return None
    return sum(correct) / (rows * len(correct))


def evaluate(spec, net, world, x, y):
    """(loss incl. regularization, accuracy or None) over all rows; rank r takes rows r::W."""
    rows = x.shape[0]
    with torch.no_grad():
        xs, ys = x[world.rank::world.size], y[world.rank::world.size]
        loss = net.data_loss(xs, ys, mlp.loss_scale(spec, rows)) if xs.shape[0] > 0 else torch.zeros((), dtype=x.dtype, device=x.device)
        correct = correct_counts(spec, net(xs), ys)
        totals = world.sum(torch.cat([loss.reshape(1), correct]))
        penalty = net.penalty()
        total_loss = totals[0].item() + (penalty.item() if penalty is not None else 0.0)
        return total_loss, accuracy_of(totals[1:].tolist(), rows)


def log(args, world, text):
    if world.rank == 0 and not args.quiet:
        print(text, flush=True)


def main(argv):
    args = parse_args(argv)
    spec = mlp.SPEC
    world = World(args.device)
    try:
        return run(args, spec, world)
    finally:
        world.close()


def check_resume_flags(saved, args):
    """A resumed run keeps its settings: a flag that contradicts the checkpoint is a usage error, as in mlpc."""
    pairs = [
        ("--lr", args.lr, saved["lr"]),
        ("--seed", args.seed, saved["seed"]),
        ("--batch", args.batch, saved["batch"]),
        ("--val", args.val, saved["validation"]),
        ("--early-stopping", args.early_stopping, saved["patience"]),
        ("--standardize", True if args.standardize else None, saved["standardize"]),
        ("--class-weight", args.class_weight, saved.get("class_weight")),
    ]
    for flag, given, kept in pairs:
        if given is not None and given != kept:
            raise Failure(f"{flag} {given} differs from the checkpoint's {kept} ({args.resume}); a resumed run keeps the settings it started with", EXIT_USAGE)


def run(args, spec, world):
    dtype = torch.float64 if args.dtype == "f64" else torch.float32
    checkpoint = read_json(args.resume, "checkpoint") if args.resume else None
    if checkpoint is not None and checkpoint.get("format") != "mlpc-torch-checkpoint":
        raise Failure(f"{args.resume}: not a checkpoint of this train.py (format {json.dumps(checkpoint.get('format'))})")
    target = target_spec(spec, args)
    features, x_rows, saved_target, y_raw = read_csv(args.data, spec, target)
    if checkpoint is not None:
        settings = checkpoint["settings"]
        check_resume_flags(settings, args)
        if args.epochs is not None:
            settings["epochs"] = args.epochs
    else:
        settings = {
            "epochs": args.epochs if args.epochs is not None else spec["training"]["epochs"],
            "batch": args.batch if args.batch is not None else spec["training"]["batch"],
            "lr": args.lr if args.lr is not None else spec["optimizer"]["lr"],
            "seed": args.seed if args.seed is not None else spec["training"]["seed"],
            "validation": args.val if args.val is not None else (0 if len(x_rows) < SMALL_DATA_ROWS else 0.2),
            "standardize": bool(args.standardize),
            "patience": args.early_stopping,
            "class_weight": args.class_weight,
            "shuffle": spec["training"]["shuffle"],
        }
    seed = settings["seed"]
    class_ids = y_raw if saved_target["kind"] == "class" else None
    train_idx, val_idx = split_rows(len(x_rows), settings["validation"], seed, class_ids)
    scaling = fit_standardizer([x_rows[i] for i in train_idx], features) if settings["standardize"] else None
    y_rows = target_rows(spec, saved_target, y_raw)
    n = len(train_idx)
    if settings["batch"] != "all" and n < settings["batch"]:
        raise Failure(f"{args.data}: the training split has {n} row{'' if n == 1 else 's'}, fewer than one batch of {settings['batch']}; lower --batch (or use batch=all) or add data")

    def tensor(rows, width):
        return torch.tensor(rows, dtype=dtype, device=world.device).reshape(len(rows), width)

    train_x = tensor(scaled([x_rows[i] for i in train_idx], scaling), spec["input_size"])
    train_y = tensor([y_rows[i] for i in train_idx], spec["output_size"])
    weights = class_weights(spec, settings.get("class_weight"), saved_target, class_ids, train_idx)
    # The weight of each training row's class (class weights), as mlpc's Trainer gives each batch.
    train_w = None if weights is None else tensor([[weights[class_ids[i]]] for i in train_idx], 1)
    val_x = tensor(scaled([x_rows[i] for i in val_idx], scaling), spec["input_size"])
    val_y = tensor([y_rows[i] for i in val_idx], spec["output_size"])

    net = mlp.MLP(spec, dtype=dtype, device=world.device)
    lr0 = settings["lr"]
    optimizer = make_optimizer(spec, net, lr0)
    step, epoch, batch, loss_sum, loss_rows = 0, 0, 0, 0.0, 0
    # The running training accuracy of the epoch (mlpc's Trainer): the batches' correct counts and their rows.
    counters = accuracy_counters(spec)
    epoch_correct, correct_rows = [0.0] * counters, 0
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": [], "lr": []}
    early = None
    if checkpoint is not None:
        t = checkpoint["trainer"]
        net.load_flat(t["params"])
        step, epoch, batch = t["step"], t["epoch"], t["batch"]
        partial = checkpoint["partial"]
        loss_sum, loss_rows = partial["lossSum"], partial["rows"]
        # A checkpoint from before the running accuracy has no counts: the epoch counts the batches after the resume, as in mlpc.
        if "correct" in partial:
            epoch_correct, correct_rows = [float(c) for c in partial["correct"]], partial["correctRows"]
        load_optimizer_buffers(spec, net, optimizer, t["buffers"], step)
        history, early = checkpoint["history"], checkpoint["early"]
    else:
        start = args.weights or spec.get("start_weights")
        if start is not None and args.weights is None:
            start = os.path.join(os.path.dirname(os.path.abspath(mlp.__file__)), start)
        if start is not None:
            weights = read_json(start, "weights file")
            net.load_flat(check_layers(spec, weights.get("trainer") if isinstance(weights, dict) else None, start))
        else:
            net.load_flat(mlp.init_params(spec, seed))
    scheduler = make_schedule(spec, optimizer, lr0, step)

    batch_rows = n if settings["batch"] == "all" else min(settings["batch"], n)
    batches = math.ceil(n / batch_rows)
    clip = spec["optimizer"]["clip"]
    interrupted = [False]
    signal.signal(signal.SIGINT, lambda *_: interrupted.__setitem__(0, True))
    signal.signal(signal.SIGTERM, lambda *_: interrupted.__setitem__(0, True))
    checkpoint_path = args.checkpoint or args.resume or f"{spec['name']}.torch-checkpoint.json"
    log(args, world, f"training {spec['name']}: {n} rows, {len(val_idx)} for validation, epochs {epoch + 1}..{settings['epochs']}, {batches} batches each, {world.size} process{'es' if world.size > 1 else ''}")

    def save_checkpoint():
        if world.rank != 0:
            return
        write_atomic(checkpoint_path, json.dumps({
            "format": "mlpc-torch-checkpoint",
            "version": 1,
            "model": spec["name"],
            "settings": settings,
            "trainer": {**trainer_json(spec, net, optimizer, seed, step, epoch), "batch": batch},
            "partial": {"lossSum": loss_sum, "rows": loss_rows, "correct": epoch_correct, "correctRows": correct_rows},
            "history": history,
            "early": early,
        }))

    stop_note = None
    while epoch < settings["epochs"] and stop_note is None:
        order = mlp.shuffled_order(n, seed if settings["shuffle"] else None, epoch)
        while batch < batches:
            rows = order[batch * batch_rows:(batch + 1) * batch_rows]
            mine = torch.tensor(rows[world.rank::world.size], dtype=torch.long, device=world.device)
            masks = mlp.dropout_masks(spec, len(rows), seed, step, dtype, world.device)
            if masks is not None:
                masks = [m[world.rank::world.size] for m in masks]
            optimizer.zero_grad(set_to_none=False)
            loss = net.data_loss(train_x[mine], train_y[mine], mlp.loss_scale(spec, len(rows)), masks, None if train_w is None else train_w[mine])
            penalty = net.penalty()
            if penalty is not None and world.rank == 0:
                loss = loss + penalty  # once across ranks: the gradients are summed
            loss.backward()
            # This rank's correct rows of the batch, from the outputs of the forward just done (the
            # batch as trained, before its update) against the targets as given (class weights are not in train_y).
            correct = correct_counts(spec, net.outputs(net.last_logits), train_y[mine])
            # One all-reduce a batch: the loss, whether any rank was interrupted (so all stop after
            # the same batch instead of waiting for each other), the correct counts, and the gradients.
            stop = torch.tensor([1.0 if interrupted[0] else 0.0], dtype=dtype, device=world.device)
            flat = torch.cat([loss.detach().reshape(1), stop, correct] + [p.grad.reshape(-1) for p in layer_tensors(net)])
            world.sum(flat)
            stopping = flat[1].item() > 0
            batch_correct = flat[2:2 + counters].tolist()
            offset = 2 + counters
            for p in layer_tensors(net):
                p.grad.copy_(flat[offset:offset + p.numel()].reshape(p.shape))
                offset += p.numel()
            batch_loss = flat[0].item()
            if not math.isfinite(batch_loss):
                raise Failure(f"training diverged: the loss is {batch_loss} at epoch {epoch + 1}, batch {batch + 1} (update {step + 1}). Try a lower learning rate or gradient clipping (clip=1 on the optimizer line).")
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(layer_tensors(net), clip)
            optimizer.step()
            scheduler.step()
            step += 1
            batch += 1
            loss_sum += batch_loss * len(rows)
            loss_rows += len(rows)
            epoch_correct = [c + b for c, b in zip(epoch_correct, batch_correct)]
            correct_rows += len(rows)
            if stopping:
                save_checkpoint()
                raise Failure(f"interrupted in epoch {epoch + 1} after batch {batch}; checkpoint saved to {checkpoint_path}", EXIT_INTERRUPTED)
        logs = {"loss": loss_sum / loss_rows}
        accuracy = accuracy_of(epoch_correct, correct_rows)
        if accuracy is not None:
            logs["accuracy"] = accuracy
        if len(val_idx) > 0:
            logs["val_loss"], val_accuracy = evaluate(spec, net, world, val_x, val_y)
            if val_accuracy is not None:
                logs["val_accuracy"] = val_accuracy
        logs["lr"] = mlp.learning_rate(spec, lr0, step - 1)
        for key, value in logs.items():
            history[key].append(value)
        best = ""
        if settings["patience"] is not None:
            monitored = logs.get("val_loss", logs["loss"])
            if early is None or monitored < early["best"]:
                early = {"best": monitored, "bestEpoch": epoch, "wait": 0, "bestParams": net.to_flat()}
                best = "  *"
            else:
                early["wait"] += 1
                if early["wait"] >= settings["patience"]:
                    what = "training" if "val_loss" not in logs else "validation"
                    stop_note = f"Stopped early after epoch {epoch + 1}: no better {what} loss for {settings['patience']} epochs; kept the weights of epoch {early['bestEpoch'] + 1} (loss {early['best']:.4g})."
        parts = [f"epoch {epoch + 1:>3}/{settings['epochs']}"] + [f"{k} {v:.4g}" for k, v in logs.items()]
        log(args, world, "  ".join(parts) + best)
        epoch += 1
        batch, loss_sum, loss_rows = 0, 0.0, 0
        epoch_correct, correct_rows = [0.0] * counters, 0
        if args.checkpoint:
            save_checkpoint()
    if stop_note is not None:
        log(args, world, stop_note)
    trainer = trainer_json(spec, net, optimizer, seed, step, epoch)
    if settings["patience"] is not None and early is not None:
        trainer["params"] = early["bestParams"]
    out = args.out or f"{spec['name']}.weights.json"
    if world.rank == 0:
        write_atomic(out, json.dumps({
            "format": "mlpc-weights",
            "version": 1,
            "mlpc": spec["mlpc"],
            "model": spec["name"],
            "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "features": features,
            "target": saved_target,
            "scaling": scaling,
            "trainer": trainer,
        }) + "\n")
    log(args, world, f"trained {len(history['loss'])} epochs; wrote {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failure as e:
        print(f"train.py: {e}", file=sys.stderr)
        sys.exit(e.code)
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
