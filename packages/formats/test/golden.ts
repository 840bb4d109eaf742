/** Reads the reference vectors in test/golden (copied unchanged from shared/golden; see its README). */
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export interface GoldenCase {
  name: string;
  format: Record<string, unknown> & { kind: 'float' | 'fixed' };
  rounding: string;
  producer: string;
  outputs: number[];
  notes?: string;
  modelDeviations?: [number, number | null][];
}

export interface GoldenFile {
  file: string;
  inputs: number[];
  cases: GoldenCase[];
}

export const goldenDirectory = fileURLToPath(new URL('./golden/', import.meta.url));

export function goldenFileNames(): string[] {
  return readdirSync(goldenDirectory).filter((name) => name.endsWith('.json.gz')).sort();
}

export function readGoldenFile(file: string): GoldenFile {
  const data = JSON.parse(gunzipSync(readFileSync(goldenDirectory + file)).toString('utf8'));
  return { file, inputs: data.inputs, cases: data.cases };
}

/** Expected output bits per input under the library's model: `null` where the model leaves it open. */
export function expectedBits(golden: GoldenFile, goldenCase: GoldenCase): (number | null)[] {
  const expected: (number | null)[] = goldenCase.outputs.slice();
  for (const [index, model] of goldenCase.modelDeviations ?? []) expected[index] = model;
  // "The model leaves NaN unspecified for 'finite'" (golden README): such formats have no NaN code;
  // ml_dtypes returns -0's code, cpfloat a NaN. The library propagates NaN.
  if (goldenCase.format.specials === 'finite') {
    golden.inputs.forEach((input, index) => {
      if (isNaNBits(input)) expected[index] = null;
    });
  }
  return expected;
}

export function isNaNBits(bits: number): boolean {
  return (bits & 0x7fffffff) > 0x7f800000;
}

export function hex(bits: number): string {
  return '0x' + (bits >>> 0).toString(16).padStart(8, '0');
}
