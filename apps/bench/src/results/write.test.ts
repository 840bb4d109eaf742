import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsValidationError } from '../errors.js';
import { assertValidResults } from './schema.js';
import { sampleDocument } from './sample.testutil.js';
import { resultsCsv, timestampForFile, writeResults } from './write.js';

describe('results files', () => {
  it('write JSON (valid against the schema) and CSV next to it, under results/ by default', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lowbit-results-'));
    const written = writeResults({ document: sampleDocument(), directory, now: new Date('2025-02-03T04:05:06.789Z') });
    expect(written.jsonPath).toBe(join(directory, 'results', 'quick-2025-02-03T04-05-06Z.json'));
    expect(written.csvPath).toBe(join(directory, 'results', 'quick-2025-02-03T04-05-06Z.csv'));
    const document: unknown = JSON.parse(readFileSync(written.jsonPath, 'utf8'));
    assertValidResults(document);
    // No temp file is left behind by the atomic write.
    expect(readdirSync(join(directory, 'results')).sort()).toEqual(['quick-2025-02-03T04-05-06Z.csv', 'quick-2025-02-03T04-05-06Z.json']);
  });

  it('CSV quotes fields with commas and quotes, one row per run and benchmark', () => {
    const lines = resultsCsv(sampleDocument()).trimEnd().split('\n');
    expect(lines[0]).toBe('kind,experiment,name,formats,seed,testAccuracy,epochs,wallSeconds,memoryBytes,system,value,unit,ratio');
    expect(lines[2]).toBe('run,quick,"fp8, ""odd""",weights=float8_e4m3fn errors=float8_e5m2,1,0.25,1,2,500,,,,');
    expect(lines[3]).toBe('benchmark,quick,gemm 512,,,,,,,lowbit,50,GFLOP/s,1');
  });

  it('the schema rejects a document with a missing field or an accuracy given in percent', () => {
    const bad = sampleDocument() as unknown as { runs: Record<string, unknown>[] };
    bad.runs[0].testAccuracy = 98.5;
    delete bad.runs[1].seed;
    expect(() => assertValidResults(bad, 'bad.json')).toThrow(ResultsValidationError);
    expect(() => assertValidResults(bad, 'bad.json')).toThrow(/bad\.json .*\/runs\/0\/testAccuracy must be <= 1.*\/runs\/1 must have required property 'seed'/);
  });

  it('checks the document as JSON will store it: NaN in a number field is refused before anything is written, a null loss point is kept', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lowbit-results-'));
    const broken = sampleDocument();
    broken.runs[0].testAccuracy = NaN; // JSON would write null
    expect(() => writeResults({ document: broken, directory })).toThrow(ResultsValidationError);
    expect(readdirSync(directory)).toEqual([]);
    const skipped = sampleDocument();
    skipped.runs[0].curves.steps.push({ epoch: 2, step: 20, trainLoss: null, testAccuracy: 0.5 });
    const { jsonPath } = writeResults({ document: skipped, directory });
    assertValidResults(JSON.parse(readFileSync(jsonPath, 'utf8')));
  });

  it('file timestamps sort and contain no colons', () => {
    expect(timestampForFile(new Date('2025-12-31T23:59:59.999Z'))).toBe('2025-12-31T23-59-59Z');
  });
});
