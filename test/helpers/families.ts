// Reduced-size networks shaped like the ImageNet families deepinside meets in the wild: the same
// op patterns (and the same op spellings exporters write), with few channels and small inputs so a
// float64 finite-difference check of the whole network runs in well under a second.
// Weights are scaled by fan-in (He-uniform before ReLU-like activations, LeCun-uniform otherwise)
// so activations neither vanish nor explode through the depth of a net.
import type { Attr, Model } from '../../ts/graph/ir.js';
import { TestNet, float, int, ints } from './net.js';

export interface Family {
  name: string;
  input: number[];
  /** inputs uniform in [-scale, scale] (default 1); ImageNet-normalised pixels span about ±2.5,
   *  which makes bounded activations (ReLU6, HardSwish) saturate somewhere */
  scale?: number;
  /** op of the trailing softmax gradify should remove, or null */
  softmax: 'Softmax' | 'LogSoftmax' | null;
  build: () => Model;
}

interface ConvOpts {
  stride?: number;
  pad?: number;
  group?: number;
  /** weight gain: 2 before ReLU-like activations (He), 1 for linear layers */
  gain?: number;
  bias?: boolean;
  attrs?: Record<string, Attr>;
}

/** TestNet with the layers of a ConvNet at realistic scales. */
export class Net extends TestNet {
  /** uniform weights with variance gain / fanIn */
  scaled(dims: number[], fanIn: number, gain: number): string {
    return this.weight(dims, Math.sqrt((3 * gain) / fanIn));
  }

  conv2d(x: string, cin: number, cout: number, k: number, o: ConvOpts = {}): string {
    const group = o.group ?? 1, s = o.stride ?? 1, p = o.pad ?? 0;
    const fanIn = (cin / group) * k * k;
    const inputs = [x, this.scaled([cout, cin / group, k, k], fanIn, o.gain ?? 2)];
    if (o.bias ?? true) inputs.push(this.weight([cout], 0.05));
    const attrs: Record<string, Attr> = { kernel_shape: ints([k, k]), strides: ints([s, s]), pads: ints([p, p, p, p]), ...o.attrs };
    if (group !== 1) attrs['group'] = int(group);
    return this.op('Conv', inputs, attrs);
  }

  bn(x: string, c: number): string {
    return this.op('BatchNormalization', [
      x, this.weight([c], 0.2, 1), this.weight([c], 0.1), this.weight([c], 0.1), this.weight([c], 0.3, 1),
    ], { epsilon: float(1e-5), momentum: float(0.9) });
  }

  relu(x: string): string {
    return this.op('Relu', [x]);
  }

  relu6(x: string): string {
    return this.op('Clip', [x, this.b.scalar(0), this.b.scalar(6)]);
  }

  hardSwish(x: string): string {
    return this.op('HardSwish', [x]);
  }

  /** Swish / SiLU as exporters write it: x * Sigmoid(x) */
  swish(x: string): string {
    return this.op('Mul', [x, this.op('Sigmoid', [x])]);
  }

  convBnRelu(x: string, cin: number, cout: number, k: number, o: ConvOpts = {}): string {
    return this.relu(this.bn(this.conv2d(x, cin, cout, k, { bias: false, ...o }), cout));
  }

  maxPool(x: string, k: number, s: number, extra: Record<string, Attr> = {}): string {
    return this.op('MaxPool', [x], { kernel_shape: ints([k, k]), strides: ints([s, s]), ...extra });
  }

  avgPool(x: string, k: number, s: number, extra: Record<string, Attr> = {}): string {
    return this.op('AveragePool', [x], { kernel_shape: ints([k, k]), strides: ints([s, s]), ...extra });
  }

  lrn(x: string): string {
    // AlexNet / GoogLeNet constants (alpha scaled up so the normalisation has an effect at these sizes)
    return this.op('LRN', [x], { size: int(5), alpha: float(1e-2), beta: float(0.75), bias: float(1) });
  }

