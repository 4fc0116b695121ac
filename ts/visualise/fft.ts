// A small mixed-radix complex FFT and the 2-D "half spectrum -> real image" map that the Fourier
// image parametrisation uses, with its exact adjoint.
//
// Why our own: the image sizes that matter are 224 = 2^5 * 7, 227 (prime) and 128; fft.js and most
// small npm FFTs handle powers of two only. A recursive Cooley-Tukey over the prime factors of n
// (naive DFT butterflies for each factor, so any n works, fast when its factors are small) is ~60
// lines and has an oracle in the tests (the naive O(n^2) DFT).

/** Complex DFT of length n: X[k] = sum_j x[j] exp(sign * 2 pi i j k / n), unnormalised. */
export class ComplexFft {
  readonly n: number;
  /** per stage (Stockham, decimation in frequency): radix p and the twiddles w_n^{k r} at [k p + r] */
  private readonly stages: { p: number; cos: Float64Array; sin: Float64Array; oCos: Float64Array; oSin: Float64Array }[] = [];
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;
  private readonly acc: Float64Array;
  private readonly sums: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`ComplexFft: length must be a positive integer, got ${n}`);
    this.n = n;
    let len = n;
    for (const p of factorise(n)) {
      const m = len / p;
      const cos = new Float64Array(len), sin = new Float64Array(len);
      for (let k = 0; k < m; k++) for (let r = 0; r < p; r++) {
        const a = (2 * Math.PI * k * r) / len;
        cos[k * p + r] = Math.cos(a); sin[k * p + r] = Math.sin(a);
      }
      const oCos = Float64Array.from({ length: p }, (_, t) => Math.cos((2 * Math.PI * t) / p));
      const oSin = Float64Array.from({ length: p }, (_, t) => Math.sin((2 * Math.PI * t) / p));
      this.stages.push({ p, cos, sin, oCos, oSin });
      len = m;
    }
    this.wRe = new Float64Array(n); this.wIm = new Float64Array(n);
    this.acc = new Float64Array(2 * Math.max(1, ...factorise(n)));
    this.sums = new Float64Array(4 * Math.max(1, ...factorise(n)));
  }

  /**
   * Transforms the n values re[0..n), im[0..n) in place; sign -1 is the forward DFT, +1 the
   * inverse (unscaled). Stockham autosort: each stage of radix p reads one buffer and writes the
   * other, X[r + p k'] = DFT_m(y_r)[k'] with y_r[k] = w_n^{k r} sum_j x[k + j m] w_p^{j r}.
   */
  transform(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
    let xr = re, xi = im, yr = this.wRe, yi = this.wIm;
    let n = this.n, s = 1;
    for (const { p, cos, sin, oCos, oSin } of this.stages) {
      const m = n / p;
      if (p === 2) {
        for (let k = 0; k < m; k++) {
          const c = cos[k * 2 + 1]!, si = sign * sin[k * 2 + 1]!;
          for (let q = 0; q < s; q++) {
            const ia = q + s * k, ib = ia + s * m;
            const ar = xr[ia]!, ai = xi[ia]!, br = xr[ib]!, bi = xi[ib]!;
            const o = q + s * 2 * k;
            yr[o] = ar + br; yi[o] = ai + bi;
            const dr = ar - br, di = ai - bi;
            yr[o + s] = dr * c - di * si; yi[o + s] = dr * si + di * c;
          }
        }
      } else {
        // odd radix p: pairs j, p - j share a cosine, x_j w^{jr} + x_{p-j} w^{-jr} = a c + i s d
        // with a = x_j + x_{p-j}, d = x_j - x_{p-j}, c + i s = w^{jr}: half the multiplications
        const acc = this.acc, half = (p - 1) >> 1, sums = this.sums;
        for (let k = 0; k < m; k++) for (let q = 0; q < s; q++) {
          const i0 = q + s * k, x0r = xr[i0]!, x0i = xi[i0]!;
          for (let j = 1; j <= half; j++) {
            const ia = q + s * (k + j * m), ib = q + s * (k + (p - j) * m);
            sums[4 * j] = xr[ia]! + xr[ib]!; sums[4 * j + 1] = xi[ia]! + xi[ib]!;
            sums[4 * j + 2] = xr[ia]! - xr[ib]!; sums[4 * j + 3] = xi[ia]! - xi[ib]!;
          }
          for (let r = 0; r < p; r++) {
            let sr = x0r, sim = x0i;
            for (let j = 1, t = r; j <= half; j++, t = (t + r) % p) {
              const c = oCos[t]!, si = sign * oSin[t]!;
              sr += sums[4 * j]! * c - si * sums[4 * j + 3]!;
              sim += sums[4 * j + 1]! * c + si * sums[4 * j + 2]!;
            }
            acc[2 * r] = sr; acc[2 * r + 1] = sim;
          }
          for (let r = 0; r < p; r++) {
            const c = cos[k * p + r]!, si = sign * sin[k * p + r]!, ar = acc[2 * r]!, ai = acc[2 * r + 1]!;
            const o = q + s * (p * k + r);
            yr[o] = ar * c - ai * si; yi[o] = ar * si + ai * c;
          }
        }
      }
      [xr, yr] = [yr, xr]; [xi, yi] = [yi, xi];
      s *= p; n = m;
    }
    if (xr !== re) { re.set(xr); im.set(xi); }
  }
}

function factorise(n: number): number[] {
  const f: number[] = [];
  for (let p = 2; p * p <= n; p++) while (n % p === 0) { f.push(p); n /= p; }
  if (n > 1) f.push(n);
  return f;
}

