"""The mlpc program as a PyTorch module, with mlpc's formulas, initialization and random numbers.

Written by `mlpc export MODEL.mlp --to torch`. Only SPEC (below) is generated from the program;
the rest is the same for every model. train.py drives it; `mlpc predict` and `mlpc export` read
the weights file train.py writes.

Parameters and mlpc's flat parameter vector: dense layer k is `model.dense[k]`, an nn.Linear whose
`weight` (units x inputs) is W row-major and whose `bias` is b, exactly mlpc's layout: W[j][i] at
params[weight_offset + j * inputs + i], b[j] at params[bias_offset + j] (SPEC lists the offsets).
`to_flat()` and `load_flat()` convert; the dropout layers have no parameters.
"""
import math

import torch

SPEC = {
    "name": "digits_dropout",
    "mlpc": "0.1.0",
    "input_size": 64,
    "output_size": 10,
    "param_count": 9610,
    "layers": [
        {
            "kind": "dense",
            "name": "dense_1",
            "inputs": 64,
            "units": 128,
            "activation": "relu",
            "alpha": None,
            "activation_text": "relu",
            "init": "he_uniform",
            "weight_offset": 0,
            "bias_offset": 8192,
        },
        {
            "kind": "dropout",
            "name": "dropout_1",
            "units": 128,
            "rate": 0.2,
        },
        {
            "kind": "dense",
            "name": "dense_2",
            "inputs": 128,
            "units": 10,
            "activation": "softmax",
            "alpha": None,
            "activation_text": "softmax",
            "init": "xavier_uniform",
            "weight_offset": 8320,
            "bias_offset": 9600,
        },
    ],
    "loss": "softmax_ce",
    "task": "multiclass",
    "optimizer": {
        "kind": "adam",
        "lr": 0.002,
        "clip": None,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
    },
    "schedule": {
        "warmup": 0,
        "decay": {
            "kind": "cosine",
            "t_max": 3000,
            "eta_min": 0.00001,
            "restart": None,
        },
    },
    "regularization": {
        "l1": 0,
        "l2": 0,
    },
    "training": {
        "batch": 32,
        "epochs": 40,
        "shuffle": True,
        "seed": 42,
    },
    "start_weights": None,
}

SQRT1_2 = math.sqrt(0.5)
INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
GELU_TANH_C = 0.044715
MASK32 = 0xFFFFFFFF
# The first stream of the dropout masks: update t draws from stream DROPOUT_STREAM + t.
DROPOUT_STREAM = 0x80000000


# ---------------------------------------------------------------------------------------------
# Activations: mlpc's forward expression and the local derivative its backward uses, term by term
# (relu'(0) = 0, leaky_relu'(0) = alpha), so autograd sees the same numbers as mlpc's code.
# ---------------------------------------------------------------------------------------------

def activation_value(kind, alpha, z):
    if kind == "linear":
        return z
    if kind == "sigmoid":
        return 1 / (1 + torch.exp(-z))
    if kind == "tanh":
        return torch.tanh(z)
    if kind == "relu":
        return torch.where(z > 0, z, torch.zeros_like(z))
    if kind == "leaky_relu":
        return torch.where(z > 0, z, alpha * z)
    if kind == "gelu":
        return 0.5 * z * (1 + torch.erf(z * SQRT1_2))
    if kind == "gelu_tanh":
        return 0.5 * z * (1 + torch.tanh(SQRT_2_OVER_PI * (z + GELU_TANH_C * z * z * z)))
    if kind == "swish":
        return z / (1 + torch.exp(-z))
    raise ValueError(f"no elementwise activation {kind}")