  /** torch.nn.Linear as exported: Gemm(x, W[out,in], b, transB=1) */
  linear(x: string, nin: number, nout: number, gain = 1): string {
    return this.op('Gemm', [x, this.scaled([nout, nin], nin, gain), this.weight([nout], 0.05)], { alpha: float(1), beta: float(1), transB: int(1) });
  }

  gap(x: string): string {
    return this.op('GlobalAveragePool', [x]);
  }

  flatten(x: string): string {
    return this.op('Flatten', [x], { axis: int(1) });
  }

  dropout(x: string): string {
    return this.op('Dropout', [x]);
  }

  concat(xs: string[]): string {
    return this.op('Concat', xs, { axis: int(1) });
  }

  softmax(x: string): string {
    return this.op('Softmax', [x], { axis: int(1) });
  }
}

const CLASSES = 10;

/**
 * AlexNet / CaffeNet: strided large-kernel conv, ReLU, LRN, overlapping 3x3/2 max pooling, a
 * grouped conv (AlexNet's two-GPU split), Flatten, then a Gemm/ReLU/Dropout classifier.
 */
export function alexNet(): Model {
  const t = new Net([1, 3, 31, 31], 101, 'alexnet');
  let x = t.relu(t.conv2d(t.x, 3, 8, 5, { stride: 2 })); // 14x14
  x = t.maxPool(t.lrn(x), 3, 2); // AlexNet order: LRN then pool -> 6x6
  x = t.relu(t.conv2d(x, 8, 12, 3, { pad: 1, group: 2 }));
  x = t.lrn(t.maxPool(x, 3, 2)); // CaffeNet order: pool then LRN -> 2x2
  x = t.relu(t.conv2d(x, 12, 12, 3, { pad: 1 }));
  x = t.relu(t.conv2d(x, 12, 8, 3, { pad: 1, group: 2 }));
  x = t.flatten(x); // 8*2*2 = 32
  x = t.dropout(t.relu(t.linear(x, 32, 24, 2)));
  x = t.dropout(t.relu(t.linear(x, 24, 24, 2)));
  x = t.linear(x, 24, CLASSES);
  return t.done(t.softmax(x), [1, CLASSES]);
}

/** VGG: stacks of 3x3 pad-1 conv + ReLU, 2x2 max pooling, Flatten and a Gemm classifier. */
export function vgg(): Model {
  const t = new Net([1, 3, 16, 16], 202, 'vgg');
  let x = t.x, c = 3;
  for (const [width, convs] of [[6, 2], [8, 2], [8, 3]] as const) {
    for (let i = 0; i < convs; i++) { x = t.relu(t.conv2d(x, c, width, 3, { pad: 1 })); c = width; }
    x = t.maxPool(x, 2, 2);
  }
  x = t.flatten(x); // 8*2*2 = 32
  x = t.dropout(t.relu(t.linear(x, 32, 24, 2)));
  x = t.dropout(t.relu(t.linear(x, 24, 24, 2)));
  return t.done(t.linear(x, 24, CLASSES), [1, CLASSES]);
}

/** Inception block: 1x1, 1x1->3x3, 1x1->5x5 and 3x3 maxpool->1x1 branches joined by Concat. */
function inception(t: Net, x: string, cin: number, [b1, r3, b3, r5, b5, pp]: number[]): string {
  const a = t.relu(t.conv2d(x, cin, b1!, 1));
  const b = t.relu(t.conv2d(t.relu(t.conv2d(x, cin, r3!, 1)), r3!, b3!, 3, { pad: 1 }));
  const c = t.relu(t.conv2d(t.relu(t.conv2d(x, cin, r5!, 1)), r5!, b5!, 5, { pad: 2 }));
  const d = t.relu(t.conv2d(t.op('MaxPool', [x], { kernel_shape: ints([3, 3]), strides: ints([1, 1]), pads: ints([1, 1, 1, 1]) }), cin, pp!, 1));
  return t.concat([a, b, c, d]);
}

