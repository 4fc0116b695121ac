// Full-size VGG-16 and ResNet-50 built in the IR with random weights, for bench/gradient.mts when
// PyTorch is not there to export torchvision's. They have torchvision's layer sizes and the ops a
// torch.onnx export of the eval-mode model writes (BatchNormalization folded into the convolutions,
// Dropout gone, Linear as Gemm with transB=1), so the timings are comparable to the exports'.
// Weights are uniform with variance 2/fan-in (He), biases small, from TestNet's seeded generator.
import type { Model } from '../ts/graph/ir.js';
import { TestNet, int, ints } from '../test/helpers/net.js';

export const INPUT_SHAPE = ['N', 3, 224, 224] as const;

class BenchNet extends TestNet {
  constructor(name: string, seed: number) {
    super([...INPUT_SHAPE], seed, name, 13);
  }

  /** Uniform weights with variance gain/fanIn, written straight into a Float32Array (VGG-16 has 138M). */
  private scaled(dims: number[], fanIn: number, gain = 2): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const scale = Math.sqrt((3 * gain) / fanIn);
    for (let i = 0; i < n; i++) data[i] = scale * (2 * this.rand() - 1);
    return this.b.tensor({ dtype: 'float32', dims, data }, 'w');
  }

  private bias(n: number): string {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = 0.02 * (2 * this.rand() - 1);
    return this.b.tensor({ dtype: 'float32', dims: [n], data }, 'b');
  }

  conv2(x: string, cin: number, cout: number, k: number, stride = 1, pad = 0, gain = 2): string {
    return this.op('Conv', [x, this.scaled([cout, cin, k, k], cin * k * k, gain), this.bias(cout)], {
      dilations: ints([1, 1]), group: int(1), kernel_shape: ints([k, k]), pads: ints([pad, pad, pad, pad]), strides: ints([stride, stride]),
    });
  }

  relu(x: string): string {
    return this.op('Relu', [x]);
  }

  maxPool(x: string, k: number, s: number, pad = 0): string {
    return this.op('MaxPool', [x], { ceil_mode: int(0), kernel_shape: ints([k, k]), pads: ints([pad, pad, pad, pad]), strides: ints([s, s]) });
  }

  linear(x: string, cin: number, cout: number, gain = 2): string {
    return this.op('Gemm', [x, this.scaled([cout, cin], cin, gain), this.bias(cout)], { alpha: { t: 'float', v: 1 }, beta: { t: 'float', v: 1 }, transB: int(1) });
  }
}

/** torchvision vgg16(): 13 3×3 convolutions in 5 blocks, then 25088→4096→4096→1000. */
export function vgg16(seed = 16): Model {
  const n = new BenchNet('vgg16', seed);
  let x = n.x, c = 3;
  for (const block of [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]) {
    for (const cout of block) { x = n.relu(n.conv2(x, c, cout, 3, 1, 1)); c = cout; }
    x = n.maxPool(x, 2, 2);
  }
  x = n.op('Flatten', [x], { axis: int(1) });
  x = n.relu(n.linear(x, 512 * 7 * 7, 4096));
  x = n.relu(n.linear(x, 4096, 4096));
  return n.done(n.linear(x, 4096, 1000, 1), ['N', 1000]);
}

/** torchvision resnet50(): bottleneck blocks [3, 4, 6, 3], stride on the 3×3 convolution (v1.5). */
export function resnet50(seed = 50): Model {
  const n = new BenchNet('resnet50', seed);
  let x = n.maxPool(n.relu(n.conv2(n.x, 3, 64, 7, 2, 3)), 3, 2, 1);
  let cin = 64;
  const stages: [number, number, number][] = [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]];
  for (const [width, blocks, stride] of stages) {
    for (let i = 0; i < blocks; i++) {
      const s = i === 0 ? stride : 1, cout = width * 4;
      let y = n.relu(n.conv2(x, cin, width, 1));
      y = n.relu(n.conv2(y, width, width, 3, s, 1));
      y = n.conv2(y, width, cout, 1, 1, 0, 0.25); // small last-layer gain keeps the residual sum bounded
      const shortcut = i === 0 ? n.conv2(x, cin, cout, 1, s, 0, 1) : x;
      x = n.relu(n.op('Add', [y, shortcut]));
      cin = cout;
    }
  }
  x = n.op('Flatten', [n.op('GlobalAveragePool', [x])], { axis: int(1) });
  return n.done(n.linear(x, 2048, 1000, 1), ['N', 1000]);
}
