#!/usr/bin/python3
"""PyTorch side of bench/gradient.mts: one torchvision model, exported to ONNX and timed under autograd.

    /usr/bin/python3 bench/torch_models.py --model vgg16 --out DIR [--batches 1,8] [--reps 3] [--threads 2]
    /usr/bin/python3 bench/torch_models.py --model vgg16 --out DIR --serve [--threads 2]

Builds torchvision's vgg16() or resnet50() with torch.manual_seed(0) (random weights, nothing is
downloaded), puts it in eval mode and exports it to DIR/<model>.onnx (opset 13, input 'input'
[N,3,224,224] with a dynamic batch axis, output 'logits'). The bench gradifies that file, so both
sides run the same network with the same weights.

Timings use the SAME model object on the CPU with torch.set_num_threads(threads):
  forward:  with torch.no_grad(): model(x)
  gradient: x.requires_grad_(); score = (w * model(x)).sum(); score.backward()  -> x.grad
Parameters are frozen (requires_grad=False), so backward computes the input gradient only, as
deepinside's gradient model does (no weight gradients). x ~ N(0,1) [N,3,224,224], w ~ N(0,1) [N,1000].

Standalone mode: for each batch one warm-up run of each, then `reps` timed runs interleaved forward,
gradient, forward, gradient...; prints one JSON object with the medians on stdout.

--serve (what the bench uses, so that torch runs interleave with onnxruntime's): after the export it
prints one JSON line {"onnx": ..., "torch": ..., ...} and then answers one JSON line per command
read from stdin:
  prepare N    make x, w for batch N, run forward and gradient once (the warm-up) and write x, w,
               scores and input gradient as raw little-endian float32 files DIR/<model>_b<N>_{x,w,scores,grad}.f32
               -> {"prefix": "DIR/<model>_b<N>_"}
  forward N    -> {"s": seconds}
  gradient N   -> {"s": seconds}
  quit
Progress goes to stderr.
"""
import argparse
import json
import os
import statistics
import sys
import time


def log(msg):
    print(f'[torch] {msg}', file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True, choices=['vgg16', 'resnet50'])
    ap.add_argument('--out', required=True)
    ap.add_argument('--batches', default='1,8')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--opset', type=int, default=13)
    ap.add_argument('--serve', action='store_true')
    args = ap.parse_args()

    import torch
    import torchvision

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)()  # random init, no download
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, f'{args.model}.onnx')
    t0 = time.perf_counter()
    torch.onnx.export(
        model, torch.zeros(1, 3, 224, 224), onnx_path,
        input_names=['input'], output_names=['logits'],
        dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}},
        opset_version=args.opset, do_constant_folding=True,
    )
    log(f'{args.model}: exported to {onnx_path} in {time.perf_counter() - t0:.1f} s')
    header = {'model': args.model, 'onnx': onnx_path, 'torch': torch.__version__,
              'torchvision': torchvision.__version__, 'threads': torch.get_num_threads()}

    data = {}

    def inputs(n):
        if n not in data:
            gen = torch.Generator().manual_seed(1000 + n)
            data[n] = (torch.randn(n, 3, 224, 224, generator=gen), torch.randn(n, 1000, generator=gen))
        return data[n]

    def forward(n):
        x, _ = inputs(n)
        with torch.no_grad():
            return model(x)

    def gradient(n):
        x0, w = inputs(n)
        x = x0.clone().requires_grad_(True)
        score = (w * model(x)).sum()
        score.backward()
        return x.grad

    def timed(fn, n):
        t = time.perf_counter()
        out = fn(n)
        return time.perf_counter() - t, out

    def prepare(n):
        x, w = inputs(n)
        _, scores = timed(forward, n)
        _, grad = timed(gradient, n)
        prefix = os.path.join(args.out, f'{args.model}_b{n}_')
        for name, t in [('x', x), ('w', w), ('scores', scores), ('grad', grad)]:
            t.detach().contiguous().numpy().astype('<f4').tofile(prefix + name + '.f32')
        return prefix

    if args.serve:
        print(json.dumps(header), flush=True)
        for line in sys.stdin:
            cmd = line.split()
            if not cmd:
                continue
            if cmd[0] == 'quit':
                break
            n = int(cmd[1])
            if cmd[0] == 'prepare':
                reply = {'prefix': prepare(n)}
            elif cmd[0] in ('forward', 'gradient'):
                reply = {'s': timed(forward if cmd[0] == 'forward' else gradient, n)[0]}
            else:
                reply = {'error': f'unknown command {cmd[0]!r}'}
            print(json.dumps(reply), flush=True)
        return

    results = []
    for n in [int(b) for b in args.batches.split(',') if b]:
        log(f'{args.model} batch {n}: warm-up')
        prefix = prepare(n)
        fwd, grd = [], []
        for r in range(args.reps):
            fwd.append(timed(forward, n)[0])
            grd.append(timed(gradient, n)[0])
            log(f'{args.model} batch {n}: run {r + 1}/{args.reps}: forward {fwd[-1]:.3f} s, gradient {grd[-1]:.3f} s')
        results.append({'batch': n, 'forward_s': statistics.median(fwd), 'gradient_s': statistics.median(grd),
                        'forward_runs_s': fwd, 'gradient_runs_s': grd, 'reference_prefix': prefix})
    json.dump({**header, 'results': results}, sys.stdout)
    print()


if __name__ == '__main__':
    main()