/**
 * GoogLeNet (BVLC / torchvision): 7x7/2 stem, ceil_mode 3x3/2 max pools, LRN, two inception
 * blocks, AveragePool over the last feature map, Dropout, Flatten, Gemm and Softmax.
 */
export function googLeNet(): Model {
  const t = new Net([1, 3, 24, 24], 303, 'googlenet');
  const ceil = { ceil_mode: int(1) };
  let x = t.relu(t.conv2d(t.x, 3, 8, 7, { stride: 2, pad: 3 })); // 12x12
  x = t.lrn(t.maxPool(x, 3, 2, ceil)); // ceil((12-3)/2)+1 = 6 (floor would give 5)
  x = t.relu(t.conv2d(x, 8, 8, 1));
  x = t.relu(t.conv2d(x, 8, 12, 3, { pad: 1 }));
  x = t.maxPool(t.lrn(x), 3, 2, ceil); // 3x3
  x = inception(t, x, 12, [4, 6, 8, 2, 4, 4]); // 20 channels
  x = inception(t, x, 20, [6, 6, 8, 2, 4, 4]); // 22 channels
  x = t.avgPool(x, 3, 1); // 1x1
  x = t.flatten(t.dropout(x));
  x = t.linear(x, 22, CLASSES);
  return t.done(t.softmax(x), [1, CLASSES]);
}

/**
 * ResNet: conv-BN-ReLU stem with 3x3/2 pad-1 max pooling, a basic block with an identity shortcut
 * and one with a strided 1x1 conv + BN projection shortcut, GlobalAveragePool, Flatten, Gemm.
 */
export function resNet(): Model {
  const t = new Net([2, 3, 16, 16], 404, 'resnet');
  let x = t.convBnRelu(t.x, 3, 8, 7, { stride: 2, pad: 3 }); // 8x8
  x = t.maxPool(x, 3, 2, { pads: ints([1, 1, 1, 1]) }); // 4x4
  // basic block, identity shortcut
  let y = t.convBnRelu(x, 8, 8, 3, { pad: 1 });
  y = t.bn(t.conv2d(y, 8, 8, 3, { pad: 1, bias: false }), 8);
  x = t.relu(t.op('Add', [y, x]));
  // downsampling block, projection shortcut
  y = t.convBnRelu(x, 8, 16, 3, { stride: 2, pad: 1 }); // 2x2
  y = t.bn(t.conv2d(y, 16, 16, 3, { pad: 1, bias: false }), 16);
  const shortcut = t.bn(t.conv2d(x, 8, 16, 1, { stride: 2, bias: false, gain: 1 }), 16);
  x = t.relu(t.op('Add', [y, shortcut]));
  x = t.flatten(t.gap(x));
  return t.done(t.linear(x, 16, CLASSES), [2, CLASSES]);
}

/** Fire module: squeeze 1x1 + ReLU, then expand 1x1 and 3x3 (+ ReLU) concatenated. */
function fire(t: Net, x: string, cin: number, squeeze: number, expand: number): string {
  const s = t.relu(t.conv2d(x, cin, squeeze, 1));
  return t.concat([t.relu(t.conv2d(s, squeeze, expand, 1)), t.relu(t.conv2d(s, squeeze, expand, 3, { pad: 1 }))]);
}

/**
 * SqueezeNet 1.1: 3x3/2 stem, ceil_mode max pools, fire modules, Dropout, a final 1x1 conv + ReLU
 * as the classifier, GlobalAveragePool, then Softmax over the channels and a Flatten after it.
 */
export function squeezeNet(): Model {
  const t = new Net([1, 3, 25, 25], 505, 'squeezenet');
  const ceil = { ceil_mode: int(1) };
  let x = t.relu(t.conv2d(t.x, 3, 8, 3, { stride: 2 })); // 12x12
  x = t.maxPool(x, 3, 2, ceil); // 6x6
  x = fire(t, x, 8, 4, 8);
  x = fire(t, x, 16, 4, 8);
  x = t.maxPool(x, 3, 2, ceil); // 3x3
  x = fire(t, x, 16, 6, 12);
  x = t.dropout(x);
  // the final conv feeds a ReLU; a positive bias keeps most classes alive at this size
  x = t.relu(t.op('Conv', [x, t.scaled([CLASSES, 24, 1, 1], 24, 2), t.weight([CLASSES], 0.1, 0.3)]));
  x = t.softmax(t.gap(x)); // [1,10,1,1]
  return t.done(t.flatten(x), [1, CLASSES]);
}

