/**
 * Node file access for the loaders. Data files are found from the installed location of the
 * package that ships them (module resolution from this file), never from a path relative to the
 * repository, so loading works the same in the workspace and in a project that installed
 * @lowbit/datasets from npm.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetFileError } from './errors.js';
import { parseIdx, type IdxFile, type ParseIdxOptions } from './idx.js';

const require = createRequire(import.meta.url);

/**
 * The directory of an installed npm package that ships data (it need not have a `main`), found
 * the way Node finds a dependency of this package.
 */
export function packageDirectory(packageName: string, hint: string): string {
  try {
    return dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    throw new DatasetFileError({
      file: `${packageName}/package.json`,
      problem: 'missing',
      expected: `the npm package ${packageName} installed next to @lowbit/datasets`,
      actual: 'it cannot be resolved',
      hint,
    });
  }
}

/** A data file's bytes; a missing file or directory is a DatasetFileError carrying `hint`. */
export async function readDataFile(file: string, hint: string, expected = 'the file to exist'): Promise<Uint8Array> {
  try {
    const buffer = await readFile(file);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw new DatasetFileError({ file, problem: 'missing', expected, actual: code === 'EISDIR' ? 'a directory' : 'no such file', hint });
    }
    throw error;
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads and parses an IDX file. A file starting with the gzip signature (1f 8b), as the official
 * downloads are, is decompressed first. With `file` ending in neither name, `path.gz` is tried
 * when `path` does not exist, so a directory of .gz downloads works without unpacking.
 */
export async function readIdxFile(path: string, options: Omit<ParseIdxOptions, 'file'> = {}): Promise<IdxFile> {
  const hint = options.hint ?? 'Get a fresh copy of the file.';
  let file = path;
  if (!(await isFile(path)) && !path.endsWith('.gz') && (await isFile(`${path}.gz`))) file = `${path}.gz`;
  let bytes = await readDataFile(file, hint, 'an IDX file');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      const buffer = gunzipSync(bytes);
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      throw new DatasetFileError({
        file,
        problem: 'truncated',
        expected: 'complete gzip data',
        actual: `gzip data that does not decompress (${(error as Error).message})`,
        hint,
      });
    }
  }
  return parseIdx(bytes, { ...options, file });
}
