#!/usr/bin/python3
"""OpenCV side of bench/grabcut.mts: cv::grabCut timings and the common GrabCut energy score.

    /usr/bin/python3 bench/grabcut_opencv.py --serve [--threads 1]
    /usr/bin/python3 bench/grabcut_opencv.py --selftest

Needs Debian's python3-opencv (apt-get install -y python3-opencv) and numpy.

--serve (what the bench uses, so that OpenCV's runs interleave with the deepinside cores'): prints
one JSON line {"opencv": version, "threads": n, "numpy": version} and then answers requests read
from stdin. A request is one JSON line, followed by raw bytes the line announces; a reply is one
JSON line, possibly followed by raw bytes.

  {"cmd": "grabcut", "w": W, "h": H, "iterations": 5}  + W*H*3 RGB bytes + W*H label bytes (0..3)
      cv2.setRNGSeed(0), then cv2.grabCut(img, mask, None, bgd, fgd, iterations,
      cv2.GC_INIT_WITH_MASK) on a copy of the labels; only that call is timed (perf_counter).
      -> {"ms": milliseconds} + W*H bytes: the final labels (0..3)
  {"cmd": "score", "w": W, "h": H, "masks": M, "gamma": 50, "k": 5}  + RGB + M label masks
      -> {"energy": [E per mask], "mixture": [E_mix per mask], "data": [...], "smooth": [...]}
  {"cmd": "quit"}

OpenCV's grabCut uses 5 components per GMM, gamma 50, the 8-neighbourhood and beta from the image
(all fixed in its source); the channel order does not matter to it (every step is symmetric in the
channels), so the RGB bytes are passed as they are.

The common score (one function for every segmentation, whichever implementation produced it):
  z_p the colour of pixel p (float64, 0..255), alpha_p = 1 where the label is 1 or 3.
  Smoothness V = sum over 8-neighbour pairs {p, q} (each pair once) with alpha_p != alpha_q of
      gamma / dist(p, q) * exp(-beta |z_p - z_q|^2),  dist = 1 (horizontal, vertical) or sqrt 2,
      beta = 1 / (2 * mean of |z_p - z_q|^2 over all those pairs)  (0 for a constant image),
    the same n-links as OpenCV and deepinside use.
  Data term: each side (alpha = 0, alpha = 1) gets a K-component full-covariance GMM fitted to its
    own pixels the way GrabCut fits one, with hard assignments: k-means (cv2.kmeans, K-means++
    centres, 10 rounds, RNG seed s) for the initial assignment, then rounds of (maximum-likelihood
    fit: weight n_k/n, mean, covariance + 0.01 I; reassign every pixel to its most likely component)
    until no pixel moves (at most 50 rounds). This is run for seeds s = 0, 1, 2 and the lowest
    data term kept (a closer approximation of min over the GMMs).
    D_k(z) = -log w_k + 0.5 log det S_k + 0.5 (z - mu_k)^T S_k^-1 (z - mu_k)
    U = sum_p min_k D_k(z_p)   (the GrabCut paper's data term, component index minimised out)
  E = U_bg + U_fg + V.
  E_mix ("mixture" in the reply) is the same with OpenCV's t-link data term instead,
    -log sum_k w_k det(S_k)^-1/2 exp(-0.5 (z - mu_k)^T S_k^-1 (z - mu_k)),
    under the same fitted GMMs. (The 1.5 log 2 pi per pixel is left out of both, as OpenCV does.)
Progress and errors go to stderr.
"""
import argparse
import json
import math
import sys
import time

import numpy as np

K_DEFAULT = 5
RIDGE = 0.01
EM_ROUNDS = 50
KMEANS_SEEDS = (0, 1, 2)