/**
 * DenseNet: BN-ReLU-Conv(1x1)-BN-ReLU-Conv(3x3) layers whose input is the Concat of every previous
 * feature map of the block (torchvision's torch.cat(features, 1)), a BN-ReLU-1x1-AveragePool 2x2
 * transition, a second block, final BN-ReLU, GlobalAveragePool, Flatten and Gemm.
 */
export function denseNet(): Model {
  const t = new Net([1, 3, 16, 16], 606, 'densenet');
  const growth = 4, bottleneck = 8;
  let x = t.convBnRelu(t.x, 3, 8, 3, { stride: 2, pad: 1 }); // 8x8
  x = t.maxPool(x, 3, 2, { pads: ints([1, 1, 1, 1]) }); // 4x4
  const block = (input: string, cin: number, layers: number): [string, number] => {
    const features = [input];
    let c = cin;
    for (let i = 0; i < layers; i++) {
      // copy: a node keeps the array it is given
      const joined = features.length === 1 ? features[0]! : t.concat([...features]);
      const h = t.conv2d(t.relu(t.bn(joined, c)), c, bottleneck, 1, { bias: false });
      features.push(t.conv2d(t.relu(t.bn(h, bottleneck)), bottleneck, growth, 3, { pad: 1, bias: false }));
      c += growth;
    }
    return [t.concat([...features]), c];
  };
  let c: number;
  [x, c] = block(x, 8, 3); // 20 channels
  x = t.conv2d(t.relu(t.bn(x, c)), c, 10, 1, { bias: false });
  x = t.avgPool(x, 2, 2); // 2x2
  [x, c] = block(x, 10, 2); // 18 channels
  x = t.flatten(t.gap(t.relu(t.bn(x, c))));
  return t.done(t.linear(x, c, CLASSES), [1, CLASSES]);
}

/**
 * MobileNetV2: inverted residuals — 1x1 expansion + ReLU6 (Clip 0..6), depthwise 3x3 (group = C)
 * + ReLU6, linear 1x1 projection, and a residual Add when the shape allows it. BN folded into the
 * convs, as the torchvision export does.
 */
export function mobileNetV2(): Model {
  const t = new Net([1, 3, 16, 16], 707, 'mobilenetv2');
  const invertedResidual = (x: string, cin: number, cout: number, stride: number, expand: number): string => {
    const hidden = cin * expand;
    let y = t.relu6(t.conv2d(x, cin, hidden, 1));
    y = t.relu6(t.conv2d(y, hidden, hidden, 3, { stride, pad: 1, group: hidden }));
    y = t.conv2d(y, hidden, cout, 1, { gain: 1 });
    return stride === 1 && cin === cout ? t.op('Add', [x, y]) : y;
  };
  let x = t.relu6(t.conv2d(t.x, 3, 8, 3, { stride: 2, pad: 1 })); // 8x8
  x = invertedResidual(x, 8, 8, 1, 1); // t=1 first block: dw then project
  x = invertedResidual(x, 8, 12, 2, 4); // 4x4
  x = invertedResidual(x, 12, 12, 1, 4); // residual
  x = t.relu6(t.conv2d(x, 12, 32, 1));
  x = t.dropout(t.flatten(t.gap(x)));
  return t.done(t.linear(x, 32, CLASSES), [1, CLASSES]);
}

/**
 * MobileNetV3: HardSwish activations and squeeze-excitation (GlobalAveragePool -> 1x1 conv -> Relu
 * -> 1x1 conv -> HardSigmoid -> Mul) inside inverted residual blocks, HardSwish classifier head.
 */
