import { gradientCases } from '../helpers/cases.js';
import { float } from '../helpers/net.js';

const x = [1, 2, 3, 3];
gradientCases('activation backward', [
  { name: 'Relu', input: x, build: (t) => t.op('Relu', [t.x]) },
  { name: 'LeakyRelu alpha 0.1', input: x, build: (t) => t.op('LeakyRelu', [t.x], { alpha: float(0.1) }) },
  { name: 'LeakyRelu default alpha', input: x, build: (t) => t.op('LeakyRelu', [t.x]) },
  { name: 'PRelu per-channel slope', input: x, build: (t) => t.op('PRelu', [t.x, t.weight([2, 1, 1], 0.3, 0.2)]) },
  { name: 'PRelu scalar slope', input: x, build: (t) => t.op('PRelu', [t.x, t.weight([1], 0.3, 0.2)]) },
  { name: 'Clip min and max', input: x, build: (t) => t.op('Clip', [t.x, t.b.scalar(-0.4), t.b.scalar(0.5)]), scale: 1 },
  { name: 'Clip max only (ReLU6-like)', input: x, build: (t) => t.op('Clip', [t.x, '', t.b.scalar(0.3)]) },
  { name: 'Sigmoid', input: x, build: (t) => t.op('Sigmoid', [t.x]), scale: 3 },
  { name: 'Tanh', input: x, build: (t) => t.op('Tanh', [t.x]), scale: 3 },
  { name: 'HardSigmoid', input: x, build: (t) => t.op('HardSigmoid', [t.x], { alpha: float(0.3), beta: float(0.4) }), scale: 4 },
  { name: 'HardSwish', input: x, build: (t) => t.op('HardSwish', [t.x]), scale: 5 },
]);