def activation_derivative(kind, alpha, z, a, da):
    if kind == "linear":
        return da
    if kind == "sigmoid":
        return da * a * (1 - a)
    if kind == "tanh":
        return da * (1 - a * a)
    if kind == "relu":
        return torch.where(z > 0, da, torch.zeros_like(da))
    if kind == "leaky_relu":
        return torch.where(z > 0, da, alpha * da)
    if kind == "gelu":
        return da * (0.5 * (1 + torch.erf(z * SQRT1_2)) + z * torch.exp(-0.5 * z * z) * INV_SQRT_2PI)
    if kind == "gelu_tanh":
        t = torch.tanh(SQRT_2_OVER_PI * (z + GELU_TANH_C * z * z * z))
        return da * (0.5 * (1 + t) + 0.5 * z * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_C * z * z))
    if kind == "swish":
        s = 1 / (1 + torch.exp(-z))
        return da * (s * (1 + z * (1 - s)))
    raise ValueError(f"no elementwise activation {kind}")


class Activation(torch.autograd.Function):
    """a = f(z) with mlpc's f and mlpc's f' in backward."""

    @staticmethod
    def forward(ctx, z, kind, alpha):
        a = activation_value(kind, alpha, z)
        ctx.save_for_backward(z, a)
        ctx.kind = kind
        ctx.alpha = alpha
        return a

    @staticmethod
    def backward(ctx, da):
        z, a = ctx.saved_tensors
        return activation_derivative(ctx.kind, ctx.alpha, z, a, da), None, None


# ---------------------------------------------------------------------------------------------
# Losses at the logits, fused with the output activation as in mlpc: forward returns the batch's
# summed loss times `scale`, backward returns mlpc's dJ/dz (p - y for one-hot softmax rows).
# scale is 1 / (global batch rows x outputs), or 1 / rows for softmax_ce.
# ---------------------------------------------------------------------------------------------

class SigmoidCrossEntropy(torch.autograd.Function):
    """bce, multilabel_bce: max(z, 0) - z y + log(1 + e^-|z|); dJ/dz = (sigmoid(z) - y) scale.
    With row_weight (rows x 1, class weights of a binary model): each row's loss and dJ/dz times its weight, as mlpc's rowWeight."""

    @staticmethod
    def forward(ctx, z, y, scale, row_weight=None):
        e = torch.exp(-torch.abs(z))
        terms = torch.clamp(z, min=0) - z * y + torch.log1p(e)
        p = torch.where(z >= 0, 1 / (1 + e), e / (1 + e))
        if row_weight is None:
            loss = torch.sum(terms) * scale
            ctx.save_for_backward((p - y) * scale)
        else:
            loss = torch.sum(row_weight * terms) * scale
            ctx.save_for_backward((p - y) * (row_weight * scale))
        return loss

    @staticmethod
    def backward(ctx, g):
        (dz,) = ctx.saved_tensors
        return dz * g, None, None, None


class SoftmaxCrossEntropy(torch.autograd.Function):
    """softmax_ce: -sum_j y_j (z_j - logsumexp(z)), the row max subtracted; dJ/dz = (p sum(y) - y) scale."""

    @staticmethod
    def forward(ctx, z, y, scale):
        m = torch.max(z, dim=1, keepdim=True).values
        e = torch.exp(z - m)
        s = torch.sum(e, dim=1, keepdim=True)
        log_p = z - m - torch.log(s)
        loss = -torch.sum(y * log_p) * scale
        p = e / s
        ctx.save_for_backward((p * torch.sum(y, dim=1, keepdim=True) - y) * scale)
        return loss

    @staticmethod
    def backward(ctx, g):
        (dz,) = ctx.saved_tensors
        return dz * g, None, None


class MeanSquaredError(torch.autograd.Function):
    """mse: (a - y)^2 summed (no 1/2); dJ/da = (a - y) 2 scale."""

    @staticmethod
    def forward(ctx, a, y, scale):
        d = a - y
        ctx.save_for_backward(d * (2 * scale))
        return torch.sum(d * d) * scale

    @staticmethod
    def backward(ctx, g):
        (da,) = ctx.saved_tensors
        return da * g, None, None


def loss_scale(spec, rows):
    """mlpc's lossScale for `rows` rows: 1 / rows for softmax_ce, 1 / (rows x outputs) otherwise."""
    if spec["loss"] == "softmax_ce" or spec["output_size"] == 1:
        return 1 / rows
    return 1 / (rows * spec["output_size"])


