/**
 * `profile` from the command line: in-process through createProgram (the wasm backend on one
 * thread, and the reference backend with --out), and once through the real CLI entry. Only the
 * structure and invariants of the numbers are checked, never their values.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProgram } from '../program.js';
import { formatProfile, profileRows, type ProfileRow, type ProfileSummary } from './report.js';
import type { ProfileResult } from './run-profile.js';

async function profile(args: string[]): Promise<string> {
  const output: string[] = [];
  const command = createProgram({ write: (text) => void output.push(text), progress: { mode: 'silent' } });
  await command.parseAsync(['node', 'lowbit-bench', 'profile', ...args]);
  return output.join('');
}

/** The numbers of the split table, by row label. */
function splitOf(text: string): Map<string, number> {
  const rows = [...text.matchAll(/^(.+?)\s{2,}([\d.]+)\s+[\d.]+ %$/gm)];
  return new Map(rows.map(([, label, milliseconds]) => [label.trim().replace(/ \(\d+ examples\/s\)$/, ''), Number(milliseconds)]));
}

describe('profile', () => {
  it('lenet5 on a 1-thread wasm backend: the split of a step and a table of kernels by time', { timeout: 60_000 }, async () => {
    const text = await profile(['lenet5', '--steps', '1', '--warmup', '0', '--batch', '8', '--backend', 'wasm', '--threads', '1', '--top', '6']);
    expect(text).toMatch(/^lenet5 float32, batch 8, wasm \(1 thread\), seed 1: 1 timed step after 0 warm-up$/m);
    expect(text).toMatch(/^step \(\d+ examples\/s\)\s+[\d.]+\s+100\.0 %$/m);
    const split = splitOf(text);
    const step = split.get('step')!;
    const parts = ['inside kernels', 'uploads and downloads', 'outside kernels: JavaScript (autograd, allocation, optimizer)'].map((label) => split.get(label)!);
    const phases = ['forward (zeroGrad, forward, loss)', 'backward', 'optimizer step (and reading the loss)'].map((label) => split.get(label)!);
    for (const value of [step, ...parts, ...phases]) expect(value).toBeGreaterThanOrEqual(0);
    expect(parts[0] + parts[1]).toBeLessThanOrEqual(step + 0.011); // each printed rounded to 2 or 3 decimals
    expect(phases.reduce((sum, value) => sum + value, 0)).toBeCloseTo(step, 1);
    const table = text.slice(text.indexOf('kernel  '));
    expect(table.split('\n')[0]).toMatch(/^kernel\s+shapes\s+calls\/step\s+ms\/step\s+% of step$/);
    const rows = table.split('\n').slice(2).filter((line) => /^\w/.test(line) && !line.includes('more rows'));
    expect(rows).toHaveLength(6);
    const milliseconds = rows.map((line) => Number(line.trim().split(/\s+/).at(-3)));
    expect(milliseconds).toEqual([...milliseconds].sort((a, b) => b - a));
    expect(text).toMatch(/^\d+ more rows \(raise --top to see them\): [\d.]+ ms\/step, [\d.]+ %$/m);
  });

  it('--by kernel, --precision fp8 and --out on the reference backend', { timeout: 60_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lowbit-profile-')), 'lenet5.json');
    const text = await profile(['lenet5', '--steps', '2', '--warmup', '1', '--batch', '4', '--backend', 'reference', '--precision', 'fp8', '--by', 'kernel', '--seed', '5', '--out', out]);
    expect(text).toContain('lenet5 fp8, batch 4, reference (1 thread), seed 5: 2 timed steps after 1 warm-up');
    expect(text).toContain(`profile: ${out}`);
    const document = JSON.parse(readFileSync(out, 'utf8')) as ProfileSummary & { profile: Record<string, unknown>; environment: { backend: string }; rows: ProfileRow[] };
    expect(document.profile).toEqual({ model: 'lenet5', precision: 'fp8', batch: 4, steps: 2, warmup: 1, seed: 5, backend: 'reference', threads: 1, by: 'kernel' });
    expect(document.environment.backend).toBe('reference');
    const kernels = document.rows.map((row) => row.kernel);
    expect(new Set(kernels).size).toBe(kernels.length); // one row per kernel
    expect(kernels).toEqual(expect.arrayContaining(['conv2d', 'conv2dBackwardData', 'conv2dBackwardFilter', 'matmul', 'quantize', 'upload', 'download']));
    expect(document.rows.find((row) => row.kernel === 'conv2d')!.callsPerStep).toBe(2);
    const inside = document.rows.reduce((sum, row) => sum + row.millisecondsPerStep, 0);
    expect(inside).toBeCloseTo(document.kernelMilliseconds + document.transferMilliseconds, 9);
    expect(inside).toBeLessThanOrEqual(document.stepMilliseconds * (1 + 1e-9));
    expect(document.outsideMilliseconds).toBeCloseTo(document.stepMilliseconds - inside, 9);
    expect(document.phases.forward + document.phases.backward + document.phases.optimizer).toBeCloseTo(document.stepMilliseconds, 6);
    expect(document.examplesPerSecond).toBeCloseTo((1000 * 4) / document.stepMilliseconds, 6);
  });

  it('runs through the real CLI entry (`lowbit-bench profile lenet5`)', { timeout: 60_000 }, () => {
    const require = createRequire(import.meta.url);
    const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
    const args = [require.resolve('tsx/cli'), '--conditions=@lowbit/source', cli, 'profile', 'lenet5', '--steps', '1', '--warmup', '0', '--batch', '8', '--backend', 'reference'];
    const run = spawnSync(process.execPath, args, { env: { ...process.env, CI: 'true', INIT_CWD: '' }, encoding: 'utf8', timeout: 50_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^profile lenet5: done in [\d.]+ s$/m);
    expect(run.stdout).toMatch(/^conv2d\s+8x1x28x28 \* 6x1x5x5 \(pad 2\)\s+1\s+[\d.]+\s+[\d.]+ %$/m);
  });
});

describe('profile rows', () => {
  const result: ProfileResult = {
    model: 'lenet5',
    precision: 'float32',
    batch: 2,
    steps: 2,
    warmup: 0,
    seed: 1,
    backend: 'test',
    threads: 1,
    totalMilliseconds: 40,
    phaseMilliseconds: { forward: 10, backward: 20, optimizer: 10 },
    timings: [
      { kernel: 'matmul', kind: 'kernel', shapes: '2x3 @ 3x4', calls: 2, milliseconds: 8 },
      { kernel: 'add', kind: 'kernel', shapes: 'out 2x4', calls: 4, milliseconds: 6 },
      { kernel: 'matmul', kind: 'kernel', shapes: '2x4 @ 4x4', calls: 2, milliseconds: 4 },
      { kernel: 'download', kind: 'transfer', shapes: 'scalar', calls: 2, milliseconds: 2 },
    ],
  };

  it('per shape, or merged per kernel name, per step and sorted by time', () => {
    expect(profileRows(result, 'shape').map((row) => [row.kernel, row.shapes, row.callsPerStep, row.millisecondsPerStep, row.fractionOfStep])).toEqual([
      ['matmul', '2x3 @ 3x4', 1, 4, 0.2],
      ['add', 'out 2x4', 2, 3, 0.15],
      ['matmul', '2x4 @ 4x4', 1, 2, 0.1],
      ['download', 'scalar', 1, 1, 0.05],
    ]);
    expect(profileRows(result, 'kernel').map((row) => [row.kernel, row.shapes, row.callsPerStep, row.millisecondsPerStep])).toEqual([
      ['matmul', '(2 shapes)', 2, 6],
      ['add', 'out 2x4', 2, 3],
      ['download', 'scalar', 1, 1],
    ]);
  });

  it('prints the split and --top rows, summing the rest in one line', () => {
    const text = formatProfile(result, { by: 'shape', top: 2 });
    expect(text).toMatch(/^step \(100 examples\/s\)\s+20\.00\s+100\.0 %$/m);
    expect(text).toMatch(/^ {2}inside kernels\s+9\.000\s+45\.0 %$/m);
    expect(text).toMatch(/^ {2}uploads and downloads\s+1\.000\s+5\.0 %$/m);
    expect(text).toMatch(/^ {2}outside kernels: JavaScript \(autograd, allocation, optimizer\)\s+10\.00\s+50\.0 %$/m);
    expect(text).toMatch(/^backward\s+10\.00\s+50\.0 %$/m);
    expect(text).toMatch(/^matmul\s+2x3 @ 3x4\s+1\s+4\.000\s+20\.0 %$/m);
    expect(text).not.toMatch(/^download/m);
    expect(text).toMatch(/^2 more rows \(raise --top to see them\): 3\.000 ms\/step, 15\.0 %$/m);
  });
});
