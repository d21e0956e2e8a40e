"""Times training epochs of a latent recipe in PyTorch, the speed peer.

Reads the recipe's own JSON (recipe/builtin/NAME.json or a file) and builds
the same model with Keras's settings: glorot_uniform kernels, zero biases,
Keras's "same" padding, Adam(lr, eps=1e-7), binary cross-entropy from the
logits after a sigmoid (or mean squared error), the recipe's batch size,
shuffled batches, the validation pass at the end of each epoch (none for a
recipe that trains on the test images too), keras.io's VAE loss. Prints the
seconds of each epoch and their median.

    OPENBLAS_NUM_THREADS=1 python3 peers/pytorch/bench.py RECIPE THREADS EPOCHS MNIST_DIR

Debian's torch sends matrix products to the system OpenBLAS, whose threads
fight torch's: keep OPENBLAS_NUM_THREADS=1.
"""
import gzip, json, math, os, statistics, sys, time

import torch
import torch.nn as tnn
import torch.nn.functional as F


def idx_images(path):
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        b = f.read()
    n, h, w = (int.from_bytes(b[i:i + 4], "big") for i in (4, 8, 12))
    return torch.frombuffer(bytearray(b[16:]), dtype=torch.uint8).float().div(255).view(n, h, w)


def find(dir, base):
    for name in (base + ".gz", base):
        if os.path.exists(os.path.join(dir, name)):
            return os.path.join(dir, name)
    sys.exit(f"{dir}: no {base}")


def same_pads(n, k, s):
    out = (n + s - 1) // s
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


class Same(tnn.Module):
    """Keras's "same" padding (TensorFlow's: the extra pixel at the end)."""

    def __init__(self, layer, k, s, nh, nw):
        super().__init__()
        self.layer = layer
        t, b = same_pads(nh, k[0], s[0])
        l, r = same_pads(nw, k[1], s[1])
        self.pad = (l, r, t, b)

    def forward(self, x):
        return self.layer(F.pad(x, self.pad))


def activation(name):
    return {"relu": tnn.ReLU(), "sigmoid": tnn.Sigmoid(), "tanh": tnn.Tanh(), "softplus": tnn.Softplus()}.get(name or "linear", tnn.Identity())


def glorot(layer, fan_in, fan_out):
    limit = math.sqrt(6 / (fan_in + fan_out))
    tnn.init.uniform_(layer.weight, -limit, limit)
    tnn.init.zeros_(layer.bias)


def pair(v, default):
    v = v or [default]
    return v * 2 if len(v) == 1 else v


