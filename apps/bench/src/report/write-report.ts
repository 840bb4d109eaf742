/** `report <resultsDir>`: one self-contained HTML file from every results file in the folder. */
import { resolve, join } from 'node:path';
import { BenchUsageError } from '../errors.js';
import { writeFileAtomically } from '../results/write.js';
import { loadResultsFolder } from './load-results.js';
import { renderReport } from './render.js';

export function writeReport(options: { resultsDirectory: string; out?: string }): { path: string; files: number } {
  const results = loadResultsFolder(options.resultsDirectory);
  if (results.length === 0) throw new BenchUsageError('resultsDir', options.resultsDirectory, 'a folder with at least one results JSON file', 'run `lowbit-bench run quick` to make one');
  const path = resolve(options.out ?? join(options.resultsDirectory, 'report.html'));
  writeFileAtomically(path, renderReport({ results }));
  return { path, files: results.length };
}
