/** Reads every results JSON file of a folder (sorted by name, i.e. by experiment and time) and validates each. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResultsValidationError } from '../errors.js';
import { assertValidResults } from '../results/schema.js';
import type { ResultsDocument } from '../results/types.js';

export interface LoadedResults {
  file: string;
  document: ResultsDocument;
}

/** Every *.json file must be a results file: a stray or broken file is an error naming it, not silently skipped. */
export function loadResultsFolder(directory: string): LoadedResults[] {
  const files = readdirSync(directory).filter((file) => file.toLowerCase().endsWith('.json')).sort();
  return files.map((file) => {
    const path = join(directory, file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ResultsValidationError(path, [`not JSON: ${error instanceof Error ? error.message : String(error)}`]);
    }
    assertValidResults(parsed, path);
    return { file, document: parsed };
  });
}
