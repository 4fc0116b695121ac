"""Trains deepinside's bundled default ConvNet on a dataset written by the scene generator.

    /usr/bin/python3 models/train.py --train data/train --val data/val --test data/test \\
        --out runs/r1 --seed 1 --epochs 11 --batch 64 --opt adamw --train-size 112:9,128:2 \\
        [--cache-dir runs/cache] [--export-name NAME]

(the recipe in MODEL.md; defaults otherwise: lean5 network, SGD lr 0.1, crops of 112)

Run it with Debian's python3 (torch 1.13, torchvision 0.14, PIL), not a pyenv python.

A dataset is a directory holding labels.txt (one class name a line; line i = class i),
annotations.json (a list of {file, width, height, class_index, label, boxes, mask}, files relative to
the directory) and the images it names (RGB, all the same size: 128x128 by default; images of another
size are stretched to the first image's size, as `deepinside --resize stretch` does).

The whole training set is held in memory as one uint8 tensor; batches are augmented in torch (random
zoom/translation crop to --train-size, horizontal flip, optional rotation, brightness/contrast/saturation
jitter) with a seeded torch.Generator, so that a run is reproducible from --seed (for a given thread
count: results depend on the order of floating-point reductions). Evaluation uses the whole image at its
stored size, normalised with deepinside's "imagenet" preset, as deepinside feeds it; with --input-size the
model's input is another size: evaluation images are resized to it (bilinear, as deepinside resizes an
image to the model's input), training crops show the objects at that scale, and the export takes it.

Writes to --out: log.json (arguments, per-epoch figures, final accuracies and confusion matrices),
last.pt (resumable state, each epoch; --resume OUT/last.pt continues a run) and model.pt (the final
weights). With --export-name it then runs export.py's export (ONNX with BatchNorm folded) into
--export-dir.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net import ARCHS, Net, conv_macs, count_params  # noqa: E402

# deepinside's "imagenet" preset (ts/image/preprocess.ts): RGB, value = (pixel / 255 - mean) / std.
PRESET = "imagenet"
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)

DEFAULT_ARCH = "lean5"  # 16-32-64x64-128x128-256x256 (net.py)

# glibc returns large freed blocks to the OS, so each training step page-faults its activations in afresh
# (measured: a quarter to a third of the step time, most of it system time). These keep them in the heap.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "68719476736",
              "MALLOC_TOP_PAD_": "1073741824"}


def reexec_with_malloc_tuning() -> None:
    """Restarts this script once with MALLOC_ENV set (glibc reads it at start-up only)."""
    if os.environ.get("DEEPINSIDE_MALLOC_TUNED") or os.environ.get("DEEPINSIDE_NO_MALLOC_TUNING"):
        return
    env = dict(os.environ, **MALLOC_ENV, DEEPINSIDE_MALLOC_TUNED="1")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


# ----------------------------------------------------------------------------------------------- data

class DatasetError(Exception):
    pass


def read_labels(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
    except OSError as e:
        raise DatasetError(f"{path}: cannot read the labels ({e.strerror})")
    while lines and lines[-1].strip() == "":
        lines.pop()
    lines = [ln.rstrip("\r") for ln in lines]
    if not lines:
        raise DatasetError(f"{path}: no labels")
    if any(not ln.strip() for ln in lines):
        raise DatasetError(f"{path}: an empty label on line {1 + next(i for i, ln in enumerate(lines) if not ln.strip())}")
    return lines


def load_dataset(root: str, size: tuple[int, int] | None = None, limit: int | None = None,
                 cache_dir: str | None = None, quiet: bool = False):
    """(images uint8 [N,3,H,W], targets int64 [N], labels) of the dataset in `root`."""
    from PIL import Image

    labels_path, ann_path = os.path.join(root, "labels.txt"), os.path.join(root, "annotations.json")
    labels = read_labels(labels_path)
    try:
        with open(ann_path, "rb") as fh:
            ann_bytes = fh.read()
        ann = json.loads(ann_bytes)
    except (OSError, ValueError) as e:
        raise DatasetError(f"{ann_path}: cannot read the annotations ({e})")
    if not isinstance(ann, list) or not ann:
        raise DatasetError(f"{ann_path}: want a non-empty JSON list of {{file, class_index, ...}}")
    if limit:
        ann = ann[:limit]

    cache = None
    if cache_dir:
        key = hashlib.sha256(ann_bytes + "\n".join(labels).encode() + repr((size, limit)).encode()).hexdigest()[:20]
        cache = os.path.join(cache_dir, f"dataset-{key}.pt")
        if os.path.exists(cache):
            d = torch.load(cache)
            if not quiet:
                print(f"{root}: {len(d['targets'])} images from the cache {cache}", flush=True)
            return d["images"], d["targets"], labels

    targets = torch.empty(len(ann), dtype=torch.int64)
    images = None
    resized = 0
    t0 = time.time()
    for i, a in enumerate(ann):
        if not isinstance(a, dict) or not isinstance(a.get("file"), str) or not isinstance(a.get("class_index"), int):
            raise DatasetError(f"{ann_path}: entry {i} lacks a file or an integer class_index")
        k = a["class_index"]
        if not 0 <= k < len(labels):
            raise DatasetError(f"{ann_path}: entry {i} has class_index {k}, but {labels_path} has {len(labels)} labels")
        if "label" in a and a["label"] != labels[k]:
            raise DatasetError(f"{ann_path}: entry {i} has label '{a['label']}', but line {k + 1} of labels.txt is '{labels[k]}'")
        path = os.path.join(root, a["file"])
        try:
            with Image.open(path) as im:
                im = im.convert("RGB")
                if images is None:
                    size = size or (im.height, im.width)
                    images = torch.empty(len(ann), 3, size[0], size[1], dtype=torch.uint8)
                if (im.height, im.width) != size:
                    im = im.resize((size[1], size[0]), Image.BILINEAR)
                    resized += 1
                images[i] = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).view(size[0], size[1], 3).permute(2, 0, 1)
        except OSError as e:
            raise DatasetError(f"{path}: cannot read the image ({e})")
        targets[i] = k
        if not quiet and (i + 1) % 5000 == 0:
            print(f"  {root}: {i + 1}/{len(ann)} images read, {time.time() - t0:.0f} s", flush=True)
    if not quiet:
        counts = torch.bincount(targets, minlength=len(labels))
        print(f"{root}: {len(ann)} images {size[0]}x{size[1]}, {len(labels)} classes "
              f"({counts.min().item()} to {counts.max().item()} images a class), read in {time.time() - t0:.0f} s"
              + (f"; {resized} resized" if resized else ""), flush=True)
    if cache:
        os.makedirs(cache_dir, exist_ok=True)
        torch.save({"images": images, "targets": targets}, cache + ".tmp")
        os.replace(cache + ".tmp", cache)
    return images, targets, labels


_MEAN = torch.tensor(MEAN).view(1, 3, 1, 1)
_STD = torch.tensor(STD).view(1, 3, 1, 1)


def normalise(x01: torch.Tensor) -> torch.Tensor:
    """[0,1] RGB floats -> model input (the imagenet preset)."""
    return (x01 - _MEAN) / _STD


def augment(x: torch.Tensor, g: torch.Generator, out_size: int, zoom: tuple[float, float], rotate_deg: float,
            jitter: float, flip: bool, grey: float = 0.0) -> torch.Tensor:
    """A batch of uint8 images -> augmented [0,1] floats of out_size x out_size.

    Each image gets one random affine resampling: a square window of out_size/z source pixels
    (z uniform in `zoom`; z = 1 keeps the objects' pixel scale, as evaluation at the full size sees them)
    at a random position, optionally rotated and mirrored; then brightness, contrast and saturation
    factors uniform in [1 - jitter, 1 + jitter]; a fraction `grey` of the images in greyscale.
    All randomness is drawn from `g`, in a fixed order.
    """
    b, _, h, w = x.shape
    u = torch.rand(b, 8, generator=g)
    z = zoom[0] + (zoom[1] - zoom[0]) * u[:, 0]
    ax, ay = out_size / w / z, out_size / h / z  # half-extents of the window, in normalised coordinates
    tx = (2 * u[:, 1] - 1) * (1 - ax).abs()
    ty = (2 * u[:, 2] - 1) * (1 - ay).abs()
    ang = (2 * u[:, 3] - 1) * math.radians(rotate_deg)
    s = torch.where(u[:, 4] < 0.5, -1.0, 1.0) if flip else torch.ones(b)
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.stack([torch.stack([ax * cos * s, -ax * sin, tx], 1),
                         torch.stack([ay * sin * s, ay * cos, ty], 1)], 1)
    grid = F.affine_grid(theta, [b, 3, out_size, out_size], align_corners=False)
    y = F.grid_sample(x.float().div_(255), grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    if jitter > 0:
        bri = (1 + jitter * (2 * u[:, 5] - 1)).view(b, 1, 1, 1)
        con = (1 + jitter * (2 * u[:, 6] - 1)).view(b, 1, 1, 1)
        sat = (1 + jitter * (2 * u[:, 7] - 1)).view(b, 1, 1, 1)
        y = y * bri
        luma = (0.299 * y[:, 0:1] + 0.587 * y[:, 1:2] + 0.114 * y[:, 2:3])
        y = luma + (y - luma) * sat
        m = luma.mean(dim=(2, 3), keepdim=True)
        y = (y - m) * con + m
        y = y.clamp_(0, 1)
    if grey > 0:
        # some images in grey: shape, not the artists' palettes, should carry the class
        ug = torch.rand(b, generator=g)
        lum = (0.299 * y[:, 0:1] + 0.587 * y[:, 1:2] + 0.114 * y[:, 2:3]).expand_as(y)
        y = torch.where((ug < grey).view(b, 1, 1, 1), lum, y)
    return y


def hide_patches(y: torch.Tensor, g: torch.Generator, p: float, sides: list[int]) -> torch.Tensor:
    """Hide-and-Seek (Singh & Lee 2017): per batch a patch side drawn from `sides` (0: no hiding),
    then each image's grid of such patches loses each patch with probability p (filled with the
    dataset mean). A network that cannot count on its favourite part must learn the whole object,
    which is what saliency-based localisation wants of its maps."""
    side = sides[int(torch.randint(len(sides), (1,), generator=g))]
    if side == 0:
        return y
    b, _, h, w = y.shape
    gh, gw = -(-h // side), -(-w // side)
    keep = (torch.rand(b, 1, gh, gw, generator=g) >= p).to(y.dtype)
    keep = keep.repeat_interleave(side, 2).repeat_interleave(side, 3)[:, :, :h, :w]
    return y * keep + _MEAN * (1 - keep)


# ------------------------------------------------------------------------------------------ evaluation

def resize_images(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """uint8 images [N,3,H,W] -> uint8 [N,3,*size], bilinear (antialiased when reducing), rounded as stored pixels."""
    out = torch.empty((len(x), 3, *size), dtype=torch.uint8)
    for i in range(0, len(x), 500):
        y = F.interpolate(x[i:i + 500].float(), size=size, mode="bilinear", align_corners=False, antialias=True)
        out[i:i + 500] = y.round_().clamp_(0, 255).to(torch.uint8)
    return out


@torch.no_grad()
def evaluate(model: nn.Module, images: torch.Tensor, targets: torch.Tensor, classes: int, batch: int = 200,
             channels_last: bool = True) -> dict:
    model.eval()
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    k5 = min(5, classes)
    top1 = top5 = 0
    loss = 0.0
    confusion = torch.zeros(classes, classes, dtype=torch.int64)
    for i in range(0, len(images), batch):
        x = normalise(images[i:i + batch].float().div_(255)).contiguous(memory_format=fmt)
        y = targets[i:i + batch]
        out = model(x)
        loss += F.cross_entropy(out, y, reduction="sum").item()
        rank = out.topk(k5, 1).indices
        top1 += (rank[:, 0] == y).sum().item()
        top5 += (rank == y[:, None]).any(1).sum().item()
        confusion += torch.bincount(y * classes + rank[:, 0], minlength=classes * classes).view(classes, classes)
    n = len(images)
    return {"n": n, "top1": top1 / n, "top5": top5 / n, "loss": loss / n, "confusion": confusion.tolist()}


# ---------------------------------------------------------------------------------------------- train

def parse_sizes(spec: str, epochs: int) -> list[int]:
    """'112' -> [112]*epochs; '96:8,128:2' -> eight epochs at 96 then two at 128 (must add up to epochs)."""
    if ":" not in spec:
        return [int(spec)] * epochs
    out: list[int] = []
    for part in spec.split(","):
        size, n = part.split(":")
        out += [int(size)] * int(n)
    if len(out) != epochs:
        raise SystemExit(f"--train-size {spec} covers {len(out)} epochs, not --epochs {epochs}")
    return out


def lr_at(step: int, total: int, peak: float, warmup: int, final_frac: float) -> float:
    """Linear warm-up from peak/10 to peak over `warmup` steps, then a cosine to peak*final_frac."""
    if step < warmup:
        return peak * (0.1 + 0.9 * step / warmup)
    t = (step - warmup) / max(1, total - warmup)
    return peak * (final_frac + (1 - final_frac) * 0.5 * (1 + math.cos(math.pi * t)))


def write_json(path: str, obj) -> None:
    with open(path + ".tmp", "w") as fh:
        json.dump(obj, fh, indent=1)
    os.replace(path + ".tmp", path)


def weights_digest(state_dict) -> str:
    """sha256 of a state dict's raw tensor bytes: equal across runs = the same weights bit for bit."""
    return hashlib.sha256(b"".join(t.contiguous().numpy().tobytes() for t in state_dict.values())).hexdigest()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True, help="training dataset directory")
    ap.add_argument("--val", required=True, help="validation dataset directory (evaluated every epoch)")
    ap.add_argument("--test", help="test dataset directory (held-out artwork; evaluated once, at the end)")
    ap.add_argument("--out", required=True, help="output directory (log.json, last.pt, model.pt)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--opt", choices=["sgd", "adamw"], default="sgd", help="SGD with Nesterov momentum, or AdamW")
    ap.add_argument("--lr", type=float, help="peak learning rate (default: 0.1 for SGD, 2e-3 for AdamW)")
    ap.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (AdamW: beta1)")
    ap.add_argument("--wd", type=float,
                    help="weight decay of conv and fc weights, not biases or BatchNorm (default: 5e-4 for SGD, "
                         "0.05 for AdamW, where it is decoupled)")
    ap.add_argument("--warmup-epochs", type=float, default=1.0)
    ap.add_argument("--final-lr-frac", type=float, default=0.0, help="the cosine ends at lr * this")
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--arch", default=DEFAULT_ARCH, help=f"a name ({', '.join(ARCHS)}) or a spec like 16-32x32-64x64")
    ap.add_argument("--input-size", type=int, help="the model's input side (default: the dataset's image size); "
                    "evaluation images are resized to it, --zoom is relative to its scale, the export takes it")
    ap.add_argument("--train-size", default="112", help="crop size, or a schedule like '96:8,128:2' (size:epochs,...)")
    ap.add_argument("--zoom", type=float, nargs=2, default=[0.8, 1.25], metavar=("MIN", "MAX"),
                    help="random zoom range (1 = the scale of the model input: the dataset's pixels times --input-size / its size)")
    ap.add_argument("--rotate", type=float, default=0.0, help="random rotation, +- degrees")
    ap.add_argument("--jitter", type=float, default=0.2, help="brightness/contrast/saturation jitter, +- fraction")
    ap.add_argument("--no-flip", action="store_true", help="no random horizontal flips")
    ap.add_argument("--grey", type=float, default=0.2, help="fraction of training images shown in greyscale")
    ap.add_argument("--hide", type=float, default=0.0, help="Hide-and-Seek: the probability of hiding each patch (0: off)")
    ap.add_argument("--hide-sides", type=int, nargs="+", default=[0, 16, 24, 36, 48], metavar="PX",
                    help="Hide-and-Seek patch sides, one drawn per batch (0: that batch is not hidden)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-channels-last", action="store_true", help="NCHW instead of channels-last (slower with mkldnn)")
    ap.add_argument("--limit", type=int, help="use only the first N training images (for smoke tests)")
    ap.add_argument("--cache-dir", help="cache the decoded datasets here as uint8 tensors (.pt)")
    ap.add_argument("--resume", help="continue from a last.pt (same arguments otherwise)")
    ap.add_argument("--init", metavar="MODEL_PT", help="start from these weights (a model.pt of the same arch and labels): "
                    "fine-tuning; the schedule, optimiser and data order start afresh")
    ap.add_argument("--stop-after", type=int, metavar="EPOCH", help="stop after this epoch (resume later with --resume)")
    ap.add_argument("--export-name", help="after training, export models/NAME.onnx (see export.py)")
    ap.add_argument("--export-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    if args.lr is None:
        args.lr = 0.1 if args.opt == "sgd" else 2e-3
    if args.wd is None:
        args.wd = 5e-4 if args.opt == "sgd" else 0.05

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    t_start = time.time()

    train_x, train_y, labels = load_dataset(args.train, limit=args.limit, cache_dir=args.cache_dir)
    data_size = tuple(train_x.shape[2:])
    size = (args.input_size, args.input_size) if args.input_size else data_size  # the model's input
    # zoom 1 shows the objects at the input's scale: data pixels are enlarged by size / data_size
    zoom = tuple(z * size[0] / data_size[0] for z in args.zoom)

    def load_for_evaluation(root: str):
        """A val/test split at the model's input size, with the training set's labels."""
        x, y, split_labels = load_dataset(root, size=data_size, cache_dir=args.cache_dir)
        if split_labels != labels:
            raise SystemExit(f"{root}/labels.txt differs from {args.train}/labels.txt")
        return (x if size == data_size else resize_images(x, size)), y

    val_x, val_y = load_for_evaluation(args.val)
    classes = len(labels)
    t_loaded = time.time()

    channels_last = not args.no_channels_last
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = Net(args.arch, classes).to(memory_format=fmt)
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": args.wd}, {"params": no_decay, "weight_decay": 0.0}]
    if args.opt == "sgd":
        opt = torch.optim.SGD(groups, lr=args.lr, momentum=args.momentum, nesterov=True)
    else:
        opt = torch.optim.AdamW(groups, lr=args.lr, betas=(args.momentum, 0.999))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    g = torch.Generator().manual_seed(args.seed)
    sizes = parse_sizes(args.train_size, args.epochs)
    n = len(train_x)
    steps_per_epoch = n // args.batch
    if steps_per_epoch == 0:
        raise SystemExit(f"{n} training images is fewer than one batch of {args.batch}")
    total_steps = steps_per_epoch * args.epochs
    warmup_steps = round(args.warmup_epochs * steps_per_epoch)

    log = {
        "args": vars(args),
        "env": {"torch": torch.__version__, "python": platform.python_version(), "threads": torch.get_num_threads(),
                "machine": platform.machine(), "cpus": os.cpu_count(),
                "malloc_tuned": bool(os.environ.get("DEEPINSIDE_MALLOC_TUNED"))},
        "preset": PRESET, "mean": MEAN, "std": STD,
        "arch": model.arch, "params": count_params(model), "labels": labels, "image_size": list(size),
        "data_size": list(data_size), "train_images": n, "val_images": len(val_x),
        "mmacs_per_image": {str(s): conv_macs(model.arch, classes, s, s) / 1e6 for s in sorted(set(sizes + [size[0]]))},
        "load_seconds": round(t_loaded - t_start, 1),
        "epochs": [],
    }
    start_epoch = 0
    train_seconds = 0.0
    if args.init:
        init = torch.load(args.init)
        if init.get("arch") != model.arch or init.get("labels") != labels:
            raise SystemExit(f"--init {args.init}: arch {init.get('arch')} / labels {init.get('labels')} differ from "
                             f"this run's {model.arch} / {labels}")
        # recorded on a resumed run too; its weights then come from --resume below
        log["init"] = {"path": args.init, "weights_sha256": weights_digest(init["model"]), "final": init.get("final")}
        if not args.resume:
            model.load_state_dict(init["model"])
            print(f"starting from the weights of {args.init}", flush=True)
    if args.resume:
        state = torch.load(args.resume)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        g.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        start_epoch = state["epoch"]
        log["epochs"] = state["log_epochs"]
        train_seconds = state["train_seconds"]
        t_start -= state.get("elapsed_seconds", 0.0)  # elapsed times count all sessions of the run
        print(f"resumed from {args.resume} after epoch {start_epoch}", flush=True)

    print(f"{model.arch}: {count_params(model)} parameters; {n} training images, {steps_per_epoch} steps of {args.batch} "
          f"an epoch, {args.epochs} epochs at sizes {sizes}; {torch.get_num_threads()} threads; "
          f"data loaded in {log['load_seconds']:.0f} s", flush=True)
    step = start_epoch * steps_per_epoch
    for epoch in range(start_epoch, args.epochs):
        t0 = time.time()
        model.train()
        order = torch.randperm(n, generator=g)
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(steps_per_epoch):
            idx = order[i * args.batch:(i + 1) * args.batch]
            x01 = augment(train_x[idx], g, sizes[epoch], zoom, args.rotate, args.jitter, not args.no_flip, args.grey)
            if args.hide > 0:
                x01 = hide_patches(x01, g, args.hide, args.hide_sides)
            x = normalise(x01).contiguous(memory_format=fmt)
            y = train_y[idx]
            lr = lr_at(step, total_steps, args.lr, warmup_steps, args.final_lr_frac)
            for group in opt.param_groups:
                group["lr"] = lr
            out = model(x)
            loss = loss_fn(out, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += loss.item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            seen += len(y)
            if not math.isfinite(loss.item()):
                raise SystemExit(f"epoch {epoch + 1} step {i + 1}: the loss is {loss.item()}; lower --lr")
        t_train = time.time() - t0
        train_seconds += t_train
        v = evaluate(model, val_x, val_y, classes, channels_last=channels_last)
        t_epoch = time.time() - t0
        entry = {"epoch": epoch + 1, "size": sizes[epoch], "lr_end": lr, "loss": loss_sum / seen, "train_acc": correct / seen,
                 "val_top1": v["top1"], "val_top5": v["top5"], "val_loss": v["loss"],
                 "train_seconds": round(t_train, 1), "epoch_seconds": round(t_epoch, 1),
                 "train_img_s": round(seen / t_train, 1), "elapsed_seconds": round(time.time() - t_start, 1),
                 "load_average": round(os.getloadavg()[0], 2)}
        log["epochs"].append(entry)
        done = log["epochs"][start_epoch:]
        eta = sum(e["epoch_seconds"] for e in done) / len(done) * (args.epochs - epoch - 1)
        print(f"epoch {epoch + 1:3d}/{args.epochs} size {sizes[epoch]} lr {lr:.4f} loss {entry['loss']:.4f} "
              f"train acc {entry['train_acc']:.4f} val top-1 {v['top1']:.4f} top-5 {v['top5']:.4f} "
              f"({t_train:.0f} s train, {seen / t_train:.0f} img/s, {t_epoch - t_train:.0f} s val; "
              f"elapsed {time.time() - t_start:.0f} s, about {eta:.0f} s to go; load {entry['load_average']:.1f})", flush=True)
        write_json(os.path.join(args.out, "log.json"), log)
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "generator": g.get_state(),
                    "torch_rng": torch.get_rng_state(), "epoch": epoch + 1, "log_epochs": log["epochs"],
                    "train_seconds": train_seconds, "elapsed_seconds": time.time() - t_start, "arch": model.arch,
                    "labels": labels},
                   os.path.join(args.out, "last.pt.tmp"))
        os.replace(os.path.join(args.out, "last.pt.tmp"), os.path.join(args.out, "last.pt"))
        if args.stop_after and epoch + 1 >= args.stop_after and epoch + 1 < args.epochs:
            print(f"stopped after epoch {epoch + 1}; continue with --resume {os.path.join(args.out, 'last.pt')}", flush=True)
            return

    final = {"val": evaluate(model, val_x, val_y, classes, channels_last=channels_last)}
    if args.test:
        test_x, test_y = load_for_evaluation(args.test)
        final["test"] = evaluate(model, test_x, test_y, classes, channels_last=channels_last)
    log["final"] = final
    log["train_seconds"] = round(train_seconds, 1)
    log["total_seconds"] = round(time.time() - t_start, 1)
    sd = {k: v.contiguous() for k, v in model.state_dict().items()}
    digest = weights_digest(sd)
    log["weights_sha256"] = digest  # of the raw tensor bytes: equal across runs = reproduced bit for bit
    torch.save({"model": sd, "arch": model.arch, "labels": labels, "image_size": list(size), "preset": PRESET,
                "mean": MEAN, "std": STD, "args": vars(args), "final": {k: {m: v[m] for m in ("n", "top1", "top5")}
                                                                        for k, v in final.items()}},
               os.path.join(args.out, "model.pt"))
    write_json(os.path.join(args.out, "log.json"), log)
    for k, v in final.items():
        print(f"final {k}: top-1 {v['top1']:.4f} top-5 {v['top5']:.4f} on {v['n']} images", flush=True)
    print(f"training {train_seconds:.0f} s, total {time.time() - t_start:.0f} s; weights sha256 {digest}", flush=True)

    if args.export_name:
        from export import export_model
        export_model(os.path.join(args.out, "model.pt"), args.export_name, args.export_dir,
                     reference_images=val_x[:4], reference_dir=args.out)


if __name__ == "__main__":
    reexec_with_malloc_tuning()
    try:
        main()
    except DatasetError as e:
        raise SystemExit(str(e))
