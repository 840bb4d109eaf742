/**
 * Bit-exact agreement with ml_dtypes and cpfloat on every case of every reference file
 * (NaN matches any NaN; modelDeviations give the library model's answer where a producer differs).
 */
import { describe, expect, it } from 'vitest';
import { formatFromSpec, type Rounding } from '../src/index.js';
import { expectedBits, goldenFileNames, hex, isNaNBits, readGoldenFile } from './golden.js';

const files = goldenFileNames();

describe('golden reference vectors', () => {
  it('has every reference file', () => {
    expect(files.length).toBe(11);
  });

  for (const file of files) {
    const golden = readGoldenFile(file);
    const input = new Float32Array(Uint32Array.from(golden.inputs).buffer);
    describe(file, () => {
      it.each(golden.cases.map((c) => [`${c.name} ${c.rounding} overflow=${c.format.overflow}`, c] as const))('%s', (_label, goldenCase) => {
        const format = formatFromSpec(goldenCase.format as never);
        const output = new Uint32Array(format.quantize(input, { rounding: goldenCase.rounding as Rounding }).buffer);
        const mismatches: string[] = [];
        expectedBits(golden, goldenCase).forEach((expected, i) => {
          if (expected === null) return;
          const actual = output[i];
          const same = isNaNBits(expected) ? isNaNBits(actual) : actual === expected >>> 0;
          if (!same && mismatches.length < 10) mismatches.push(`input ${hex(golden.inputs[i])}: expected ${hex(expected)}, got ${hex(actual)}`);
        });
        expect(mismatches).toEqual([]);
      });
    });
  }
});
