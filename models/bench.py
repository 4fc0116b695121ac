"""Training and inference throughput of candidate architectures on this machine's CPU.

    /usr/bin/python3 models/bench.py --archs v16x4 lean5 --sizes 128 112 96 --batch 64 --threads 2

Times the training step as train.py runs it (forward, cross-entropy, backward, SGD step) on random
input, with and without channels-last memory format, and the eval forward pass at 128x128.
Prints a table (and JSON with --json). CPU timings on a shared machine are noisy: each figure is the
median (and best) of --rounds x --iters steps after --warmup steps,
the configurations interleaved round by round so that load from other processes hits them alike.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import torch
from torch import nn

from net import ARCHS, Net, conv_macs, count_params
from train import reexec_with_malloc_tuning


def make_case(arch: str, classes: int, size: int, batch: int, channels_last: bool, eval_size: int):
    """The training step and the eval forward pass of one configuration, as closures."""
    torch.manual_seed(0)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = Net(arch, classes).to(memory_format=fmt)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(batch, 3, size, size).contiguous(memory_format=fmt)
    y = torch.randint(0, classes, (batch,))
    xe = torch.randn(batch, 3, eval_size, eval_size).contiguous(memory_format=fmt)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)

    def train_step():
        model.train()
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    def eval_step():
        model.eval()
        with torch.no_grad():
            model(xe)

    info = {"arch": arch, "spec": ARCHS.get(arch, arch), "size": size, "batch": batch, "channels_last": channels_last,
            "params": count_params(model), "mmacs": conv_macs(arch, classes, size, size) / 1e6}
    return info, train_step, eval_step


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archs", nargs="+", default=["v16x4", "v24x4", "v32x4", "lean4", "lean5"])
    ap.add_argument("--sizes", nargs="+", type=int, default=[128, 112, 96])
    ap.add_argument("--formats", nargs="+", default=["nchw", "cl"], choices=["nchw", "cl"])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--classes", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iters", type=int, default=2, help="training steps per configuration per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--eval-size", type=int, default=128)
    ap.add_argument("--train-images", type=int, default=40000, help="for the seconds-per-epoch column")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cases = [make_case(a, args.classes, size, args.batch, f == "cl", args.eval_size)
             for a in args.archs for size in args.sizes for f in args.formats]
    for _, train_step, eval_step in cases:  # warm-up (mkldnn primitive creation, allocator)
        timed(train_step, args.warmup)
        timed(eval_step, 1)
    load0 = os.getloadavg()[0]
    train_t = [[] for _ in cases]
    eval_t = [[] for _ in cases]
    # Rounds over all configurations, so that a burst of load from other users hits them alike.
    for r in range(args.rounds):
        for i, (_, train_step, eval_step) in enumerate(cases):
            train_t[i] += timed(train_step, args.iters)
            eval_t[i] += timed(eval_step, 1)
        print(f"round {r + 1}/{args.rounds} done, load average {os.getloadavg()[0]:.2f}", flush=True)
    load1 = os.getloadavg()[0]
    print(f"torch {torch.__version__}, {args.threads} threads, batch {args.batch}; {args.rounds} rounds x {args.iters} steps; "
          f"1-min load average {load0:.2f} -> {load1:.2f}")
    print("train img/s: median over all steps (best step); s/epoch from the median")
    print(f"{'spec':34} {'params':>8} {'size':>4} {'fmt':>4} {'MMAC':>6} {'train img/s':>16} {'s/epoch':>8} {'eval128 img/s':>16}")
    rows = []
    for (info, _, _), tt, te in zip(cases, train_t, eval_t):
        r = dict(info, train_img_s=args.batch / statistics.median(tt), train_img_s_best=args.batch / min(tt),
                 eval_img_s=args.batch / statistics.median(te), eval_img_s_best=args.batch / min(te))
        rows.append(r)
        fmt = "cl" if r["channels_last"] else "nchw"
        print(f"{r['spec']:34} {r['params']:8d} {r['size']:4d} {fmt:>4} {r['mmacs']:6.0f} "
              f"{r['train_img_s']:7.1f} ({r['train_img_s_best']:6.1f}) {args.train_images / r['train_img_s']:8.0f} "
              f"{r['eval_img_s']:7.1f} ({r['eval_img_s_best']:6.1f})")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"torch": torch.__version__, "threads": args.threads, "load_average": [load0, load1], "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    reexec_with_malloc_tuning()  # as train.py runs (DEEPINSIDE_NO_MALLOC_TUNING=1 measures without)
    main()
