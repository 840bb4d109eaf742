/**
 * `pnpm demo`: the table of every preset format, then a few values quantized into some of them
 * with nearest-even and stochastic rounding.
 */
import {
  PRESETS,
  formatTable,
  parseFormat,
  renderTextTable,
  type ElementFormat,
  type QuantizeOptions,
  type Table,
} from '../src/index.js';

const VALUES = [0.1, 1 / 3, 300, 1e-5];
const FORMATS = ['float8_e4m3fn', 'float8_e5m2', 'bfloat16', 'fixed_w12_f8'].map((name) => parseFormat(name) as ElementFormat);
const DRAWS = 10_000;

type Statistic = 'one' | 'up' | 'mean';

const ROUNDINGS: readonly { label: string; options: QuantizeOptions; statistic: Statistic }[] = [
  { label: 'nearest-even', options: { rounding: 'nearest-even' }, statistic: 'one' },
  { label: 'stochastic, seed 1', options: { rounding: 'stochastic', seed: 1 }, statistic: 'one' },
  { label: `stochastic, ${DRAWS} draws: % up`, options: { rounding: 'stochastic', seed: 1 }, statistic: 'up' },
  { label: `stochastic, ${DRAWS} draws: mean`, options: { rounding: 'stochastic', seed: 1 }, statistic: 'mean' },
];

/** A float32 value as it is: the shortest decimal that reads back to the same float32. */
function show(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return Object.is(value, -0) ? '-0' : String(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

/**
 * One rounding of the value, or a statistic of DRAWS stochastic roundings of it (element i uses
 * counter i, so the draws are independent): how often it went up, and their mean.
 */
function quantizeOne(format: ElementFormat, value: number, options: QuantizeOptions, statistic: Statistic): string {
  const x = Math.fround(value);
  const quantized = format.quantize(new Float32Array(statistic === 'one' ? 1 : DRAWS).fill(x), options);
  if (statistic === 'one') return show(quantized[0]);
  if (statistic === 'up') return `${((100 * quantized.filter((q) => Math.abs(q) > Math.abs(x)).length) / DRAWS).toFixed(1)}%`;
  return (quantized.reduce((sum, q) => sum + q, 0) / DRAWS).toPrecision(4);
}

function demoTable(): Table {
  const columns = [
    { key: 'value', title: 'value (float32)', align: 'right' as const },
    { key: 'rounding', title: 'rounding', align: 'left' as const },
    ...FORMATS.map((format) => ({ key: format.name, title: format.name, align: 'right' as const })),
  ];
  const rows = VALUES.flatMap((value) =>
    ROUNDINGS.map(({ label, options, statistic }, i) => [
      i === 0 ? show(Math.fround(value)) : '',
      label,
      ...FORMATS.map((format) => quantizeOne(format, value, options, statistic)),
    ]),
  );
  return { columns, rows };
}

console.log('@lowbit/formats: preset formats (ranges of tensor formats are per element, times the shared scale)\n');
console.log(renderTextTable(formatTable(Object.values(PRESETS)), { maxCellWidth: 56 }));
console.log('Quantizing a few values. Stochastic rounding rounds up with probability (x - lo) / (hi - lo),');
console.log('from a counter-based generator keyed by (seed, offset + index): the mean tends to x.\n');
console.log(renderTextTable(demoTable()));
