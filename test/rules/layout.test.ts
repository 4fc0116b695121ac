import { gradientCases } from '../helpers/cases.js';
import { int, ints, str } from '../helpers/net.js';

gradientCases('layout ops backward', [
  { name: 'Flatten axis 1', input: [2, 3, 2, 2], build: (t) => t.op('Mul', [t.op('Flatten', [t.x]), t.weight([12])]) },
  { name: 'Flatten axis 2', input: [2, 3, 2, 2], build: (t) => t.op('Tanh', [t.op('Flatten', [t.x], { axis: int(2) })]) },
  { name: 'Reshape with 0 and -1', input: [2, 3, 4], build: (t) => t.op('Mul', [t.op('Reshape', [t.x, t.ints([0, -1, 2])]), t.weight([6, 2])]) },
  { name: 'Transpose default perm', input: [2, 3, 4], build: (t) => t.op('Mul', [t.op('Transpose', [t.x]), t.weight([4, 3, 2])]) },
  { name: 'Transpose channel shuffle', input: [1, 6, 2, 2], build: (t) => t.op('Mul', [t.op('Reshape', [t.op('Transpose', [t.op('Reshape', [t.x, t.ints([1, 2, 3, 2, 2])])], { perm: ints([0, 2, 1, 3, 4]) }), t.ints([1, 6, 2, 2])]), t.weight([6, 1, 1])]) },
  { name: 'Squeeze and Unsqueeze', input: [2, 1, 3], build: (t) => t.op('Mul', [t.op('Unsqueeze', [t.op('Squeeze', [t.x, t.ints([1])]), t.ints([0])]), t.weight([1, 2, 3])]) },
  { name: 'Concat three on channel axis', input: [1, 2, 2, 2], build: (t) => t.op('Concat', [t.op('Relu', [t.x]), t.weight([1, 3, 2, 2]), t.op('Tanh', [t.x])], { axis: int(1) }) },
  { name: 'Concat negative axis', input: [1, 2, 3], build: (t) => t.op('Mul', [t.op('Concat', [t.x, t.x], { axis: int(-1) }), t.weight([6])]) },
  { name: 'Split with sizes, one output unused', input: [1, 5, 2], build: (t) => { const [a, , c] = t.opN('Split', [t.x, t.ints([2, 1, 2])], 3, { axis: int(1) }); return t.op('Add', [t.op('Mul', [a!, t.weight([2, 2])]), t.op('Tanh', [c!])]); } },
  { name: 'Split equal', input: [1, 4, 3], build: (t) => { const [a, c] = t.opN('Split', [t.x], 2, { axis: int(1) }); return t.op('Mul', [a!, t.op('Sigmoid', [c!])]); } },
  { name: 'Slice with negative and clamped indices', input: [2, 5, 4], build: (t) => t.op('Mul', [t.op('Slice', [t.x, t.ints([1, -3]), t.ints([100, -1]), t.ints([1, 2])]), t.weight([4, 2])]) },
  { name: 'Pad constant', input: [1, 2, 3, 3], build: (t) => t.op('Mul', [t.op('Pad', [t.x, t.ints([0, 0, 1, 2, 0, 0, 2, 0])]), t.weight([6, 5])]) },
  { name: 'Identity and Cast', input: [1, 3], build: (t) => t.op('Mul', [t.op('Cast', [t.op('Identity', [t.x])], { to: int(1) }), t.weight([3])]) },
  { name: 'Dropout (inference)', input: [1, 3], build: (t) => t.op('Mul', [t.op('Dropout', [t.x]), t.weight([3])]) },
  { name: 'AutoPad str attr kept', input: [1, 1, 4, 4], build: (t) => t.op('AveragePool', [t.x], { kernel_shape: ints([2, 2]), auto_pad: str('VALID') }) },
]);

gradientCases('reductions and softmax backward', [
  { name: 'ReduceMean keepdims', input: [2, 3, 2, 2], build: (t) => t.op('Mul', [t.op('ReduceMean', [t.x], { axes: ints([2, 3]) }), t.weight([3, 1, 1])]) },
  { name: 'ReduceMean no keepdims', input: [2, 3, 2, 2], build: (t) => t.op('ReduceMean', [t.x], { axes: ints([1, -1]), keepdims: int(0) }) },
  { name: 'ReduceSum axes input', input: [2, 3, 4], build: (t) => t.op('ReduceSum', [t.x, t.ints([1])], { keepdims: int(0) }) },
  { name: 'Softmax inside', input: [2, 5], build: (t) => t.op('Gemm', [t.op('Softmax', [t.op('Mul', [t.x, t.b.scalar(3)])]), t.weight([5, 4])]) },
  { name: 'LogSoftmax inside', input: [2, 5], build: (t) => t.op('Gemm', [t.op('LogSoftmax', [t.x], { axis: int(1) }), t.weight([5, 4])]) },
]);