# ---------------------------------------------------------------------------------------------
# The network.
# ---------------------------------------------------------------------------------------------

def dense_layers(spec):
    return [layer for layer in spec["layers"] if layer["kind"] == "dense"]


def dropout_layers(spec):
    return [layer for layer in spec["layers"] if layer["kind"] == "dropout"]


class MLP(torch.nn.Module):
    """The program's network: nn.Linear per dense layer, mlpc's activations, dropout as mlpc's masks."""

    def __init__(self, spec=None, dtype=torch.float64, device="cpu"):
        super().__init__()
        self.spec = SPEC if spec is None else spec
        self.last_logits = None  # data_loss's logits of its last call
        self.dense = torch.nn.ModuleList(
            torch.nn.Linear(layer["inputs"], layer["units"], dtype=dtype, device=device) for layer in dense_layers(self.spec)
        )
        with torch.no_grad():
            for linear in self.dense:
                linear.weight.zero_()
                linear.bias.zero_()

    def logits(self, x, masks=None):
        """z of the output layer. masks: one (rows x units) tensor per dropout layer (training), or None."""
        h = x
        k = 0
        d = 0
        layers = dense_layers(self.spec)
        for layer in self.spec["layers"]:
            if layer["kind"] == "dropout":
                if masks is not None:
                    h = h * masks[d]
                d += 1
                continue
            z = torch.nn.functional.linear(h, self.dense[k].weight, self.dense[k].bias)
            if k == len(layers) - 1:
                return z
            h = Activation.apply(z, layer["activation"], layer["alpha"])
            k += 1
        raise ValueError("the network has no dense layer")

    def forward(self, x):
        """The outputs mlpc's forward gives: probabilities for softmax and sigmoid outputs."""
        return self.outputs(self.logits(x))

    def outputs(self, z):
        """The output layer's activation on its logits z, as forward applies it."""
        last = dense_layers(self.spec)[-1]
        if last["activation"] == "softmax":
            e = torch.exp(z - torch.max(z, dim=1, keepdim=True).values)
            return e / torch.sum(e, dim=1, keepdim=True)
        return activation_value(last["activation"], last["alpha"], z)

    def data_loss(self, x, y, scale, masks=None, row_weight=None):
        """The data loss of these rows times scale (the whole global batch's J when summed over ranks).
        row_weight (rows x 1): class weights, each row's loss and gradient times its class's weight
        (softmax_ce takes them in its targets, which it is linear in; a binary bce beside them).
        Keeps the logits, detached, in last_logits: the batch as trained (its dropout masks), before
        its update, whose outputs train.py counts for the running training accuracy."""
        z = self.logits(x, masks)
        self.last_logits = z.detach()
        kind = self.spec["loss"]
        if kind == "softmax_ce":
            return SoftmaxCrossEntropy.apply(z, y if row_weight is None else y * row_weight, scale)
        if kind in ("bce", "multilabel_bce"):
            return SigmoidCrossEntropy.apply(z, y, scale, row_weight)
        last = dense_layers(self.spec)[-1]
        a = Activation.apply(z, last["activation"], last["alpha"])
        return MeanSquaredError.apply(a, y, scale)

    def penalty(self):
        """R = l1 sum|W| + (l2/2) sum W^2 over weights (never biases); mlpc's coupled weight_decay is in l2."""
        l1 = self.spec["regularization"]["l1"]
        l2 = self.spec["regularization"]["l2"]
        total = None
        for linear in self.dense:
            w = linear.weight
            terms = []
            if l1 != 0:
                terms.append(l1 * torch.sum(torch.abs(w)))
            if l2 != 0:
                terms.append((l2 / 2) * torch.sum(w * w))
            for term in terms:
                total = term if total is None else total + term
        return total

    def weights_and_biases(self):
        """The two parameter groups: weights (decay applies) and biases (never decayed)."""
        return [linear.weight for linear in self.dense], [linear.bias for linear in self.dense]

    def to_flat(self):
        """All parameters in mlpc's layout, as Python floats."""
        out = []
        for linear in self.dense:
            out.extend(linear.weight.detach().double().reshape(-1).tolist())
            out.extend(linear.bias.detach().double().reshape(-1).tolist())
        return out

    def load_flat(self, params):
        """Sets every parameter from mlpc's flat vector."""
        if len(params) != self.spec["param_count"]:
            raise ValueError(f"expected {self.spec['param_count']} parameters, got {len(params)}")
        with torch.no_grad():
            for layer, linear in zip(dense_layers(self.spec), self.dense):
                w0 = layer["weight_offset"]
                b0 = layer["bias_offset"]
                n = layer["inputs"] * layer["units"]
                w = torch.tensor(params[w0:w0 + n], dtype=torch.float64).reshape(layer["units"], layer["inputs"])
                linear.weight.copy_(w)
                linear.bias.copy_(torch.tensor(params[b0:b0 + layer["units"]], dtype=torch.float64))


