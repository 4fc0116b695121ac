// The backward rule of every supported op, by op type.
import { Add, Div, Mul, Sub, Sum } from './arithmetic.js';
import { Clip, HardSigmoid, HardSwish, LeakyRelu, PRelu, Relu, Sigmoid, Tanh } from './activations.js';
import { Conv, ConvTranspose } from './conv.js';
import { Cast, Concat, Flatten, Identity, Pad, Reshape, Slice, Split, Squeeze, Transpose, Unsqueeze } from './layout.js';
import { Gemm, MatMul } from './linear.js';
import { LRN } from './lrn.js';
import { BatchNormalization, InstanceNormalization } from './norm.js';
import { AveragePool, GlobalAveragePool, GlobalMaxPool, MaxPool } from './pool.js';
import { ReduceMean, ReduceSum } from './reduce.js';
import { LogSoftmax, Softmax } from './softmax.js';
import type { BackwardRule } from './types.js';

export const BACKWARD_RULES: Readonly<Record<string, BackwardRule>> = {
  Add, Sub, Mul, Div, Sum,
  Relu, LeakyRelu, PRelu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish,
  Conv, ConvTranspose,
  MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool,
  ReduceMean, ReduceSum, LRN,
  BatchNormalization, InstanceNormalization,
  Gemm, MatMul,
  Identity, Cast, Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice, Pad,
  Softmax, LogSoftmax,
};

/** Ops whose outputs carry no gradient (integer or boolean results, shape computations). */
export const NON_DIFFERENTIABLE = new Set([
  'Shape', 'Size', 'ArgMax', 'ArgMin', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Not', 'And', 'Or',
  'NonZero', 'ConstantOfShape', 'Range', 'Floor', 'Ceil', 'Round', 'Sign',
]);
