import { gradientCases } from '../helpers/cases.js';
import { int, ints, str } from '../helpers/net.js';

gradientCases('MaxPool backward (no Indices)', [
  { name: '2x2 stride 2 non-overlapping', input: [1, 2, 6, 6], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }) },
  { name: '3x3 stride 2 overlapping', input: [1, 2, 7, 7], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]) }) },
  { name: '3x3 stride 2 ceil_mode', input: [1, 2, 8, 8], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: int(1) }) },
  { name: '3x3 stride 1 pads 1', input: [1, 2, 5, 5], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) }) },
  { name: 'pads and ceil_mode', input: [2, 1, 7, 6], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([3, 2]), strides: ints([2, 2]), pads: ints([1, 0, 1, 1]), ceil_mode: int(1) }) },
  { name: 'dilation 2', input: [1, 2, 9, 9], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([2, 2]), dilations: ints([2, 2]), strides: ints([2, 2]) }) },
  { name: 'auto_pad SAME_UPPER', input: [1, 2, 7, 7], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), auto_pad: str('SAME_UPPER') }) },
  { name: '1x1 stride 2 (kernel smaller than stride)', input: [1, 2, 7, 6], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([1, 1]), strides: ints([2, 2]) }) },
  { name: '2x3 kernel, strides 3x1', input: [1, 2, 8, 7], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([2, 3]), strides: ints([3, 1]), pads: ints([1, 1, 0, 1]) }) },
  { name: 'dilation 2 stride 3 ceil_mode', input: [1, 1, 10, 11], build: (t) => t.op('MaxPool', [t.x], { kernel_shape: ints([3, 2]), dilations: ints([2, 2]), strides: ints([3, 3]), ceil_mode: int(1) }) },
  { name: 'after ReLU (ties at zero)', input: [1, 2, 6, 6], build: (t) => t.op('MaxPool', [t.op('Relu', [t.x])], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }) },
]);

gradientCases('AveragePool backward', [
  { name: '2x2 stride 2', input: [1, 2, 6, 6], build: (t) => t.op('AveragePool', [t.x], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }) },
  { name: '3x3 stride 2 overlapping', input: [1, 2, 7, 7], build: (t) => t.op('AveragePool', [t.x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]) }) },
  { name: 'pads count_include_pad=0', input: [1, 2, 5, 5], build: (t) => t.op('AveragePool', [t.x], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) }) },
  { name: 'pads count_include_pad=1', input: [1, 2, 5, 5], build: (t) => t.op('AveragePool', [t.x], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), count_include_pad: int(1) }) },
  { name: 'ceil_mode count_include_pad=0', input: [1, 1, 8, 8], build: (t) => t.op('AveragePool', [t.x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: int(1) }) },
  { name: 'ceil_mode pads count_include_pad=1', input: [1, 1, 8, 7], build: (t) => t.op('AveragePool', [t.x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), ceil_mode: int(1), count_include_pad: int(1) }) },
  { name: 'auto_pad SAME_LOWER', input: [1, 2, 6, 6], build: (t) => t.op('AveragePool', [t.x], { kernel_shape: ints([2, 2]), strides: ints([2, 2]), auto_pad: str('SAME_LOWER') }) },
]);

gradientCases('Global pools', [
  { name: 'GlobalAveragePool', input: [2, 3, 4, 5], build: (t) => t.op('GlobalAveragePool', [t.x]) },
  { name: 'GlobalMaxPool', input: [2, 3, 4, 5], build: (t) => t.op('GlobalMaxPool', [t.x]) },
]);