def log(msg):
    print(f'[opencv] {msg}', file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ the common score

def neighbour_pairs(h, w):
    """(slice_p, slice_q, distance) for the 4 forward directions of the 8-neighbourhood."""
    return [
        ((slice(0, h), slice(0, w - 1)), (slice(0, h), slice(1, w)), 1.0),          # right
        ((slice(0, h - 1), slice(0, w)), (slice(1, h), slice(0, w)), 1.0),          # down
        ((slice(0, h - 1), slice(0, w - 1)), (slice(1, h), slice(1, w)), math.sqrt(2.0)),  # down-right
        ((slice(0, h - 1), slice(1, w)), (slice(1, h), slice(0, w - 1)), math.sqrt(2.0)),  # down-left
    ]


def smoothness(img, alpha, gamma):
    h, w, _ = img.shape
    z = img.astype(np.float64)
    pairs = neighbour_pairs(h, w)
    d2 = [((z[sp] - z[sq]) ** 2).sum(axis=2) for sp, sq, _ in pairs]
    count = sum(d.size for d in d2)
    total = sum(float(d.sum()) for d in d2)
    beta = 1.0 / (2.0 * total / count) if count and total > 0 else 0.0
    v = 0.0
    for (sp, sq, dist), d in zip(pairs, d2):
        cut = alpha[sp] != alpha[sq]
        v += float((gamma / dist * np.exp(-beta * d[cut])).sum())
    return v, beta


def features(x):
    """Per-sample monomials of degree <= 2, so that all quadratic forms are one matrix product."""
    a, b, c = x[:, 0], x[:, 1], x[:, 2]
    return np.stack([a * a, b * b, c * c, a * b, a * c, b * c, a, b, c, np.ones_like(a)], axis=1)


def component_scores(f, weight, mean, cov):
    """D_k for every sample (f = features(x)) and component: N x K."""
    k = len(weight)
    w = np.empty((10, k))
    const = np.empty(k)
    for c in range(k):
        inv = np.linalg.inv(cov[c])
        inv = 0.5 * (inv + inv.T)
        _, logdet = np.linalg.slogdet(cov[c])
        mu = np.asarray(mean[c])
        am = inv @ mu
        # (x - mu)^T A (x - mu) = sum A_ij x_i x_j - 2 (A mu)^T x + mu^T A mu
        w[:, c] = [inv[0, 0], inv[1, 1], inv[2, 2], 2 * inv[0, 1], 2 * inv[0, 2], 2 * inv[1, 2],
                   -2 * am[0], -2 * am[1], -2 * am[2], mu @ am]
        const[c] = -math.log(weight[c]) + 0.5 * logdet
    return const + 0.5 * (f @ w)


def fit(x, assign):
    """ML fit (+ ridge) of a hard assignment. Empty components are dropped: returns the GMM and the
    assignment renumbered to the kept components."""
    n = x.shape[0]
    count = np.bincount(assign)
    kept = np.flatnonzero(count)
    if len(kept) < len(count):
        remap = np.full(len(count), -1, np.int64)
        remap[kept] = np.arange(len(kept))
        assign = remap[assign]
        count = count[kept]
    k = len(kept)
    s1 = np.stack([np.bincount(assign, x[:, j], k) for j in range(3)], axis=1)
    mean = s1 / count[:, None]
    diff = x - mean[assign]
    weight, covs = [], []
    s2 = np.empty((k, 3, 3))
    for a in range(3):
        for b in range(a, 3):
            s2[:, a, b] = s2[:, b, a] = np.bincount(assign, diff[:, a] * diff[:, b], k)
    for c in range(k):
        weight.append(count[c] / n)
        covs.append(s2[c] / count[c] + RIDGE * np.eye(3))
    return (weight, list(mean), covs), assign


def fit_side(x, k):
    """The lowest-U hard-EM GMM of the samples over KMEANS_SEEDS; returns (U, U_mix)."""
    import cv2
    best = None
    kk = min(k, x.shape[0])
    f = features(x)
    for seed in KMEANS_SEEDS:
        cv2.setRNGSeed(seed)
        crit = (cv2.TERM_CRITERIA_MAX_ITER, 10, 0.0)
        _, labels, _ = cv2.kmeans(x.astype(np.float32), kk, None, crit, 1, cv2.KMEANS_PP_CENTERS)
        assign = labels.ravel()
        for _ in range(EM_ROUNDS):
            gmm, assign = fit(x, assign)
            new = component_scores(f, *gmm).argmin(axis=1)
            if np.array_equal(new, assign):
                break
            assign = new
        gmm, assign = fit(x, assign)
        d = component_scores(f, *gmm)
        m = d.min(axis=1)
        u = float(m.sum())
        # mixture: -log sum_k exp(-D_k) (D_k holds -log w_k + 0.5 log det + 0.5 q)
        u_mix = float((m - np.log(np.exp(-(d - m[:, None])).sum(axis=1))).sum())
        if best is None or u < best[0]:
            best = (u, u_mix)
    return best


def score(img, labels, gamma, k):
    alpha = (labels == 1) | (labels == 3)
    v, _ = smoothness(img, alpha, gamma)
    x = img.reshape(-1, 3).astype(np.float64)
    a = alpha.ravel()
    u = u_mix = 0.0
    for side in (False, True):
        xs = x[a == side]
        if xs.shape[0] == 0:
            continue
        s, s_mix = fit_side(xs, k)
        u += s
        u_mix += s_mix
    return {'energy': u + v, 'mixture': u_mix + v, 'data': u, 'smooth': v}


# ------------------------------------------------------------------------------ grabCut

def grabcut(img, labels, iterations):
    import cv2
    mask = labels.copy()
    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)
    t0 = time.perf_counter()
    cv2.grabCut(img, mask, None, bgd, fgd, iterations, cv2.GC_INIT_WITH_MASK)
    ms = (time.perf_counter() - t0) * 1000.0
    return ms, mask