export function mobileNetV3(): Model {
  const t = new Net([1, 3, 16, 16], 808, 'mobilenetv3');
  const se = (x: string, c: number, r: number): string => {
    let s = t.relu(t.conv2d(t.gap(x), c, r, 1));
    // torchvision: hardsigmoid(x) = relu6(x + 3) / 6, which exports as HardSigmoid(alpha=1/6)
    // a wide excitation conv, so that some gates saturate at 0 or 1 as trained SE gates do
    s = t.op('HardSigmoid', [t.conv2d(s, r, c, 1, { gain: 24 })], { alpha: float(1 / 6), beta: float(0.5) });
    return t.op('Mul', [x, s]);
  };
  const block = (x: string, cin: number, hidden: number, cout: number, k: number, stride: number, useSe: boolean, act: 'hs' | 're'): string => {
    const a = (v: string) => (act === 'hs' ? t.hardSwish(v) : t.relu(v));
    let y = a(t.conv2d(x, cin, hidden, 1));
    y = a(t.conv2d(y, hidden, hidden, k, { stride, pad: (k - 1) / 2, group: hidden }));
    if (useSe) y = se(y, hidden, Math.max(2, hidden / 4));
    y = t.conv2d(y, hidden, cout, 1, { gain: 1 });
    return stride === 1 && cin === cout ? t.op('Add', [x, y]) : y;
  };
  let x = t.hardSwish(t.conv2d(t.x, 3, 8, 3, { stride: 2, pad: 1 })); // 8x8
  x = block(x, 8, 16, 8, 3, 1, true, 're');
  x = block(x, 8, 24, 12, 5, 2, true, 'hs'); // 4x4
  x = block(x, 12, 24, 12, 3, 1, true, 'hs');
  x = t.hardSwish(t.conv2d(x, 12, 24, 1));
  x = t.flatten(t.gap(x));
  x = t.dropout(t.hardSwish(t.linear(x, 24, 16, 2)));
  return t.done(t.linear(x, 16, CLASSES), [1, CLASSES]);
}

/**
 * ShuffleNet v2: a downsampling unit (two strided branches with depthwise convs), basic units that
 * split the channels in half (one with Split, one with Slice, as different exporters write
 * torch.chunk), channel shuffle as Reshape -> Transpose -> Reshape, and torchvision's head:
 * conv 1x1 + BN + ReLU, ReduceMean over [2,3] without keepdims, Gemm.
 */
export function shuffleNetV2(): Model {
  const t = new Net([1, 3, 16, 16], 909, 'shufflenetv2');
  const shuffle = (x: string, c: number, hw: number): string => {
    const grouped = t.op('Reshape', [x, t.ints([1, 2, c / 2, hw, hw])]);
    const swapped = t.op('Transpose', [grouped], { perm: ints([0, 2, 1, 3, 4]) });
    return t.op('Reshape', [swapped, t.ints([0, -1, hw, hw])]);
  };
  const branch = (x: string, c: number, stride: number): string => {
    let y = t.convBnRelu(x, c, c, 1);
    y = t.bn(t.conv2d(y, c, c, 3, { stride, pad: 1, group: c, bias: false, gain: 1 }), c);
    return t.convBnRelu(y, c, c, 1);
  };
  let x = t.convBnRelu(t.x, 3, 8, 3, { stride: 2, pad: 1 }); // 8x8
  x = t.maxPool(x, 3, 2, { pads: ints([1, 1, 1, 1]) }); // 4x4
  // downsampling unit: both branches see the whole input
  let b1 = t.bn(t.conv2d(x, 8, 8, 3, { stride: 2, pad: 1, group: 8, bias: false, gain: 1 }), 8);
  b1 = t.convBnRelu(b1, 8, 8, 1);
  x = shuffle(t.concat([b1, branch(x, 8, 2)]), 16, 2); // 16 x 2x2
  // basic unit with Split
  const [s1, s2] = t.opN('Split', [x, t.ints([8, 8])], 2, { axis: int(1) });
  x = shuffle(t.concat([s1!, branch(s2!, 8, 1)]), 16, 2);
  // basic unit with Slice
  const half = (from: number, to: number) => t.op('Slice', [x, t.ints([from]), t.ints([to]), t.ints([1])]);
  x = shuffle(t.concat([half(0, 8), branch(half(8, 16), 8, 1)]), 16, 2);
  x = t.convBnRelu(x, 16, 24, 1);
  x = t.op('ReduceMean', [x], { axes: ints([2, 3]), keepdims: int(0) });
  return t.done(t.linear(x, 24, CLASSES), [1, CLASSES]);
}

