// The C++ core's own test program (native/test: reference max-flow, GrabCut energy, GMM recovery,
// bad input), built with the machine's g++ and run; its summary line must report no failures.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

it('native/test/core_test.cpp passes', () => {
  const exe = join(mkdtempSync(join(tmpdir(), 'deepinside-core-')), 'core_test');
  const sources = [
    ...readdirSync(join(ROOT, 'native/src')).filter((f) => f.endsWith('.cpp')).map((f) => join(ROOT, 'native/src', f)),
    ...readdirSync(join(ROOT, 'native/test')).filter((f) => f.endsWith('.cpp')).map((f) => join(ROOT, 'native/test', f)),
  ];
  execFileSync('g++', ['-std=c++17', '-O2', '-ffp-contract=off', `-I${join(ROOT, 'native/include')}`, ...sources, '-o', exe]);
  const out = execFileSync(exe, { encoding: 'utf8' });
  const summary = /(\d+) passed, (\d+) failed/.exec(out);
  expect(summary, out.slice(-2000)).not.toBeNull();
  expect(Number(summary![2]), out.slice(-2000)).toBe(0);
  expect(Number(summary![1])).toBeGreaterThan(100);
}, 180_000);