# ------------------------------------------------------------------------------ serving

def read_exact(stream, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            raise EOFError('stdin closed')
        buf += chunk
    return bytes(buf)


def serve():
    inp, out = sys.stdin.buffer, sys.stdout.buffer

    def reply(obj, payload=b''):
        out.write((json.dumps(obj) + '\n').encode())
        if payload:
            out.write(payload)
        out.flush()

    while True:
        line = inp.readline()
        if not line:
            return
        req = json.loads(line)
        cmd = req.get('cmd')
        if cmd == 'quit':
            return
        try:
            w, h = int(req['w']), int(req['h'])
            img = np.frombuffer(read_exact(inp, w * h * 3), np.uint8).reshape(h, w, 3).copy()
            if cmd == 'grabcut':
                labels = np.frombuffer(read_exact(inp, w * h), np.uint8).reshape(h, w).copy()
                ms, mask = grabcut(img, labels, int(req.get('iterations', 5)))
                reply({'ms': ms}, mask.astype(np.uint8).tobytes())
            elif cmd == 'score':
                res = {'energy': [], 'mixture': [], 'data': [], 'smooth': []}
                for _ in range(int(req['masks'])):
                    labels = np.frombuffer(read_exact(inp, w * h), np.uint8).reshape(h, w)
                    s = score(img, labels, float(req.get('gamma', 50.0)), int(req.get('k', K_DEFAULT)))
                    for key in res:
                        res[key].append(s[key])
                reply(res)
            else:
                reply({'error': f'unknown command {cmd!r}'})
        except EOFError:
            return
        except Exception as e:  # report and keep serving
            reply({'error': f'{type(e).__name__}: {e}'})


def selftest():
    """A two-colour image: grabCut from a rectangle-like mask, then the score of a few masks."""
    rng = np.random.default_rng(0)
    h, w = 60, 80
    img = np.full((h, w, 3), (30, 90, 40), np.uint8)
    img[15:45, 20:60] = (200, 60, 60)
    img = np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)
    labels = np.zeros((h, w), np.uint8)
    labels[10:50, 15:65] = 3
    ms, mask = grabcut(img, labels, 5)
    truth = np.zeros((h, w), np.uint8)
    truth[15:45, 20:60] = 1
    fg = (mask == 1) | (mask == 3)
    iou = (fg & (truth == 1)).sum() / (fg | (truth == 1)).sum()
    good = score(img, mask, 50.0, 5)
    box = score(img, labels, 50.0, 5)
    print(json.dumps({'grabcut_ms': round(ms, 2), 'iou': round(float(iou), 4), 'E(grabcut)': good['energy'],
                      'E(initial box)': box['energy']}))
    assert iou > 0.95, iou
    assert good['energy'] < box['energy']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--serve', action='store_true')
    ap.add_argument('--selftest', action='store_true')
    ap.add_argument('--threads', type=int, default=1, help='cv2.setNumThreads (default 1, as the cores are single-threaded)')
    args = ap.parse_args()
    try:
        import cv2
    except ImportError as e:
        if args.serve:
            print(json.dumps({'error': f'cannot import cv2 ({e}); apt-get install -y python3-opencv'}), flush=True)
            return 0
        raise
    cv2.setNumThreads(args.threads)
    if args.selftest:
        selftest()
        return 0
    if args.serve:
        print(json.dumps({'opencv': cv2.__version__, 'threads': cv2.getNumThreads(), 'numpy': np.__version__}), flush=True)
        serve()
        return 0
    ap.print_help()
    return 2


if __name__ == '__main__':
    sys.exit(main())
