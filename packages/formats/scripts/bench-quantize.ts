/**
 * Quantize throughput over 16M float32 values, as quoted in the README:
 *
 *   cd packages/formats && npx tsx scripts/bench-quantize.ts [--repetitions 11] [--length 16777216]
 *
 * Every case and a memcpy (Float32Array.prototype.set) run round-robin after a warm-up, so drift of
 * the machine hits all of them alike; the table gives the median rate and the median of the
 * per-round ratios to memcpy (this VM varies by up to 25 % between runs, ratios far less).
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { BENCH_LENGTH, benchCases, benchInput, copyInto, quantizeInto } from '../src/float/bench-data.testutil.js';

const { values: flags } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '11' },
    warmup: { type: 'string', default: '3' },
    length: { type: 'string', default: String(BENCH_LENGTH) },
  },
});
const repetitions = Number(flags.repetitions);
const warmup = Number(flags.warmup);
const length = Number(flags.length);

const input = benchInput(length);
const out = new Float32Array(length);
const cases = benchCases();
const runs: { name: string; run: () => void }[] = [
  { name: 'memcpy (Float32Array.set)', run: () => copyInto(input, out) },
  ...cases.map((benchCase) => ({ name: benchCase.name, run: () => quantizeInto(benchCase.format, input, out, benchCase.options) })),
];

function seconds(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (values: number[]) => {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

for (let round = 0; round < warmup; round++) for (const { run } of runs) run();
const rates = runs.map(() => [] as number[]);
const ratios = runs.map(() => [] as number[]);
for (let round = 0; round < repetitions; round++) {
  const roundRates = runs.map(({ run }) => length / seconds(run));
  roundRates.forEach((rate, index) => {
    rates[index].push(rate);
    ratios[index].push(rate / roundRates[0]);
  });
}

console.log(`quantize ${length} float32 values; node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`);
console.log(`${warmup} warm-up rounds, median of ${repetitions} rounds\n`);
const nameWidth = Math.max(...runs.map(({ name }) => name.length));
console.log(`${'case'.padEnd(nameWidth)}  ${'M elements/s'.padStart(12)}  ${'vs memcpy'.padStart(9)}`);
runs.forEach(({ name }, index) => {
  const rate = (median(rates[index]) / 1e6).toFixed(0);
  const ratio = `${(median(ratios[index]) * 100).toFixed(1)} %`;
  console.log(`${name.padEnd(nameWidth)}  ${rate.padStart(12)}  ${ratio.padStart(9)}`);
});
