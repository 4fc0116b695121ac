// The optional CUDA kernels (native/cuda): the addon says cleanly whether they can run, and the
// CUDA test program (native/test/cuda_test.cpp: GPU against CPU when a device is present, the
// kernels' shared max-flow code on the host always) passes wherever a CUDA toolkit is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cudaStatus } from '../ts/native/index.js';

const ROOT = join(import.meta.dirname, '..');
const NVCC = ['/usr/local/cuda/bin/nvcc', '/usr/bin/nvcc'].find((p) => existsSync(p));

it('cudaStatus() reports the device or why there is none, without throwing', () => {
  const s = cudaStatus();
  expect(typeof s.available).toBe('boolean');
  if (!s.available) expect(s.reason).toMatch(/built without CUDA|no CUDA device|addon/);
  else expect(s.reason.length).toBeGreaterThan(0);
});

it(`native/test/cuda_test.cpp passes (${NVCC ? `toolkit ${NVCC}` : 'no CUDA toolkit: the addon must say it was built without CUDA'})`, () => {
  if (!NVCC) {
    expect(cudaStatus()).toMatchObject({ available: false, reason: expect.stringMatching(/built without CUDA|addon/) });
    return;
  }
  const build = mkdtempSync(join(tmpdir(), 'deepinside-cuda-'));
  execFileSync('cmake', ['-S', ROOT, '-B', build, '-DDEEPINSIDE_CUDA=1', `-DCMAKE_CUDA_COMPILER=${NVCC}`, '-DCMAKE_CUDA_ARCHITECTURES=75'], { stdio: 'pipe' });
  execFileSync('cmake', ['--build', build, '--target', 'deepinside_cuda_test', '-j', '2'], { stdio: 'pipe' });
  const exe = [join(build, 'deepinside_cuda_test'), join(build, 'Release', 'deepinside_cuda_test')].find((p) => existsSync(p))!;
  const out = execFileSync(exe, ['--quick'], { encoding: 'utf8' });
  const summary = /(\d+) passed, (\d+) failed/.exec(out);
  expect(summary, out.slice(-2000)).not.toBeNull();
  expect(Number(summary![2]), out.slice(-2000)).toBe(0);
  expect(Number(summary![1])).toBeGreaterThan(100);
}, 300_000);
