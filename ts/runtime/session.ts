// Runs a gradient model on one of the ONNX runtimes and says which one ran.
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { platform } from '../platform/current.js';

export type RuntimeName = 'node' | 'wasm' | 'webgpu';

/**
 * onnxruntime-web's webgpu provider, kept in NCHW: with its default NHWC layout transform it
 * computes a Conv wrongly when that Conv's input also feeds the backward graph (seen on
 * onnxruntime-web 1.30 with gradient models of VGG-like nets; test/browser/webgpu.test.ts).
 */
export const WEBGPU_PROVIDER = { name: 'webgpu', preferredLayout: 'NCHW' } as const;

export interface RunOutputs {
  scores: Float32Array;
  gradient?: Float32Array;
  /** the Grad-CAM feature map and its gradient, when asked for */
  camActivation?: Float32Array;
  camGradient?: Float32Array;
}

export interface ModelSession {
  readonly runtime: RuntimeName;
  /** why the runtime asked for is not the one that runs (webgpu unavailable in a page) */
  readonly fallbackReason?: string;
  /**
   * Runs the forward pass only (scores), or scores and gradient when weights are given (and the
   * Grad-CAM feature map and its gradient too with `cam`).
   */
  run(input: Float32Array, shape: number[], weights?: Float32Array, cam?: boolean): Promise<RunOutputs>;
  release(): Promise<void>;
}

/** What deepinside uses of onnxruntime-node and onnxruntime-web (platform/*.ts load them). */
export interface OrtModule {
  InferenceSession: { create(bytes: Uint8Array, opts?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
  env: { wasm: { numThreads?: number; wasmPaths?: string } };
}

export interface SessionOptions {
  /** default: 'node' in Node, 'wasm' in a browser; 'webgpu' falls back to 'wasm' where no adapter is available */
  runtime?: RuntimeName;
  /** intra-op threads (default: 2 on node, 1 for wasm in Node; in a page up to 4 when cross-origin isolated, else 1) */
  threads?: number;
  /** browser: where onnxruntime-web's .wasm/.mjs files are served (default: where its module is) */
  wasmPaths?: string;
}

/**
 * Two sessions over one gradient model: the full one, and a forward-only one (scores) for
 * classification and 'top' targets, so that those pay no backward pass.
 */
export async function createSession(gradientModel: Uint8Array, forwardModel: Uint8Array, imageInput: string, opts: SessionOptions = {}): Promise<ModelSession> {
  const { ort, runtime, fallbackReason, defaultThreads } = await platform.loadOrt(opts.runtime ?? platform.defaultRuntime, { wasmPaths: opts.wasmPaths });
  // errors only: shape-merge warnings about the rewritten graph are expected and not the user's concern
  const options: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  if (runtime === 'node') options.intraOpNumThreads = opts.threads ?? 2;
  if (runtime === 'wasm' || runtime === 'webgpu') ort.env.wasm.numThreads = opts.threads ?? defaultThreads;
  if (runtime === 'wasm') { options.executionProviders = ['wasm']; }
  if (runtime === 'webgpu') options.executionProviders = [WEBGPU_PROVIDER];
  // onnxruntime-web's webgpu runtime creates one session at a time ("another WebGPU EP inference
  // session is being created")
  const grad = await ort.InferenceSession.create(gradientModel, options);
  const fwd = await ort.InferenceSession.create(forwardModel, options);
  return {
    runtime,
    ...(fallbackReason ? { fallbackReason } : {}),
    async run(input, shape, weights, cam) {
      const x = new ort.Tensor('float32', input, shape);
      if (!weights) {
        const out = await fwd.run({ [imageInput]: x });
        await platform.yieldToEventLoop?.();
        return { scores: out['scores']!.data as Float32Array };
      }
      const w = new ort.Tensor('float32', weights, [shape[0]!, weights.length / shape[0]!]);
      // only the outputs asked for are fetched: the feature maps cost nothing when not wanted
      const fetches = cam ? ['scores', 'input_gradient', 'cam_activation', 'cam_gradient'] : ['scores', 'input_gradient'];
      const out = await grad.run({ [imageInput]: x, class_weights: w }, fetches);
      await platform.yieldToEventLoop?.();
      const data = (name: string) => out[name]?.data as Float32Array | undefined;
      return { scores: data('scores')!, gradient: data('input_gradient'), ...(cam ? { camActivation: data('cam_activation'), camGradient: data('cam_gradient') } : {}) };
    },
    async release() {
      await Promise.all([grad.release(), fwd.release()]);
    },
  };
}
