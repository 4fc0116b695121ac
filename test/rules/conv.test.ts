import { gradientCases } from '../helpers/cases.js';
import { int, ints, str } from '../helpers/net.js';

gradientCases('Conv backward', [
  { name: 'plain 3x3', input: [1, 2, 6, 6], build: (t) => t.conv(t.x, 2, 3, 3) },
  { name: 'pads 1 stride 1', input: [2, 2, 5, 5], build: (t) => t.conv(t.x, 2, 3, 3, { pads: ints([1, 1, 1, 1]) }) },
  { name: 'stride 2 odd size', input: [1, 2, 7, 7], build: (t) => t.conv(t.x, 2, 2, 3, { strides: ints([2, 2]) }) },
  { name: 'stride 2 even size with pads', input: [1, 2, 8, 8], build: (t) => t.conv(t.x, 2, 2, 3, { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }) },
  { name: 'asymmetric pads and strides', input: [1, 2, 7, 6], build: (t) => t.conv(t.x, 2, 2, 3, { strides: ints([2, 3]), pads: ints([0, 1, 2, 1]) }) },
  { name: 'dilation 2', input: [1, 2, 9, 9], build: (t) => t.conv(t.x, 2, 2, 3, { dilations: ints([2, 2]), pads: ints([2, 2, 2, 2]) }) },
  { name: 'groups 2', input: [1, 4, 6, 6], build: (t) => t.conv(t.x, 4, 4, 3, { pads: ints([1, 1, 1, 1]) }, 2) },
  { name: 'depthwise stride 2', input: [1, 3, 7, 7], build: (t) => t.conv(t.x, 3, 3, 3, { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }, 3) },
  { name: 'auto_pad SAME_UPPER stride 2', input: [1, 2, 7, 7], build: (t) => t.conv(t.x, 2, 2, 3, { strides: ints([2, 2]), auto_pad: str('SAME_UPPER') }) },
  { name: 'auto_pad SAME_LOWER', input: [1, 2, 6, 6], build: (t) => t.conv(t.x, 2, 2, 4, { auto_pad: str('SAME_LOWER') }) },
  { name: 'auto_pad VALID stride 2', input: [1, 2, 8, 8], build: (t) => t.conv(t.x, 2, 2, 3, { strides: ints([2, 2]), auto_pad: str('VALID') }) },
  { name: '1x1 no bias', input: [1, 3, 4, 4], build: (t) => t.op('Conv', [t.x, t.weight([2, 3, 1, 1])]) },
  { name: 'large kernel 5 stride 3', input: [1, 1, 11, 11], build: (t) => t.conv(t.x, 1, 2, 5, { strides: ints([3, 3]), pads: ints([2, 2, 2, 2]) }) },
]);

gradientCases('ConvTranspose backward', [
  { name: 'stride 2', input: [1, 2, 3, 3], build: (t) => t.op('ConvTranspose', [t.x, t.weight([2, 3, 3, 3])], { strides: ints([2, 2]) }) },
  { name: 'pads and output_padding', input: [1, 2, 4, 4], build: (t) => t.op('ConvTranspose', [t.x, t.weight([2, 2, 3, 3]), t.weight([2])], { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), output_padding: ints([1, 1]) }) },
  { name: 'groups and dilation', input: [1, 4, 3, 3], build: (t) => t.op('ConvTranspose', [t.x, t.weight([4, 1, 3, 3])], { group: int(2), dilations: ints([2, 2]) }) },
]);