/**
 * EfficientNet: Swish (x * Sigmoid(x)) activations, BatchNormalization, MBConv blocks with a
 * squeeze-excitation that pools with ReduceMean over [2,3] keepdims (the TF / timm export), a
 * 5x5 strided depthwise conv, residual Add, and a trailing Softmax (EfficientNet-Lite in the zoo).
 */
export function efficientNet(): Model {
  const t = new Net([1, 3, 16, 16], 1010, 'efficientnet');
  const mbconv = (x: string, cin: number, cout: number, expand: number, k: number, stride: number): string => {
    const hidden = cin * expand;
    let y = expand === 1 ? x : t.swish(t.bn(t.conv2d(x, cin, hidden, 1, { bias: false }), hidden));
    y = t.swish(t.bn(t.conv2d(y, hidden, hidden, k, { stride, pad: (k - 1) / 2, group: hidden, bias: false }), hidden));
    const squeezed = Math.max(2, cin / 4);
    let s = t.op('ReduceMean', [y], { axes: ints([2, 3]), keepdims: int(1) });
    s = t.swish(t.conv2d(s, hidden, squeezed, 1));
    s = t.op('Sigmoid', [t.conv2d(s, squeezed, hidden, 1, { gain: 1 })]);
    y = t.op('Mul', [y, s]);
    y = t.bn(t.conv2d(y, hidden, cout, 1, { bias: false, gain: 1 }), cout);
    return stride === 1 && cin === cout ? t.op('Add', [y, x]) : y;
  };
  let x = t.swish(t.bn(t.conv2d(t.x, 3, 8, 3, { stride: 2, pad: 1, bias: false }), 8)); // 8x8
  x = mbconv(x, 8, 8, 1, 3, 1);
  x = mbconv(x, 8, 12, 4, 5, 2); // 4x4
  x = mbconv(x, 12, 12, 4, 3, 1);
  x = t.swish(t.bn(t.conv2d(x, 12, 32, 1, { bias: false }), 32));
  x = t.dropout(t.flatten(t.gap(x)));
  x = t.linear(x, 32, CLASSES);
  return t.done(t.softmax(x), [1, CLASSES]);
}

export const FAMILIES: Family[] = [
  { name: 'AlexNet / CaffeNet', input: [1, 3, 31, 31], softmax: 'Softmax', build: alexNet },
  { name: 'VGG', input: [1, 3, 16, 16], softmax: null, build: vgg },
  { name: 'GoogLeNet', input: [1, 3, 24, 24], softmax: 'Softmax', build: googLeNet },
  { name: 'ResNet', input: [2, 3, 16, 16], softmax: null, build: resNet },
  { name: 'SqueezeNet', input: [1, 3, 25, 25], softmax: 'Softmax', build: squeezeNet },
  { name: 'DenseNet', input: [1, 3, 16, 16], softmax: null, build: denseNet },
  { name: 'MobileNetV2', input: [1, 3, 16, 16], scale: 3, softmax: null, build: mobileNetV2 },
  { name: 'MobileNetV3', input: [1, 3, 16, 16], scale: 3, softmax: null, build: mobileNetV3 },
  { name: 'ShuffleNet v2', input: [1, 3, 16, 16], softmax: null, build: shuffleNetV2 },
  { name: 'EfficientNet', input: [1, 3, 16, 16], softmax: 'Softmax', build: efficientNet },
];
