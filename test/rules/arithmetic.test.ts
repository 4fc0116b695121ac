import { gradientCases } from '../helpers/cases.js';

gradientCases('arithmetic backward with broadcasting', [
  { name: 'Add same shape (both on path)', input: [1, 2, 3, 3], build: (t) => t.op('Add', [t.op('Relu', [t.x]), t.op('Tanh', [t.x])]) },
  { name: 'Add bias [C,1,1]', input: [2, 3, 2, 2], build: (t) => t.op('Add', [t.x, t.weight([3, 1, 1])]) },
  { name: 'Add broadcast operand on path', input: [2, 3, 2, 2], build: (t) => t.op('Add', [t.weight([2, 3, 2, 2]), t.op('ReduceMean', [t.x], { axes: { t: 'ints', v: [2, 3] } })]) },
  { name: 'Sub both orders', input: [1, 3, 2, 2], build: (t) => t.op('Sub', [t.weight([3, 1, 1]), t.op('Sub', [t.x, t.weight([1, 2])])]) },
  { name: 'Mul squeeze-excitation style', input: [2, 3, 3, 3], build: (t) => t.op('Mul', [t.x, t.op('Sigmoid', [t.op('GlobalAveragePool', [t.x])])]) },
  { name: 'Mul scalar constant', input: [1, 2, 3], build: (t) => t.op('Mul', [t.b.scalar(1.7), t.x]) },
  { name: 'Div by constant vector', input: [1, 2, 3, 4], build: (t) => t.op('Div', [t.x, t.weight([4], 0.5, 1.5)]) },
  { name: 'Div by an activation (both on path)', input: [1, 2, 3, 3], build: (t) => t.op('Div', [t.x, t.op('Add', [t.op('Sigmoid', [t.x]), t.b.scalar(0.5)])]) },
  { name: 'Sum of three', input: [1, 2, 3], build: (t) => t.op('Sum', [t.x, t.op('Tanh', [t.x]), t.weight([3])]) },
]);