def flatten_like(spec, tensors):
    """Per-layer (weight, bias) tensors -> one list in mlpc's layout (optimizer buffers)."""
    out = []
    for t in tensors:
        out.extend(t.detach().double().reshape(-1).tolist())
    return out


# ---------------------------------------------------------------------------------------------
# mlpc's seeded random numbers (src/codegen/runtime/random.ts), ported operation by operation:
# xoshiro128** seeded from (seed, stream) by fmix32, 53-bit floats, the polar method with fdlibm's
# logarithm. The same seed gives the same bits as mlpc in JavaScript.
# ---------------------------------------------------------------------------------------------

def imul(a, b):
    return (a * b) & MASK32


def rotl32(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK32


def fmix32(h):
    h &= MASK32
    h ^= h >> 16
    h = imul(h, 0x85EBCA6B)
    h ^= h >> 13
    h = imul(h, 0xC2B2AE35)
    h ^= h >> 16
    return h


class SeededRandom:
    def __init__(self, seed, stream):
        whole = math.floor(seed) if math.isfinite(seed) else 0
        lo = whole % 4294967296
        hi = (whole // 4294967296) & MASK32
        h = fmix32(lo ^ 0x9E3779B9)
        h = fmix32(h ^ hi)
        h = fmix32(h ^ (stream & MASK32))
        self.s0 = fmix32(h + 0x9E3779B9)
        self.s1 = fmix32(h + 0x3C6EF372)
        self.s2 = fmix32(h + 0xDAA66D2B)
        self.s3 = fmix32(h + 0x78DDE6E4)
        self.spare = 0.0
        self.has_spare = False

    def next_uint32(self):
        result = imul(rotl32(imul(self.s1, 5), 7), 9)
        t = (self.s1 << 9) & MASK32
        self.s2 ^= self.s0
        self.s3 ^= self.s1
        self.s1 ^= self.s2
        self.s0 ^= self.s3
        self.s2 ^= t
        self.s3 = rotl32(self.s3, 11)
        return result

    def float(self):
        a = self.next_uint32() >> 5
        b = self.next_uint32() >> 6
        return (a * 67108864 + b) / 9007199254740992

    def normal(self):
        if self.has_spare:
            self.has_spare = False
            return self.spare
        while True:
            u = 2 * self.float() - 1
            v = 2 * self.float() - 1
            s = u * u + v * v
            if s < 1 and s != 0:
                break
        f = math.sqrt((-2 * natural_log(s)) / s)
        self.spare = v * f
        self.has_spare = True
        return u * f


def natural_log(x):
    """fdlibm's e_log.c, as mlpc writes it out (math.log may differ in the last bit)."""
    k = 0
    m = x
    while m < 2.3283064365386963e-10:
        m *= 4294967296
        k -= 32
    while m >= 4294967296:
        m /= 4294967296
        k += 32
    while m < SQRT1_2:
        m *= 2
        k -= 1
    while m >= math.sqrt(2):
        m /= 2
        k += 1
    f = m - 1
    s = f / (2 + f)
    z = s * s
    w = z * z
    t1 = w * (3.999999999940941908e-1 + w * (2.222219843214978396e-1 + w * 1.531383769920937332e-1))
    t2 = z * (6.666666666666735130e-1 + w * (2.857142874366239149e-1 + w * (1.818357216161805012e-1 + w * 1.479819860511658591e-1)))
    r = t2 + t1
    hfsq = 0.5 * f * f
    return k * 6.93147180369123816490e-1 - (hfsq - (s * (hfsq + r) + k * 1.90821492927058770002e-10) - f)


def shuffled_order(n, seed, epoch):
    """0..n-1, Fisher-Yates shuffled by stream epoch + 1 of the seed (seed None: not shuffled)."""
    order = list(range(n))
    if seed is not None:
        random = SeededRandom(seed, (epoch + 1) & MASK32)
        for i in range(n - 1, 0, -1):
            j = math.floor(random.float() * (i + 1))
            order[i], order[j] = order[j], order[i]
    return order


def init_rule(kind, fan_in, fan_out):
    if kind == "he_uniform":
        return "uniform", math.sqrt(6 / fan_in)
    if kind == "he_normal":
        return "normal", math.sqrt(2 / fan_in)
    if kind == "xavier_uniform":
        return "uniform", math.sqrt(6 / (fan_in + fan_out))
    if kind == "xavier_normal":
        return "normal", math.sqrt(2 / (fan_in + fan_out))
    raise ValueError(f"unknown initializer {kind}")


def init_params(spec, seed):
    """mlpc's initParams: one stream (0), layers in layout order, W row by row; biases 0."""
    params = [0.0] * spec["param_count"]
    random = SeededRandom(seed, 0)
    for layer in dense_layers(spec):
        fill, scale = init_rule(layer["init"], layer["inputs"], layer["units"])
        start = layer["weight_offset"]
        for p in range(start, start + layer["inputs"] * layer["units"]):
            params[p] = scale * (2 * random.float() - 1) if fill == "uniform" else scale * random.normal()
    return params


def dropout_masks(spec, rows, seed, step, dtype, device):
    """The masks of update `step` for `rows` rows: dropout by dropout, row by row, as mlpc draws them."""
    drops = dropout_layers(spec)
    if not drops:
        return None
    random = SeededRandom(seed, (DROPOUT_STREAM + step) & MASK32)
    masks = []
    for d in drops:
        rate = d["rate"]
        keep = 1 / (1 - rate)
        values = [0.0 if random.float() < rate else keep for _ in range(rows * d["units"])]
        masks.append(torch.tensor(values, dtype=dtype, device=device).reshape(rows, d["units"]))
    return masks


# ---------------------------------------------------------------------------------------------
# The learning-rate schedule: mlpc's learningRate(t), for LambdaLR as learning_rate(t) / lr0.
# ---------------------------------------------------------------------------------------------

def learning_rate(spec, lr0, step):
    schedule = spec["schedule"]
    warmup = schedule["warmup"]
    decay = schedule["decay"]
    if warmup > 0 and step < warmup:
        return (lr0 * (step + 1)) / warmup
    s = step - warmup
    kind = decay["kind"]
    if kind == "none":
        return lr0
    if kind == "step":
        return lr0 * math.pow(decay["gamma"], math.floor(s / decay["step_size"]))
    if kind == "exponential":
        return lr0 * math.pow(decay["gamma"], s / decay["decay_steps"])
    eta_min = decay["eta_min"]
    restart = decay["restart"]
    if restart is None:
        t_max = decay["t_max"]
        return eta_min + ((lr0 - eta_min) * (1 + math.cos((math.pi * min(s, t_max)) / t_max))) / 2
    cycle = restart["t0"]
    t_mult = restart["t_mult"]
    if t_mult == 1:
        in_cycle = s % cycle
    else:
        in_cycle = s
        while in_cycle >= cycle:
            in_cycle -= cycle
            cycle *= t_mult
    return eta_min + ((lr0 - eta_min) * (1 + math.cos((math.pi * in_cycle) / cycle))) / 2
