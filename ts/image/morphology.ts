// Binary morphology on uint8 masks with a square structuring element (separable running max/min).

function pass(src: Uint8Array, width: number, height: number, r: number, horizontal: boolean, dilate: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  const [outer, inner] = horizontal ? [height, width] : [width, height];
  const at = (o: number, i: number) => (horizontal ? o * width + i : i * width + o);
  for (let o = 0; o < outer; o++) {
    // prefix counts of set pixels along the line give each window's count in O(1)
    const prefix = new Int32Array(inner + 1);
    for (let i = 0; i < inner; i++) prefix[i + 1] = prefix[i]! + (src[at(o, i)] ? 1 : 0);
    for (let i = 0; i < inner; i++) {
      const lo = Math.max(0, i - r), hi = Math.min(inner - 1, i + r);
      const count = prefix[hi + 1]! - prefix[lo]!;
      // outside the image counts as background for dilation and as foreground for erosion, so
      // closing does not eat objects that touch the border
      out[at(o, i)] = dilate ? (count > 0 ? 1 : 0) : (count === hi - lo + 1 ? 1 : 0);
    }
  }
  return out;
}

export function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  return pass(pass(mask, width, height, r, true, true), width, height, r, false, true);
}

export function erode(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  return pass(pass(mask, width, height, r, true, false), width, height, r, false, false);
}

/** Closing (dilation then erosion): joins parts closer than about 2r pixels, fills small holes. */
export function close(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  return r > 0 ? erode(dilate(mask, width, height, r), width, height, r) : Uint8Array.from(mask);
}