def build(specs, shape):
    """Layers of latent specs from a per-sample shape (H, W, C) or (D,); images run NCHW."""
    layers = []
    for s in specs:
        t = s["type"]
        if t == "Dense":
            d = tnn.Linear(shape[0], s["units"])
            glorot(d, shape[0], s["units"])
            layers += [d, activation(s.get("activation"))]
            shape = (s["units"],)
        elif t in ("Conv2D", "Conv2DTranspose"):
            h, w, c = shape
            k, st = pair(s.get("kernel_size"), 1), pair(s.get("strides"), 1)
            f = s["filters"]
            same = s.get("padding") == "same"
            if t == "Conv2D":
                conv = tnn.Conv2d(c, f, k, st)
                glorot(conv, k[0] * k[1] * c, k[0] * k[1] * f)
                if same:
                    conv = Same(conv, k, st, h, w)
                    oh, ow = (h + st[0] - 1) // st[0], (w + st[1] - 1) // st[1]
                else:
                    oh, ow = (h - k[0]) // st[0] + 1, (w - k[1]) // st[1] + 1
            else:
                oh, ow = (h * st[0], w * st[1]) if same else ((h - 1) * st[0] + k[0], (w - 1) * st[1] + k[1])
                pt, _ = same_pads(oh, k[0], st[0]) if same else (0, 0)
                pl, _ = same_pads(ow, k[1], st[1]) if same else (0, 0)
                full_h, full_w = st[0] * (h - 1) + k[0], st[1] * (w - 1) + k[1]
                extra = (max(0, oh + pt - full_h), max(0, ow + pl - full_w))
                conv = tnn.ConvTranspose2d(c, f, k, st, padding=0, output_padding=0)
                glorot(conv, k[0] * k[1] * f, k[0] * k[1] * c)
                conv = Crop(conv, pt, pl, oh, ow, extra)
            layers += [conv, activation(s.get("activation"))]
            shape = (oh, ow, f)
        elif t == "MaxPooling2D":
            h, w, c = shape
            p = pair(s.get("pool_size"), 2)
            st = pair(s.get("strides"), p[0]) if s.get("strides") else p
            pool = tnn.MaxPool2d(p, st)
            if s.get("padding") == "same":
                t_, b_ = same_pads(h, p[0], st[0])
                l_, r_ = same_pads(w, p[1], st[1])
                pool = PadNegInf(pool, (l_, r_, t_, b_))
                shape = ((h + st[0] - 1) // st[0], (w + st[1] - 1) // st[1], c)
            else:
                shape = ((h - p[0]) // st[0] + 1, (w - p[1]) // st[1] + 1, c)
            layers.append(pool)
        elif t == "UpSampling2D":
            h, w, c = shape
            sz = pair(s.get("size"), 2)
            layers.append(tnn.Upsample(scale_factor=tuple(sz), mode="nearest"))
            shape = (h * sz[0], w * sz[1], c)
        elif t == "Flatten":
            layers.append(ToFlat())
            shape = (math.prod(shape),)
        elif t == "Reshape":
            ts = s["target_shape"]
            layers.append(FromFlat(ts))
            shape = tuple(ts)
        else:
            sys.exit(f"layer {t} has no PyTorch peer")
    return tnn.Sequential(*layers), shape


class Crop(tnn.Module):
    def __init__(self, conv, top, left, oh, ow, extra):
        super().__init__()
        self.conv, self.top, self.left, self.oh, self.ow, self.extra = conv, top, left, oh, ow, extra

    def forward(self, x):
        y = self.conv(x)
        if self.extra[0] or self.extra[1]:
            y = F.pad(y, (0, self.extra[1], 0, self.extra[0]))
        return y[:, :, self.top:self.top + self.oh, self.left:self.left + self.ow]


class PadNegInf(tnn.Module):
    def __init__(self, pool, pad):
        super().__init__()
        self.pool, self.pad = pool, pad

    def forward(self, x):
        return self.pool(F.pad(x, self.pad, value=-math.inf))


class ToFlat(tnn.Module):
    """Flatten in Keras's NHWC order."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).flatten(1) if x.dim() == 4 else x.flatten(1)


class FromFlat(tnn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        if len(self.shape) == 3:
            h, w, c = self.shape
            return x.view(-1, h, w, c).permute(0, 3, 1, 2)
        return x.view(-1, *self.shape)


def to_model_input(x, shape):
    return x.view(-1, shape[0], shape[1], shape[2]).permute(0, 3, 1, 2).contiguous() if len(shape) == 3 else x.reshape(-1, *shape)


def main():
    name, threads, epochs, mnist = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    path = name if name.endswith(".json") else os.path.join(os.path.dirname(__file__), "..", "..", "recipe", "builtin", name + ".json")
    r = json.load(open(path))
    shape = tuple(r["input_shape"])
    xtr, xte = idx_images(find(mnist, "train-images-idx3-ubyte")), idx_images(find(mnist, "t10k-images-idx3-ubyte"))
    xtr, xte = to_model_input(xtr, shape), to_model_input(xte, shape)
    ytr, yte = xtr, xte
    if r.get("noise"):
        f = r["noise"]["factor"]
        xtr, xte = (ytr + f * torch.randn_like(ytr)).clamp(0, 1), (yte + f * torch.randn_like(yte)).clamp(0, 1)
    if r.get("mask"):
        m = r["mask"]["size"]
        def masked(y):
            y = y.clone()
            for i in range(len(y)):
                t, l = torch.randint(0, 28 - m + 1, (2,)).tolist()
                y[i, ..., t:t + m, l:l + m] = 0
            return y
        xtr, xte = masked(ytr), masked(yte)
    vae = r.get("kind") == "vae"
    if vae:
        enc, hshape = build(r["encoder"], shape)
        mean, logvar = tnn.Linear(hshape[0], r["latent_dim"]), tnn.Linear(hshape[0], r["latent_dim"])
        glorot(mean, hshape[0], r["latent_dim"]); glorot(logvar, hshape[0], r["latent_dim"])
        dec, _ = build(r["decoder"], (r["latent_dim"],))
        params = list(enc.parameters()) + list(mean.parameters()) + list(logvar.parameters()) + list(dec.parameters())
        if r.get("train_on_test"):
            xtr = ytr = torch.cat([xtr, xte])
    else:
        enc, code = build(r["encoder"], shape)
        dec, _ = build(r["decoder"], code)
        params = list(enc.parameters()) + list(dec.parameters())
    # The last activation stays in the model; for the BCE-from-logits loss
    # drop it and use binary_cross_entropy_with_logits, as Keras does.
    last = dec[-1]
    sigmoid_out = isinstance(last, tnn.Sigmoid)
    if sigmoid_out:
        dec = dec[:-1]
    opt = torch.optim.Adam(params, lr=r.get("optimizer", {}).get("learning_rate", 1e-3), eps=1e-7)
    bs = r.get("batch_size", 32)
    mse = r.get("loss") in ("mse", "mean_squared_error")

    def loss_of(xb, yb):
        if vae:
            h = enc(xb)
            zm, zl = mean(h), logvar(h)
            z = zm + torch.exp(0.5 * zl) * torch.randn_like(zm)
            logits = dec(z)
            rec = F.binary_cross_entropy_with_logits(logits, yb, reduction="none").flatten(1).sum(1).mean()
            kl = (-0.5 * (1 + zl - zm ** 2 - zl.exp())).sum(1).mean()
            return rec + kl
        out = dec(enc(xb))
        if mse:
            return F.mse_loss(torch.sigmoid(out) if sigmoid_out else out, yb)
        return F.binary_cross_entropy_with_logits(out, yb) if sigmoid_out else F.binary_cross_entropy(out.clamp(1e-7, 1 - 1e-7), yb)

    seconds = []
    for e in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(len(xtr))
        total = 0.0
        for i in range(0, len(xtr), bs):
            idx = perm[i:i + bs]
            l = loss_of(xtr[idx], ytr[idx])
            opt.zero_grad()
            l.backward()
            opt.step()
            total += l.item() * len(idx)
        val = ""
        if not (vae and r.get("train_on_test")):
            with torch.no_grad():
                v = sum(loss_of(xte[i:i + bs], yte[i:i + bs]).item() * len(xte[i:i + bs]) for i in range(0, len(xte), bs)) / len(xte)
            val = f", val_loss {v:.4f}"
        seconds.append(time.perf_counter() - t0)
        print(f"epoch {e + 1}: {seconds[-1]:.3f} s, loss {total / len(xtr):.4f}{val}", flush=True)
    print(f"{name} pytorch {torch.__version__} threads {threads}: median {statistics.median(seconds):.3f} s/epoch")


if __name__ == "__main__":
    main()
