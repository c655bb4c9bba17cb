/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0): little-endian float32, float64,
 * int32 and int64 arrays in C order. A file is read with one allocation and one read; the
 * data is a view of that buffer, so a large matrix is never copied (float64 read as a
 * float32 matrix is converted once).
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { LookalikeError, errorMessage } from '../core/errors.js';
import { formatHeader, parseHeader } from './header.js';

const MAGIC = Buffer.from('\x93NUMPY', 'latin1');
const ALIGN = 64;

const DTYPES = {
  '<f4': Float32Array,
  '<f8': Float64Array,
  '<i4': Int32Array,
  '<i8': BigInt64Array,
} as const;
export type NpyDtype = keyof typeof DTYPES;
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

/** A row-major matrix. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

// Typed-array views use the host's byte order; .npy data here is little-endian.
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reads an array as stored, keeping its dtype. */
export function readNpy(path: string): NpyArray {
  if (!HOST_LITTLE_ENDIAN) throw new LookalikeError('UNSUPPORTED_OP', `${path}: reading .npy files needs a little-endian host`);
  const bytes = readWhole(path);
  if (bytes.length === 0) throw bad(path, 'the file is empty');
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC.subarray(0, Math.min(bytes.length, MAGIC.length))))
    throw bad(path, 'not a .npy file (bad magic bytes)');
  if (bytes.length < 10) throw bad(path, `truncated header (${bytes.length} bytes)`);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) throw bad(path, `unsupported .npy format version ${major}.${minor}`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw bad(path, `truncated header (${bytes.length} bytes)`);
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length)
    throw bad(path, `truncated header (the header needs ${dataOffset} bytes, the file has ${bytes.length})`);
  const text = bytes.toString(major === 3 ? 'utf8' : 'latin1', 8 + lengthBytes, dataOffset);

  let header;
  try {
    header = parseHeader(text);
  } catch (err) {
    throw bad(path, `cannot parse the header: ${errorMessage(err)}`);
  }
  const dtype = checkDtype(path, header.descr);
  const shapeText = `(${header.shape.join(', ')})`;
  if (header.fortranOrder)
    throw bad(path, `the array of shape ${shapeText} is in Fortran order; save it in C order (numpy.ascontiguousarray)`);

  const Type = DTYPES[dtype];
  const count = header.shape.reduce((a, b) => a * b, 1);
  const dataBytes = bytes.length - dataOffset;
  if (dataBytes !== count * Type.BYTES_PER_ELEMENT)
    throw bad(path, `the data holds ${dataBytes} bytes, but shape ${shapeText} of ${dtype} needs ${count * Type.BYTES_PER_ELEMENT}`);

  const start = bytes.byteOffset + dataOffset;
  const buffer = bytes.buffer as ArrayBuffer; // allocUnsafeSlow never shares memory
  // NumPy aligns the data to 64 bytes; a file that does not is copied once to align it.
  const data =
    start % Type.BYTES_PER_ELEMENT === 0
      ? new Type(buffer, start, count)
      : new Type(buffer.slice(start, start + dataBytes));
  return { dtype, shape: header.shape, data };
}

/** A 2-D float array (a 1-D one is read as n x 1) as float32; float64 is converted. */
export function readMatrix(path: string): Matrix {
  const { dtype, shape, data } = readNpy(path);
  if (!(data instanceof Float32Array || data instanceof Float64Array))
    throw bad(path, `expected float32 or float64 values, got ${dtype}`);
  if (shape.length !== 1 && shape.length !== 2)
    throw bad(path, `expected a 1-D or 2-D array, got shape (${shape.join(', ')})`);
  return {
    data: data instanceof Float32Array ? data : Float32Array.from(data),
    rows: shape[0]!,
    cols: shape.length === 2 ? shape[1]! : 1,
  };
}

/** A vector of int32 or int64 values (shape (n,) or (n, 1)), such as class labels, as int32. */
export function readInt32Vector(path: string): Int32Array {
  const { dtype, shape, data } = readNpy(path);
  if (!(data instanceof Int32Array || data instanceof BigInt64Array))
    throw bad(path, `expected int32 or int64 values, got ${dtype}`);
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1)))
    throw bad(path, `expected a vector, got shape (${shape.join(', ')})`);
  if (data instanceof Int32Array) return data;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < -2147483648n || v > 2147483647n) throw bad(path, `value ${v} at index ${i} does not fit in int32`);
    out[i] = Number(v);
  }
  return out;
}

/** Writes a float32 or int32 array of the given shape (C order) as a version 1.0 file, as numpy.save does. */
export function writeNpy(path: string, array: Float32Array | Int32Array, shape: readonly number[]): void {
  if (!shape.every((s) => Number.isSafeInteger(s) && s >= 0))
    throw new LookalikeError('BAD_ARGUMENT', `${path}: shape (${shape.join(', ')}) must hold non-negative integers`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length)
    throw new LookalikeError('BAD_ARGUMENT', `${path}: shape (${shape.join(', ')}) holds ${count} values, the array ${array.length}`);
  const dict = formatHeader(array instanceof Float32Array ? '<f4' : '<i4', shape);
  // Magic, version, 2-byte length, then the dict padded with spaces and a newline to 64 bytes.
  const padded = dict.length + 1 + ALIGN - ((10 + dict.length + 1) % ALIGN);
  const header = Buffer.alloc(10 + padded, ' ');
  MAGIC.copy(header);
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(padded, 8);
  header.write(dict, 10, 'latin1');
  header[header.length - 1] = 0x0a;

  let fd;
  try {
    fd = openSync(path, 'w');
    writeAll(fd, header);
    writeAll(fd, Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  } catch (err) {
    throw fileError(path, 'cannot write', err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function checkDtype(path: string, descr: unknown): NpyDtype {
  if (typeof descr !== 'string') throw bad(path, `unsupported structured dtype ${JSON.stringify(descr)}`);
  if (descr in DTYPES) return descr as NpyDtype;
  if (descr.replace(/^[|<>=]/, '') === 'O') throw bad(path, `object arrays (dtype '${descr}') are not supported`);
  if (descr.startsWith('>'))
    throw bad(path, `big-endian dtype '${descr}' is not supported; save it as '<${descr.slice(1)}' (array.astype('<${descr.slice(1)}'))`);
  throw bad(path, `unsupported dtype '${descr}' (supported: ${Object.keys(DTYPES).join(', ')})`);
}

/** The whole file in one buffer of its own (never a pooled slice), read without a second copy. */
function readWhole(path: string): Buffer {
  let fd;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > bufferConstants.MAX_LENGTH)
      throw bad(path, `the file has ${size} bytes, more than the ${bufferConstants.MAX_LENGTH} a buffer can hold`);
    const bytes = Buffer.allocUnsafeSlow(size);
    for (let done = 0; done < size; ) {
      const n = readSync(fd, bytes, done, Math.min(size - done, 1 << 30), done);
      if (n === 0) throw bad(path, `the file shrank while being read (${done} of ${size} bytes)`);
      done += n;
    }
    return bytes;
  } catch (err) {
    if (err instanceof LookalikeError) throw err;
    throw fileError(path, 'cannot read', err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30));
}

function fileError(path: string, what: string, err: unknown): LookalikeError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new LookalikeError('NOT_FOUND', `${path}: ${what}: no such file or folder`, { cause: err });
  return new LookalikeError('BAD_FILE', `${path}: ${what}: ${errorMessage(err)}`, { cause: err });
}

function bad(path: string, problem: string): LookalikeError {
  return new LookalikeError('BAD_FILE', `${path}: ${problem}`);
}
