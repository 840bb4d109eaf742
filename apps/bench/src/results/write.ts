/** Writes a results document as JSON (atomically: temp file + rename) and a CSV of its runs and benchmarks next to it. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { assertValidResults } from './schema.js';
import type { ResultsDocument } from './types.js';

export interface WriteResultsOptions {
  document: ResultsDocument;
  /** Explicit JSON path (--out); default results/<experiment>-<timestamp>.json under `directory`. */
  out?: string;
  /** Default: the current directory. */
  directory?: string;
  now?: Date;
}

export interface WrittenResults {
  jsonPath: string;
  csvPath: string;
}

/** `2025-01-31T12-00-05Z`: sortable and valid in file names on every platform. */
export function timestampForFile(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

export function defaultResultsPath(options: { experiment: string; directory?: string; now?: Date }): string {
  return resolve(options.directory ?? process.cwd(), 'results', `${options.experiment}-${timestampForFile(options.now ?? new Date())}.json`);
}

/** Writes `text` to `path` so a reader never sees a half-written file: a temp file in the same folder, then rename. */
export function writeFileAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

export function writeResults(options: WriteResultsOptions): WrittenResults {
  const { document } = options;
  // Validate what will be on disk, not the object: JSON turns NaN and Infinity into null, which a
  // number field must not hold, so a file on disk is always a valid results file.
  const text = JSON.stringify(document, null, 2) + '\n';
  assertValidResults(JSON.parse(text), `results of ${document.experiment}`);
  const jsonPath = options.out === undefined ? defaultResultsPath({ experiment: document.experiment, directory: options.directory, now: options.now }) : resolve(options.out);
  const csvPath = jsonPath.replace(/\.json$/i, '') + '.csv';
  writeFileAtomically(jsonPath, text);
  writeFileAtomically(csvPath, resultsCsv(document));
  return { jsonPath, csvPath };
}

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per run (kind=run) and per benchmark (kind=benchmark), one header for both. */
export function resultsCsv(document: ResultsDocument): string {
  const header = ['kind', 'experiment', 'name', 'formats', 'seed', 'testAccuracy', 'epochs', 'wallSeconds', 'memoryBytes', 'system', 'value', 'unit', 'ratio'];
  const rows: unknown[][] = [header];
  for (const run of document.runs) {
    const formats = Object.entries(run.formats).map(([role, format]) => `${role}=${format}`).join(' ');
    rows.push(['run', document.experiment, run.name, formats, run.seed, run.testAccuracy, run.epochs, run.wallSeconds, run.memoryBytes, '', '', '', '']);
  }
  for (const benchmark of document.benchmarks ?? []) {
    rows.push(['benchmark', document.experiment, benchmark.name, '', '', '', '', '', '', benchmark.system, benchmark.value, benchmark.unit, benchmark.ratio]);
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
