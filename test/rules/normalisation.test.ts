import { gradientCases } from '../helpers/cases.js';
import { float, int } from '../helpers/net.js';

gradientCases('normalisation backward', [
  { name: 'BatchNormalization', input: [2, 3, 3, 3], build: (t) => t.op('BatchNormalization', [t.x, t.weight([3], 0.5, 1), t.weight([3]), t.weight([3]), t.weight([3], 0.3, 1)], { epsilon: float(1e-3) }) },
  { name: 'InstanceNormalization', input: [2, 3, 3, 4], build: (t) => t.op('InstanceNormalization', [t.x, t.weight([3], 0.5, 1), t.weight([3])]) },
  { name: 'LRN size 5 (AlexNet)', input: [1, 7, 3, 3], build: (t) => t.op('LRN', [t.x], { size: int(5), alpha: float(0.5), beta: float(0.75), bias: float(1) }), scale: 2 },
  // onnxruntime accepts odd sizes only
  { name: 'LRN size 3 larger alpha and bias', input: [1, 4, 2, 2], build: (t) => t.op('LRN', [t.x], { size: int(3), alpha: float(0.9), beta: float(0.5), bias: float(2) }), scale: 2 },
  { name: 'LRN size 3 default alpha', input: [1, 3, 2, 3], build: (t) => t.op('LRN', [t.x], { size: int(3) }), scale: 20 },
]);
