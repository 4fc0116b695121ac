import { gradientCases } from '../helpers/cases.js';
import { float, int } from '../helpers/net.js';

gradientCases('Gemm and MatMul backward', [
  { name: 'Gemm plain with bias', input: [3, 4], build: (t) => t.op('Gemm', [t.x, t.weight([4, 5]), t.weight([5])]) },
  { name: 'Gemm transB alpha beta', input: [2, 4], build: (t) => t.op('Gemm', [t.x, t.weight([5, 4]), t.weight([1, 5])], { transB: int(1), alpha: float(0.7), beta: float(1.3) }) },
  { name: 'Gemm transA', input: [4, 2], build: (t) => t.op('Gemm', [t.x, t.weight([4, 3])], { transA: int(1) }) },
  { name: 'Gemm transA transB', input: [4, 2], build: (t) => t.op('Gemm', [t.x, t.weight([3, 4])], { transA: int(1), transB: int(1), alpha: float(2) }) },
  { name: 'Gemm input as B', input: [4, 3], build: (t) => t.op('Gemm', [t.weight([2, 4]), t.x]) },
  { name: 'Gemm input as transposed B', input: [3, 4], build: (t) => t.op('Gemm', [t.weight([2, 4]), t.x], { transB: int(1) }) },
  { name: 'Gemm input in C', input: [2, 3], build: (t) => t.op('Gemm', [t.weight([2, 4]), t.weight([4, 3]), t.x], { beta: float(0.5) }) },
  { name: 'MatMul 2-D', input: [3, 4], build: (t) => t.op('MatMul', [t.x, t.weight([4, 2])]) },
  { name: 'MatMul batched with broadcast weight', input: [2, 3, 4], build: (t) => t.op('MatMul', [t.x, t.weight([4, 5])]) },
  { name: 'MatMul both on path', input: [2, 3, 3], build: (t) => t.op('MatMul', [t.x, t.op('Tanh', [t.x])]) },
]);
