import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors.js';
import { FORMAT_VERSION, HEADER_BYTES, encodeFile } from './encoding.js';
import { decodeCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointFileSystem } from './file.js';

const directories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), 'lowbit-checkpoint-'));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const state = () => ({
  kind: 'example',
  weights: Float32Array.of(1.5, -0, NaN, Infinity, 2 ** -149),
  codes: Uint8Array.of(1, 2, 3),
  counts: Int32Array.of(-7, 8),
  nested: { values: [1, NaN, -Infinity, -0], label: 'x', missing: null, more: new Float64Array([Math.PI]) },
});

function caught(run: () => unknown): CheckpointError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('checkpoint files', () => {
  it('round-trip plain data with typed arrays bit for bit (NaN, -0, infinities, subnormals)', () => {
    const path = join(scratch(), 'run.ckpt');
    const bytes = saveCheckpoint(path, state());
    expect(readFileSync(path).byteLength).toBe(bytes);
    const loaded = loadCheckpoint(path) as ReturnType<typeof state>;
    expect(loaded.weights).toBeInstanceOf(Float32Array);
    expect(Array.from(new Uint32Array(loaded.weights.buffer))).toEqual(Array.from(new Uint32Array(state().weights.buffer)));
    expect(loaded.codes).toEqual(Uint8Array.of(1, 2, 3));
    expect(loaded.counts).toEqual(Int32Array.of(-7, 8));
    expect(Object.is(loaded.nested.values[3], -0)).toBe(true);
    expect(loaded.nested.values).toEqual([1, NaN, -Infinity, -0]);
    expect(loaded.nested.more[0]).toBe(Math.PI);
    expect(loaded.nested.missing).toBeNull();
  });

  it('writes atomically: a write that fails midway leaves the previous checkpoint intact and no temporary file', () => {
    const directory = scratch();
    const path = join(directory, 'run.ckpt');
    saveCheckpoint(path, { generation: 1, values: new Float32Array(1000).fill(1) });
    const before = readFileSync(path);
    // Simulated crash: the disk fills up after part of the new checkpoint has been written.
    let written = 0;
    const failing: CheckpointFileSystem = {
      ...fs,
      writeSync: ((descriptor: number, buffer: Uint8Array, offset: number, length: number) => {
        if (written > 100) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        const count = fs.writeSync(descriptor, buffer, offset, Math.min(length, 64));
        written += count;
        return count;
      }) as typeof fs.writeSync,
    };
    const error = caught(() => saveCheckpoint(path, { generation: 2, values: new Float32Array(1000).fill(2) }, { fileSystem: failing }));
    expect(error.message).toBe(`cannot write ${path}: ENOSPC: no space left on device, write; the previous checkpoint at this path (if any) is unchanged. Check that the directory exists, is writable and has space`);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect((loadCheckpoint(path) as { generation: number }).generation).toBe(1);
    expect(readdirSync(directory)).toEqual(['run.ckpt']);
    // A crash before the rename (killed process: the temporary file stays) does not touch the checkpoint either.
    const killed: CheckpointFileSystem = { ...fs, renameSync: () => { throw new Error('killed'); }, unlinkSync: () => undefined };
    caught(() => saveCheckpoint(path, { generation: 3 }, { fileSystem: killed }));
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toHaveLength(1);
    expect((loadCheckpoint(path) as { generation: number }).generation).toBe(1);
    saveCheckpoint(path, { generation: 4 });
    expect((loadCheckpoint(path) as { generation: number }).generation).toBe(4);
  });

  it('reports a truncated file with the expected and actual lengths', () => {
    const directory = scratch();
    const path = join(directory, 'cut.ckpt');
    const file = encodeFile(state());
    writeFileSync(path, file.subarray(0, file.byteLength - 10));
    const error = caught(() => loadCheckpoint(path));
    expect(error.problem).toBe('truncated');
    expect(error.file).toBe(path);
    expect(error.message).toBe(`truncated checkpoint ${path}: expected ${file.byteLength} bytes (${HEADER_BYTES}-byte header + ${file.byteLength - HEADER_BYTES}-byte payload), found ${file.byteLength - 10}. The file was cut (a copy or a disk that filled up); use an earlier checkpoint`);
    writeFileSync(path, file.subarray(0, 20));
    expect(caught(() => loadCheckpoint(path)).message).toBe(`truncated checkpoint ${path}: the file has 20 bytes, fewer than the 56-byte header. The write was interrupted before the rename (impossible with saveCheckpoint) or the file was cut; use an earlier checkpoint`);
    writeFileSync(path, new Uint8Array(0));
    expect(caught(() => loadCheckpoint(path)).problem).toBe('truncated');
  });

  it('reports corruption: a changed byte fails the checksum, extra bytes the length', () => {
    const file = encodeFile(state());
    const flipped = file.slice();
    flipped[HEADER_BYTES + 40] ^= 0x10;
    const error = caught(() => decodeCheckpoint(flipped, 'run.ckpt'));
    expect(error.problem).toBe('corrupted');
    expect(error.message).toMatch(/^corrupted checkpoint run\.ckpt: SHA-256 of the payload is [0-9a-f]{64}, the header says [0-9a-f]{64}\. The bytes changed after writing \(disk or copy error\); use an earlier checkpoint$/);
    const longer = new Uint8Array(file.byteLength + 3);
    longer.set(file);
    expect(caught(() => decodeCheckpoint(longer, 'run.ckpt')).message).toMatch(/found \d+: 3 bytes too many/);
    // A corrupted checksum is as fatal as corrupted data.
    const badSum = file.slice();
    badSum[30] ^= 1;
    expect(caught(() => decodeCheckpoint(badSum)).problem).toBe('corrupted');
  });

  it('rejects other files, other versions and missing files by name', () => {
    const directory = scratch();
    const path = join(directory, 'notes.txt');
    writeFileSync(path, 'these are not the weights you are looking for, but they are long enough');
    expect(caught(() => loadCheckpoint(path)).message).toBe(`not a lowbit checkpoint ${path}: the file starts with "these ar" instead of "LOWBITCK". Pass a file written by saveCheckpoint`);
    const newer = encodeFile({});
    new DataView(newer.buffer).setUint32(8, FORMAT_VERSION + 1, true);
    expect(caught(() => decodeCheckpoint(newer, 'new.ckpt')).message).toBe(`version checkpoint new.ckpt: format version ${FORMAT_VERSION + 1}, this @lowbit/training reads version ${FORMAT_VERSION}. It was written by a newer @lowbit/training: upgrade to read it`);
    const missing = caught(() => loadCheckpoint(join(directory, 'nope.ckpt')));
    expect(missing.problem).toBe('missing');
    expect(missing.message).toMatch(/^missing checkpoint .*nope\.ckpt: no such file\. Check the path/);
    expect(caught(() => saveCheckpoint(join(directory, 'no', 'such', 'dir.ckpt'), {})).problem).toBe('write');
  });
});
