"""Held-out accuracy of a model.pt when its input is resized to other sizes (and mirrored).

    /usr/bin/python3 models/eval_sizes.py RUN/model.pt --data DATA/val [--sizes 112,128,144,160] [--cache-dir DIR]

Each size enlarges or reduces the dataset's images bilinearly (train.py's resize_images, as
deepinside resizes to a model's input), so the figure says what an export at that input size would
score before any training there. This is how stage 4's 144-pixel input was chosen (MODEL.md).
"""
from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402
from net import Net  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("--data", required=True, help="dataset directory (the held-out split)")
    ap.add_argument("--sizes", default="112,128,144,160")
    ap.add_argument("--cache-dir")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    ck = torch.load(args.checkpoint)
    model = Net(ck["arch"], len(ck["labels"]))
    model.load_state_dict(ck["model"])
    x, y, labels = train.load_dataset(args.data, cache_dir=args.cache_dir, quiet=True)
    if labels != ck["labels"]:
        raise SystemExit(f"{args.data}: labels differ from the checkpoint's")
    print(f"{args.checkpoint} (trained at {ck['image_size']}), {len(x)} images of {list(x.shape[2:])} from {args.data}")
    for s in (int(v) for v in args.sizes.split(",")):
        xs = x if (s, s) == tuple(x.shape[2:]) else train.resize_images(x, (s, s))
        r = train.evaluate(model, xs, y, len(labels))
        flipped = train.evaluate(model, xs.flip(3), y, len(labels))
        print(f"input {s}x{s}: top-1 {r['top1']:.4f}, top-5 {r['top5']:.4f} (mirrored: top-1 {flipped['top1']:.4f})")


if __name__ == "__main__":
    main()
