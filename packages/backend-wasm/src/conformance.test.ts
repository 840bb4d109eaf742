import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '@lowbit/tensor/testing';
import { wasmBackend } from './backend.js';

// The full @lowbit/tensor conformance suite, on one thread and on two (workers over the shared
// memory). The two-thread backend splits every call, even the small ones of the suite.
const single = wasmBackend({ threads: 1, name: 'wasm (1 thread)' });
const multi = wasmBackend({ threads: 2, name: 'wasm (2 threads)', splitAllWork: true });

beforeAll(() => multi.ready());
afterAll(() => multi.shutdown());

runConformance(single, { describe, it });
runConformance(multi, { describe, it });

describe('the two-thread run', () => {
  it('split kernel calls between the threads', () => {
    expect(multi.parallelRuns()).toBeGreaterThan(500);
  });
});
