/**
 * vitest bench: quantize 16M float32 values (`pnpm bench`, or `npx vitest bench --run src/float`).
 * vitest reports calls per second (hz) of 16M elements; the table printed after the runs converts
 * the median call time to G elements/s and to a fraction of a memcpy measured in the same run. The
 * figures quoted in the README come from scripts/bench-quantize.ts (warm-up, interleaved rounds).
 */
import { bench, describe } from 'vitest';
import { BENCH_LENGTH, benchCases, benchInput, copyInto, quantizeInto } from './bench-data.testutil.js';

const input = benchInput();
const out = new Float32Array(BENCH_LENGTH);
const MEMCPY = 'memcpy (Float32Array.set)';
const seconds = new Map<string, number[]>();

/** Wraps a run so that each call's duration is kept for the table. */
function timed(name: string, run: () => void): () => void {
  const samples: number[] = [];
  seconds.set(name, samples);
  return () => {
    const start = performance.now();
    run();
    samples.push((performance.now() - start) / 1000);
  };
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];

/** Printed once per case after its measured runs (memcpy runs first, so the ratio is known). */
function report(name: string): void {
  const time = median(seconds.get(name) ?? [NaN]);
  const memcpy = median(seconds.get(MEMCPY) ?? [NaN]);
  console.log(`${name}: ${(BENCH_LENGTH / time / 1e9).toFixed(3)} G elements/s, ${((memcpy / time) * 100).toFixed(1)} % of memcpy (median call)`);
}

function options(name: string) {
  // tinybench calls teardown after the warm-up and after the measured runs.
  return { time: 1500, warmupIterations: 2, iterations: 8, teardown: (_task: unknown, mode: string) => (mode === 'run' ? report(name) : undefined) };
}

describe(`quantize ${BENCH_LENGTH} float32 values`, () => {
  bench(MEMCPY, timed(MEMCPY, () => copyInto(input, out)), options(MEMCPY));
  for (const { name, format, options: quantizeOptions } of benchCases()) {
    bench(name, timed(name, () => quantizeInto(format, input, out, quantizeOptions)), options(name));
  }
});
