"""Exports a model.pt written by train.py to ONNX, with BatchNorm folded into the convolutions.

    /usr/bin/python3 models/export.py RUN/model.pt --name NAME [--out-dir models] [--reference-dataset DIR]

Writes OUT_DIR/NAME.onnx (opset 17; input 'image' float32 [batch, 3, H, W] normalised with deepinside's
"imagenet" preset, H x W fixed at the training images' size unless --dynamic-hw; output 'logits'
[batch, classes], unnormalised class scores, no Softmax; not named 'scores', 'class_weights' or
'input_gradient', which deepinside's gradient model adds and refuses to find already there), OUT_DIR/labels.txt and OUT_DIR/NAME.sha256 (sha256sum format),
and prints the SHA-256. The graph holds only Conv, Relu, MaxPool, GlobalAveragePool, Flatten and Gemm;
metadata_props carry 'deepinside.preset', 'labels' (a JSON array) and 'deepinside.localise' (recommended
localise() settings, a JSON object, with the seed selector given by --select), which deepinside reads.

For the check against onnxruntime (tsx scratch/check-onnx.mts / models/check-onnx.mts) it also writes, to
--reference-dir (default: beside model.pt), NAME.reference.bin (a float32 input batch: the first images of
--reference-dataset, normalised, then seeded random normal tensors) and NAME.reference.json (its shape and
the folded torch model's scores on it) and NAME.reference-gradient.bin (torch's gradient of the top
class score with respect to the first random tensor).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net import Net, count_params, fold_batchnorm  # noqa: E402

ALLOWED_OPS = {"Conv", "Relu", "MaxPool", "GlobalAveragePool", "Flatten", "Gemm"}
# localise() settings recommended for this small network, written as 'deepinside.localise' metadata:
# its single-pass gradient maps are speckled edge maps, so SmoothGrad (8 noisy copies) and a wider
# smoothing localise held-out scenes far better, and gating the map by Grad-CAM better still; a
# second GrabCut in rectangle mode (refine) fills out the masks (models/MODEL.md, "Localisation settings").
LOCALISE = {"samples": 8, "noise": 0.1, "smoothing": 5, "bgQuantile": 0.5, "boxFrom": "largest", "map": "gated", "refine": 0}
OPSET = 17


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_model(checkpoint: str, name: str, out_dir: str, dynamic_hw: bool = False, reference_images=None,
                 reference_dir: str | None = None, random_references: int = 2, select: dict | None = None) -> dict:
    import onnx

    # train.py is imported lazily: it owns the preset constants and normalise()
    from train import MEAN, PRESET, STD, normalise

    ck = torch.load(checkpoint)
    labels, arch = ck["labels"], ck["arch"]
    h, w = ck["image_size"]
    if (ck.get("preset"), tuple(ck.get("mean", MEAN)), tuple(ck.get("std", STD))) != (PRESET, MEAN, STD):
        raise SystemExit(f"{checkpoint}: trained with another preprocessing than '{PRESET}'")
    model = Net(arch, len(labels))
    model.load_state_dict(ck["model"])
    model.eval()
    folded = fold_batchnorm(model)

    # the reference batch: real images first (if given), then random normal tensors
    gen = torch.Generator().manual_seed(12345)
    parts = []
    if reference_images is not None and len(reference_images):
        parts.append(normalise(reference_images.float() / 255))
    parts.append(torch.randn(random_references, 3, h, w, generator=gen))
    ref_x = torch.cat(parts).contiguous()
    with torch.no_grad():
        ref_bn = model(ref_x)
        ref = folded(ref_x)
    fold_err = (ref - ref_bn).abs().max().item()
    scale = ref_bn.abs().max().item()
    print(f"BatchNorm folded: max |scores difference| {fold_err:.3g} (scores up to {scale:.3g})")
    if fold_err > 1e-3 * max(1.0, scale):
        raise SystemExit(f"BatchNorm folding changed the scores by {fold_err}")

    dyn = {0: "batch", 2: "height", 3: "width"} if dynamic_hw else {0: "batch"}
    buf = io.BytesIO()
    torch.onnx.export(folded, torch.zeros(1, 3, h, w), buf, opset_version=OPSET, input_names=["image"],
                      output_names=["logits"], dynamic_axes={"image": dyn, "logits": {0: "batch"}},
                      do_constant_folding=True, export_params=True)
    m = onnx.load_from_string(buf.getvalue())
    ops = sorted({n.op_type for n in m.graph.node})
    extra = set(ops) - ALLOWED_OPS
    if extra:
        raise SystemExit(f"the exported graph holds ops other than {sorted(ALLOWED_OPS)}: {sorted(extra)}")
    meta = {
        "deepinside.preset": PRESET,
        "labels": json.dumps(labels, ensure_ascii=False),
        "deepinside.input_size": f"{h}x{w}",
        "deepinside.arch": arch,
        "deepinside.preprocessing": f"RGB, value = (pixel/255 - mean) / std, mean {list(MEAN)}, std {list(STD)}",
        "deepinside.localise": json.dumps({**LOCALISE, "select": select} if select else LOCALISE),
    }
    del m.metadata_props[:]
    for k, v in meta.items():
        m.metadata_props.add(key=k, value=v)
    m.doc_string = (f"deepinside default ConvNet ({arch}, BatchNorm folded), {len(labels)} classes, "
                    f"input {h}x{w} RGB with the '{PRESET}' preset; output: unnormalised class scores")
    onnx.checker.check_model(m, full_check=True)

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}.onnx")
    with open(path + ".tmp", "wb") as fh:
        fh.write(m.SerializeToString())
    os.replace(path + ".tmp", path)
    onnx.checker.check_model(path)  # the file as written
    with open(os.path.join(out_dir, "labels.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(labels) + "\n")
    digest = sha256_file(path)
    with open(os.path.join(out_dir, f"{name}.sha256"), "w") as fh:
        fh.write(f"{digest}  {name}.onnx\n")

    ref_dir = reference_dir or os.path.dirname(os.path.abspath(checkpoint))
    os.makedirs(ref_dir, exist_ok=True)
    bin_path = os.path.join(ref_dir, f"{name}.reference.bin")
    ref_x.numpy().astype("<f4").tofile(bin_path)
    # torch's input gradient of the top class score for the first random tensor (no max-pool ties there,
    # unlike flat-coloured image regions, where one-sided derivatives differ and tie-breaking decides)
    gi = len(ref_x) - random_references
    xg = ref_x[gi:gi + 1].clone().requires_grad_(True)
    sg = folded(xg)[0]
    gclass = int(sg.argmax())
    sg[gclass].backward()
    grad_path = os.path.join(ref_dir, f"{name}.reference-gradient.bin")
    xg.grad.numpy().astype("<f4").tofile(grad_path)
    ref_json = os.path.join(ref_dir, f"{name}.reference.json")
    with open(ref_json, "w") as fh:
        json.dump({"model": os.path.abspath(path), "sha256": digest, "input": os.path.abspath(bin_path),
                   "input_name": "image", "output_name": "logits", "shape": list(ref_x.shape),
                   "real_images": len(ref_x) - random_references, "torch": torch.__version__,
                   "fold_max_abs_diff": fold_err, "scores": ref.tolist(),
                   "gradient": {"index": gi, "class": gclass, "file": os.path.abspath(grad_path)}}, fh)
    info = {"path": path, "sha256": digest, "bytes": os.path.getsize(path), "ops": ops, "opset": OPSET,
            "params": count_params(folded), "reference": ref_json}
    print(f"wrote {path}: {info['bytes']} bytes, {info['params']} parameters, opset {OPSET}, ops {', '.join(ops)}; "
          f"input 'image' [batch, 3, {'H, W' if dynamic_hw else f'{h}, {w}'}], output 'logits' [batch, {len(labels)}]")
    print(f"wrote {os.path.join(out_dir, 'labels.txt')} ({len(labels)} labels), {os.path.join(out_dir, name + '.sha256')}")
    print(f"reference for the onnxruntime check: {ref_json}")
    print(f"sha256 {digest}  {name}.onnx")
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", help="model.pt written by train.py")
    ap.add_argument("--name", required=True)
    ap.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--dynamic-hw", action="store_true",
                    help="dynamic height and width (deepinside then needs --input-size; it assumes 224x224 otherwise)")
    ap.add_argument("--reference-dataset", help="dataset directory whose first --reference-images images go into the reference batch")
    ap.add_argument("--reference-images", type=int, default=4)
    ap.add_argument("--reference-dir")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--select", help="a seed selector (JSON, written by models/fit-selector.mts) to recommend in 'deepinside.localise'")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    images = None
    if args.reference_dataset:
        from train import load_dataset
        ck = torch.load(args.checkpoint)
        images, _, _ = load_dataset(args.reference_dataset, size=tuple(ck["image_size"]), limit=args.reference_images, quiet=True)
    export_model(args.checkpoint, args.name, args.out_dir, dynamic_hw=args.dynamic_hw, reference_images=images,
                 reference_dir=args.reference_dir, select=json.load(open(args.select)) if args.select else None)


if __name__ == "__main__":
    main()
