/**
 * Writing and reading checkpoint files.
 *
 * A write is atomic: the bytes go to a temporary file in the same directory (same file system,
 * so the rename cannot turn into a copy), which is fsynced and then renamed over the target,
 * and the directory is fsynced so the rename itself survives a power cut. A process killed at
 * any moment leaves either the old checkpoint or the new one, never a mixture; at worst a stray
 * `.<name>.<pid>.<n>.tmp` file that nothing reads.
 *
 * A read checks, before parsing anything, the magic, the format version, the payload length
 * (truncation) and the SHA-256 of the payload (corruption), and reports the first failure as a
 * `CheckpointError` naming the file, the problem and the numbers.
 */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors.js';
import { FORMAT_VERSION, HEADER_BYTES, MAGIC, decodePayload, encodeFile, hex, sha256 } from './encoding.js';

/** The file-system calls a write makes (node:fs satisfies it; tests inject failures through it). */
export interface CheckpointFileSystem {
  openSync(path: string, flags: 'w'): number;
  writeSync(descriptor: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(descriptor: number): void;
  closeSync(descriptor: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

export interface SaveCheckpointOptions {
  /** Default node:fs. Replace to simulate crashes in tests. */
  fileSystem?: CheckpointFileSystem;
}

const CHUNK_BYTES = 1 << 20;
let temporaryCounter = 0;

/** Writes `state` (plain data with typed arrays) to `path` atomically; returns the bytes written. */
export function saveCheckpoint(path: string, state: unknown, options: SaveCheckpointOptions = {}): number {
  if (typeof path !== 'string' || path === '') throw new CheckpointError(String(path), 'write', 'the path must be a non-empty string');
  const io = options.fileSystem ?? fs;
  let bytes: Uint8Array;
  try {
    bytes = encodeFile(state);
  } catch (error) {
    throw new CheckpointError(path, 'write', `the state cannot be serialized: ${(error as Error).message}`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${temporaryCounter++}.tmp`);
  let descriptor: number | undefined;
  try {
    descriptor = io.openSync(temporary, 'w');
    for (let offset = 0; offset < bytes.byteLength; ) offset += io.writeSync(descriptor, bytes, offset, Math.min(CHUNK_BYTES, bytes.byteLength - offset));
    io.fsyncSync(descriptor);
    io.closeSync(descriptor);
    descriptor = undefined;
    io.renameSync(temporary, path);
  } catch (error) {
    if (descriptor !== undefined) {
      try {
        io.closeSync(descriptor);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      io.unlinkSync(temporary);
    } catch {
      // the temporary file may not exist
    }
    throw new CheckpointError(path, 'write', `${(error as Error).message}; the previous checkpoint at this path (if any) is unchanged`, 'Check that the directory exists, is writable and has space');
  }
  syncDirectory(dirname(path));
  return bytes.byteLength;
}

/** fsync of the directory entry (POSIX); platforms that cannot open a directory skip it. */
function syncDirectory(directory: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = fs.openSync(directory, 'r');
    fs.fsyncSync(descriptor);
  } catch {
    // Windows and some file systems refuse; the rename is still atomic there.
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

/** Reads and checks a checkpoint file; returns its state. */
export function loadCheckpoint(path: string): unknown {
  let file: Uint8Array;
  try {
    file = fs.readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointError(path, code === 'ENOENT' ? 'missing' : 'corrupted', code === 'ENOENT' ? 'no such file' : (error as Error).message, 'Check the path; checkpoints are written by saveCheckpoint or fit({ checkpoint: { path } })');
  }
  return decodeCheckpoint(file, path);
}

/** Checks and decodes the bytes of a checkpoint file (`path` only names it in messages). */
export function decodeCheckpoint(file: Uint8Array, path = ''): unknown {
  const magic = new TextDecoder().decode(file.subarray(0, Math.min(8, file.byteLength)));
  if (file.byteLength >= 8 && magic !== MAGIC) {
    throw new CheckpointError(path, 'not-a-checkpoint', `the file starts with ${JSON.stringify(magic)} instead of ${JSON.stringify(MAGIC)}`, 'Pass a file written by saveCheckpoint');
  }
  if (file.byteLength < HEADER_BYTES) {
    throw new CheckpointError(path, 'truncated', `the file has ${file.byteLength} bytes, fewer than the ${HEADER_BYTES}-byte header`, 'The write was interrupted before the rename (impossible with saveCheckpoint) or the file was cut; use an earlier checkpoint');
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) {
    throw new CheckpointError(
      path,
      'version',
      `format version ${version}, this @lowbit/training reads version ${FORMAT_VERSION}`,
      version > FORMAT_VERSION ? 'It was written by a newer @lowbit/training: upgrade to read it' : 'It was written by an older, unsupported @lowbit/training',
    );
  }
  const payloadLength = Number(view.getBigUint64(16, true));
  const expected = HEADER_BYTES + payloadLength;
  if (file.byteLength < expected) {
    throw new CheckpointError(path, 'truncated', `expected ${expected} bytes (${HEADER_BYTES}-byte header + ${payloadLength}-byte payload), found ${file.byteLength}`, 'The file was cut (a copy or a disk that filled up); use an earlier checkpoint');
  }
  if (file.byteLength > expected) {
    throw new CheckpointError(path, 'corrupted', `expected ${expected} bytes (${HEADER_BYTES}-byte header + ${payloadLength}-byte payload), found ${file.byteLength}: ${file.byteLength - expected} bytes too many`, 'Something appended to the file; use an earlier checkpoint');
  }
  const payload = file.subarray(HEADER_BYTES, expected);
  const stored = file.subarray(24, 56);
  const actual = sha256(payload);
  if (hex(stored) !== hex(actual)) {
    throw new CheckpointError(path, 'corrupted', `SHA-256 of the payload is ${hex(actual)}, the header says ${hex(stored)}`, 'The bytes changed after writing (disk or copy error); use an earlier checkpoint');
  }
  try {
    return decodePayload(payload);
  } catch (error) {
    throw new CheckpointError(path, 'corrupted', `the payload passed its checksum but cannot be read: ${(error as Error).message}`);
  }
}
