import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPythons, measurePytorch, peerEnvironment, PYTORCH_SKIP_REASON } from './pytorch.js';
import type { Workload } from './workloads.js';

// These tests never run PyTorch: they inject missing executables and stand-in scripts for python.
const workloads: Workload[] = [
  { kind: 'gemm', name: 'gemm 8x8x8', size: 8 },
  { kind: 'step', name: 'lenet5 step', model: 'lenet5', batch: 2, precision: 'float32' },
];
const options = { timing: { minimumSeconds: 0, minimumRepetitions: 1 }, seed: 1, threads: 2 };

/** An executable shell script standing in for python (it ignores the script path it is given). */
function fakePython(body: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'lowbit-fake-python-'));
  const path = join(directory, 'python3');
  writeFileSync(path, `#!/bin/sh\ncat > /dev/null\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('PyTorch peer', () => {
  it('is skipped with the install hint when no python executable exists', async () => {
    const result = await measurePytorch(workloads, { ...options, pythons: ['/nonexistent/lowbit/python3'] });
    expect(result.status).toBe('skipped');
    expect(result.measurements).toEqual([]);
    expect(result.skipped.map((s) => s.reason)).toEqual([PYTORCH_SKIP_REASON, PYTORCH_SKIP_REASON]);
    expect(result.notes[0]).toBe('PyTorch peer skipped: python3 with torch not found (apt-get install python3-torch libopenblas0-openmp)');
    expect(result.notes[1]).toContain('/nonexistent/lowbit/python3: ENOENT');
  });

  it('is skipped when python runs but cannot import torch, after trying every candidate', async () => {
    const noTorch = fakePython(`echo '{"unavailable": "ModuleNotFoundError: No module named torch"}'; exit 3`);
    const result = await measurePytorch(workloads, { ...options, pythons: ['/nonexistent/python3', noTorch] });
    expect(result.status).toBe('skipped');
    expect(result.notes.join(' ')).toContain('No module named torch');
  });

  it('reads the JSON result of the first python that has torch', async () => {
    const measured = JSON.stringify({ system: 'pytorch 9.9 cpu (2 threads)', measurements: [{ name: 'gemm 8x8x8', unit: 'GFLOP/s', value: 12.5 }], skipped: [], notes: ['fake'] });
    const result = await measurePytorch(workloads, { ...options, pythons: ['/nonexistent/python3', fakePython(`echo '${measured}'`)] });
    expect(result.status).toBe('measured');
    expect(result.system).toBe('pytorch 9.9 cpu (2 threads)');
    expect(result.measurements).toEqual([{ name: 'gemm 8x8x8', unit: 'GFLOP/s', value: 12.5 }]);
  });

  it('reports a failing script as failed with its error, never as numbers', async () => {
    const crashing = fakePython(`echo 'Traceback: RuntimeError: boom' >&2; exit 1`);
    const result = await measurePytorch(workloads, { ...options, pythons: [crashing] });
    expect(result.status).toBe('failed');
    expect(result.measurements).toEqual([]);
    expect(result.notes[0]).toMatch(/^PyTorch peer failed: .* exited with 1: Traceback: RuntimeError: boom/);
    const lying = fakePython(`echo '{"measurements": [{"name": "unknown benchmark", "unit": "GFLOP/s", "value": 1}]}'`);
    expect((await measurePytorch(workloads, { ...options, pythons: [lying] })).status).toBe('failed');
  });

  it('removes the OpenBLAS overrides from the child environment only', () => {
    const env = peerEnvironment({ OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '1', PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin', OMP_WAIT_POLICY: 'PASSIVE' });
    expect(peerEnvironment({ OMP_WAIT_POLICY: 'ACTIVE' }).OMP_WAIT_POLICY).toBe('ACTIVE');
    expect(defaultPythons({ LOWBIT_PYTHON: '/opt/py' })).toEqual(['/opt/py']);
    expect(defaultPythons({})).toEqual(['python3', '/usr/bin/python3']);
  });
});
