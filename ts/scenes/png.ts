// A small PNG encoder (8-bit grey or RGB, no interlace) over node:zlib, for the scene writer: the
// Sub filter and deflate level 1 cost about a third of sharp's default PNG encoding for 4% larger
// files, and the deflate runs on libuv's thread pool, beside the generator. Output is deterministic.
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';

const deflateAsync = promisify(deflate);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + body.length), 8 + body.length);
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes 8-bit grey (channels 1) or RGB (channels 3), row-major, as PNG; every row uses the Sub filter. */
export async function encodePngFast(data: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Buffer> {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || data.length !== width * height * channels) {
    throw new Error(`encodePngFast: ${data.length} bytes do not match ${width}x${height}x${channels}`);
  }
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1), s = y * stride;
    raw[o] = 1; // Sub: each byte minus the same channel of the pixel to its left
    for (let i = 0; i < channels; i++) raw[o + 1 + i] = data[s + i]!;
    for (let i = channels; i < stride; i++) raw[o + 1 + i] = (data[s + i]! - data[s + i - channels]!) & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 3 ? 2 : 0; // colour type: truecolour or greyscale
  const idat = await deflateAsync(raw, { level: 1 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