/**
 * The linear map from a half spectrum (H x (W/2+1) complex coefficients a + ib per channel plane)
 * to a real H x W image:
 *   y[h, w] = Re sum_{ky < H, kx <= W/2} (a + i b)[ky, kx] exp(2 pi i (ky h / H + kx w / W)),
 * and its adjoint (the forward DFT of the image, kept on the same half spectrum:
 * da = Re DFT(dy), db = Im DFT(dy)). Spectrum layout: [ky][kx][re, im].
 */
export class HalfSpectrum {
  readonly kx: number;
  /** values per channel plane of the spectrum */
  readonly size: number;
  private readonly rows: ComplexFft;
  private readonly cols: ComplexFft;
  /** Z[kx][h] after the column pass (column-major, so each column is contiguous) */
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  /** scratch for one transform (in place) */
  private readonly inRe: Float64Array;
  private readonly inIm: Float64Array;

  constructor(readonly height: number, readonly width: number) {
    this.kx = Math.floor(width / 2) + 1;
    this.size = height * this.kx * 2;
    this.rows = new ComplexFft(width);
    this.cols = new ComplexFft(height);
    this.zRe = new Float64Array(height * this.kx); this.zIm = new Float64Array(height * this.kx);
    const m = Math.max(height, width);
    this.inRe = new Float64Array(m); this.inIm = new Float64Array(m);
  }

  /** Writes the image (H*W values at out[outOffset..]) of the spectrum plane spec[specOffset..]. */
  synthesise(spec: Float64Array, specOffset: number, out: Float64Array, outOffset: number): void {
    const { height: H, width: W, kx: K, zRe, zIm, inRe, inIm } = this;
    // columns: for each kx, the inverse DFT along ky
    for (let k = 0; k < K; k++) {
      for (let ky = 0; ky < H; ky++) { inRe[ky] = spec[specOffset + (ky * K + k) * 2]!; inIm[ky] = spec[specOffset + (ky * K + k) * 2 + 1]!; }
      this.cols.transform(inRe, inIm, 1);
      zRe.set(inRe.subarray(0, H), k * H); zIm.set(inIm.subarray(0, H), k * H);
    }
    // rows: y[h] = Re IDFT(Z[h] padded with zeros to W) = IDFT(X) with X Hermitian (X_k = Z_k / 2,
    // X_{W-k} = conj(Z_k) / 2, X_0 and X_{W/2} the real parts), so two rows go through one complex
    // inverse DFT: IDFT(Xa + i Xb) = ya + i yb.
    for (let h = 0; h < H; h += 2) {
      const pair = h + 1 < H;
      inRe.fill(0, 0, W); inIm.fill(0, 0, W);
      for (let k = 0; k < K; k++) {
        const ar = zRe[k * H + h]!, ai = zIm[k * H + h]!;
        const br = pair ? zRe[k * H + h + 1]! : 0, bi = pair ? zIm[k * H + h + 1]! : 0;
        if (k === 0 || 2 * k === W) { inRe[k] = ar; inIm[k] = br; continue; }
        // C_k = Xa_k + i Xb_k, C_{W-k} = conj(Xa_k) + i conj(Xb_k)
        inRe[k] = (ar - bi) / 2; inIm[k] = (ai + br) / 2;
        inRe[W - k] = (ar + bi) / 2; inIm[W - k] = (br - ai) / 2;
      }
      this.rows.transform(inRe, inIm, 1);
      out.set(inRe.subarray(0, W), outOffset + h * W);
      if (pair) out.set(inIm.subarray(0, W), outOffset + (h + 1) * W);
    }
  }

  /** Adds to grad[specOffset..] the adjoint of synthesise applied to the image gradient dy[dyOffset..]. */
  adjoint(dy: Float64Array, dyOffset: number, grad: Float64Array, specOffset: number): void {
    const { height: H, width: W, kx: K, zRe, zIm, inRe, inIm } = this;
    // rows: the forward DFT of each image row, kept for kx < K; two real rows a, b per complex DFT
    // D = DFT(a + i b): A_k = (D_k + conj D_{-k}) / 2, B_k = (D_k - conj D_{-k}) / 2i
    for (let h = 0; h < H; h += 2) {
      const pair = h + 1 < H;
      inRe.set(dy.subarray(dyOffset + h * W, dyOffset + (h + 1) * W));
      if (pair) inIm.set(dy.subarray(dyOffset + (h + 1) * W, dyOffset + (h + 2) * W)); else inIm.fill(0, 0, W);
      this.rows.transform(inRe, inIm, -1);
      for (let k = 0; k < K; k++) {
        const m = k === 0 ? 0 : W - k;
        const dr = inRe[k]!, di = inIm[k]!, er = inRe[m]!, ei = inIm[m]!;
        zRe[k * H + h] = (dr + er) / 2; zIm[k * H + h] = (di - ei) / 2;
        if (pair) { zRe[k * H + h + 1] = (di + ei) / 2; zIm[k * H + h + 1] = (er - dr) / 2; }
      }
    }
    // columns: the forward DFT along h for each kx
    for (let k = 0; k < K; k++) {
      inRe.set(zRe.subarray(k * H, (k + 1) * H)); inIm.set(zIm.subarray(k * H, (k + 1) * H));
      this.cols.transform(inRe, inIm, -1);
      for (let ky = 0; ky < H; ky++) {
        grad[specOffset + (ky * K + k) * 2] += inRe[ky]!;
        grad[specOffset + (ky * K + k) * 2 + 1] += inIm[ky]!;
      }
    }
  }
}
