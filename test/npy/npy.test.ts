import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInt32Vector, readMatrix, readNpy, writeNpy } from '../../src/npy/npy.js';
import { REPO, tempDir } from '../helpers/fixtures.js';

const FIXTURES = join(REPO, 'test/fixtures/npy');
const PYTHON = '/usr/bin/python3';
const dir = tempDir('npy');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .npy file built byte by byte, for the malformed cases. */
function raw(name: string, dict: string, data: Buffer = Buffer.alloc(0), version = 1): string {
  const lengthBytes = version === 1 ? 2 : 4;
  const header = Buffer.from(dict.padEnd(64 - 8 - lengthBytes - 1, ' ') + '\n', 'latin1');
  const prefix = Buffer.alloc(8 + lengthBytes);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = version;
  if (version === 1) prefix.writeUInt16LE(header.length, 8);
  else prefix.writeUInt32LE(header.length, 8);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, header, data]));
  return path;
}

const f4 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);

describe('round trip', () => {
  it('writes float32 and int32 arrays that read back identical, data aligned to 64 bytes', () => {
    const m = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 2);
    writeNpy(join(dir, 'm.npy'), m, [4, 3]);
    expect((readFileSync(join(dir, 'm.npy')).length - m.byteLength) % 64).toBe(0);
    const back = readMatrix(join(dir, 'm.npy'));
    expect(back).toEqual({ data: m, rows: 4, cols: 3 });
    expect(back.data.byteOffset % 64).toBe(0); // a view of the file buffer, not a copy

    const labels = Int32Array.of(3, -1, 2147483647, 0);
    writeNpy(join(dir, 'l.npy'), labels, [4]);
    expect(readInt32Vector(join(dir, 'l.npy'))).toEqual(labels);
    expect(readNpy(join(dir, 'l.npy'))).toMatchObject({ dtype: '<i4', shape: [4] });

    writeNpy(join(dir, 'empty.npy'), new Float32Array(0), [0, 5]);
    expect(readMatrix(join(dir, 'empty.npy'))).toEqual({ data: new Float32Array(0), rows: 0, cols: 5 });
  });

  it('reads data that starts unaligned (a header not padded by numpy) through one aligned copy', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n"; // data at byte 69
    const path = join(dir, 'unaligned.npy');
    const prefix = Buffer.from('\x93NUMPY\x01\x00\x00\x00', 'latin1');
    prefix.writeUInt16LE(header.length, 8);
    writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), f4([1.5, -2])]));
    expect(readMatrix(path)).toEqual({ data: Float32Array.of(1.5, -2), rows: 2, cols: 1 });
  });

  it('writes exactly the bytes numpy.save writes', () => {
    const values = [0.5, -1.25, 3, 1e-3, 2.5e10, -0];
    writeNpy(join(dir, 'same.npy'), Float32Array.from(values), [2, 3]);
    expect(readFileSync(join(dir, 'same.npy'))).toEqual(readFileSync(join(FIXTURES, 'f4-2x3-v1.npy')));
  });

  it('rejects a shape that does not match the array', () => {
    expect(() => writeNpy(join(dir, 'x.npy'), new Float32Array(6), [4, 2])).toThrow(/holds 8 values, the array 6/);
    expect(() => writeNpy(join(dir, 'x.npy'), new Float32Array(6), [-2, -3])).toThrow(/non-negative integers/);
  });
});

describe('files written by numpy (committed fixtures)', () => {
  it('reads float32, version 1.0', () => {
    const m = readMatrix(join(FIXTURES, 'f4-2x3-v1.npy'));
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.data)).toEqual([0.5, -1.25, 3, 1e-3, 2.5e10, -0].map(Math.fround));
  });

  it('reads float64, version 2.0, as itself or as an n x 1 float32 matrix', () => {
    const a = readNpy(join(FIXTURES, 'f8-4-v2.npy'));
    expect(a.dtype).toBe('<f8');
    expect(Array.from(a.data as Float64Array)).toEqual([1 / 3, -2.5, 1e300, 7]);
    const m = readMatrix(join(FIXTURES, 'f8-4-v2.npy'));
    expect(m.rows).toBe(4);
    expect(m.cols).toBe(1);
    expect(Array.from(m.data)).toEqual([Math.fround(1 / 3), -2.5, Infinity, 7]);
  });

  it('reads int64 labels, version 3.0, as int32', () => {
    expect(Array.from(readInt32Vector(join(FIXTURES, 'i8-5-v3.npy')))).toEqual([0, 9, -3, 2147483647, -2147483648]);
  });
});

const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

function numpy(script: string): string {
  const r = spawnSync(PYTHON, ['-c', `import numpy as np\nfrom numpy.lib import format as fmt\nd = ${JSON.stringify(dir)}\n${script}`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!hasNumpy)(`files written by numpy now${hasNumpy ? '' : ` (skipped: ${PYTHON} has no numpy)`}`, () => {
  it('reads every version and dtype numpy writes', () => {
    numpy(`
a = np.arange(24, dtype='<f8').reshape(6, 4) / 7
for v in [(1, 0), (2, 0), (3, 0)]:
    with open(f'{d}/np-f8-{v[0]}.npy', 'wb') as f: fmt.write_array(f, a, version=v)
np.save(f'{d}/np-f4.npy', a.astype('<f4'))
np.save(f'{d}/np-i4.npy', np.array([5, -7, 0], dtype='<i4'))
np.save(f'{d}/np-i8col.npy', np.array([[1], [2]], dtype='<i8'))
np.save(f'{d}/np-f4-1d.npy', np.array([1.5, 2.5], dtype='<f4'))
`);
    const expected = Float32Array.from({ length: 24 }, (_, i) => i / 7);
    for (const v of [1, 2, 3]) expect(readMatrix(join(dir, `np-f8-${v}.npy`))).toEqual({ data: expected, rows: 6, cols: 4 });
    expect(readMatrix(join(dir, 'np-f4.npy'))).toEqual({ data: expected, rows: 6, cols: 4 });
    expect(Array.from(readInt32Vector(join(dir, 'np-i4.npy')))).toEqual([5, -7, 0]);
    expect(Array.from(readInt32Vector(join(dir, 'np-i8col.npy')))).toEqual([1, 2]);
    expect(readMatrix(join(dir, 'np-f4-1d.npy'))).toEqual({ data: Float32Array.of(1.5, 2.5), rows: 2, cols: 1 });
  });

  it('numpy reads what we write', () => {
    writeNpy(join(dir, 'ours.npy'), Float32Array.of(1, 2.5, -3, 4, 5, 6), [3, 2]);
    writeNpy(join(dir, 'ours-i4.npy'), Int32Array.of(7, -8), [2]);
    const out = numpy(`
a = np.load(f'{d}/ours.npy'); b = np.load(f'{d}/ours-i4.npy')
print(a.dtype, a.shape, a.tolist(), b.dtype, b.tolist())`);
    expect(out.trim()).toBe('float32 (3, 2) [[1.0, 2.5], [-3.0, 4.0], [5.0, 6.0]] int32 [7, -8]');
  });

  it('rejects numpy files it does not support, naming the problem', () => {
    numpy(`
np.save(f'{d}/np-be.npy', np.arange(3, dtype='>f4'))
np.save(f'{d}/np-fortran.npy', np.asfortranarray(np.ones((3, 2), dtype='<f4')))
np.save(f'{d}/np-object.npy', np.array([1, 'a'], dtype=object))
np.save(f'{d}/np-u1.npy', np.zeros(3, dtype='u1'))
np.save(f'{d}/np-struct.npy', np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))
`);
    expect(() => readNpy(join(dir, 'np-be.npy'))).toThrow(/big-endian dtype '>f4'/);
    expect(() => readNpy(join(dir, 'np-fortran.npy'))).toThrow(/shape \(3, 2\) is in Fortran order/);
    expect(() => readNpy(join(dir, 'np-object.npy'))).toThrow(/object arrays \(dtype '\|O'\)/);
    expect(() => readNpy(join(dir, 'np-u1.npy'))).toThrow(/unsupported dtype '\|u1'/);
    expect(() => readNpy(join(dir, 'np-struct.npy'))).toThrow(/unsupported structured dtype/);
  });
});

describe('malformed files', () => {
  const DICT = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";

  function rejects(path: string, problem: RegExp): void {
    let caught: unknown;
    try {
      readNpy(path);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'BAD_FILE' });
    expect((caught as Error).message.startsWith(`${path}: `)).toBe(true);
    expect((caught as Error).message).toMatch(problem);
  }

  function file(name: string, bytes: Buffer | string): string {
    writeFileSync(join(dir, name), typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    return join(dir, name);
  }

  it('a missing file is NOT_FOUND', () => {
    expect(() => readNpy(join(dir, 'absent.npy'))).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('absent.npy') }));
  });

  it('an empty file', () => rejects(file('empty.npy', ''), /the file is empty/));

  it('bad magic', () => {
    rejects(file('magic.npy', 'PK\x03\x04 not numpy at all'), /not a \.npy file \(bad magic bytes\)/);
    rejects(file('short-magic.npy', 'ab'), /bad magic/);
  });

  it('a truncated header', () => {
    rejects(file('trunc1.npy', '\x93NUM'), /truncated header/);
    rejects(file('trunc2.npy', '\x93NUMPY\x01\x00'), /truncated header/);
    rejects(file('trunc3.npy', `\x93NUMPY\x01\x00\x76\x00{'descr': '<f4'`), /truncated header \(the header needs 128 bytes, the file has 25\)/);
  });

  it('an unsupported format version', () => rejects(file('v9.npy', '\x93NUMPY\x09\x00\x00\x00'), /unsupported \.npy format version 9\.0/));

  it('an unparsable header dict', () => {
    rejects(raw('dict1.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2"), /cannot parse the header: unexpected end of the header/);
    rejects(raw('dict2.npy', "{'descr': <f4, 'fortran_order': False, 'shape': (2,), }"), /cannot parse the header: expected a value/);
    rejects(raw('dict3.npy', "{'descr': '<f4', 'shape': (2,), }"), /'fortran_order' is not True or False/);
    rejects(raw('dict4.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }"), /'shape' is not a tuple of non-negative integers/);
    rejects(raw('dict5.npy', "['descr', '<f4']"), /the header is not a dict/);
    rejects(raw('dict6.npy', "{'fortran_order': False, 'shape': (2,), }"), /has no 'descr'/);
  });

  it('an unsupported dtype, named', () => rejects(raw('u2.npy', DICT.replace('<f4', '<u2')), /unsupported dtype '<u2'/));

  it('big-endian data', () => rejects(raw('be.npy', DICT.replace('<f4', '>f8')), /big-endian dtype '>f8'/));

  it('Fortran order', () => rejects(raw('fortran.npy', DICT.replace('False', 'True'), f4([1, 2, 3, 4])), /Fortran order/));

  it('object arrays', () => rejects(raw('object.npy', DICT.replace('<f4', '|O'), Buffer.from('\x80\x02pickle')), /object arrays/));

  it('data that does not match the shape', () => {
    rejects(raw('short.npy', DICT, f4([1, 2, 3])), /the data holds 12 bytes, but shape \(2, 2\) of <f4 needs 16/);
    rejects(raw('long.npy', DICT, f4([1, 2, 3, 4, 5])), /the data holds 20 bytes/);
    rejects(raw('v2short.npy', DICT, f4([1]), 2), /the data holds 4 bytes/);
  });

  it('readMatrix and readInt32Vector reject the wrong kind of array', () => {
    expect(() => readMatrix(raw('i4.npy', DICT.replace('<f4', '<i4'), f4([1, 2, 3, 4])))).toThrow(/expected float32 or float64 values, got <i4/);
    expect(() => readMatrix(raw('3d.npy', DICT.replace('(2, 2)', '(1, 2, 2)'), f4([1, 2, 3, 4])))).toThrow(/expected a 1-D or 2-D array, got shape \(1, 2, 2\)/);
    expect(() => readInt32Vector(raw('f4.npy', DICT, f4([1, 2, 3, 4])))).toThrow(/expected int32 or int64 values, got <f4/);
    expect(() => readInt32Vector(raw('i4m.npy', DICT.replace('<f4', '<i4'), f4([1, 2, 3, 4])))).toThrow(/expected a vector, got shape \(2, 2\)/);
    const big = Buffer.from(BigInt64Array.of(1n, 2n ** 40n).buffer);
    expect(() => readInt32Vector(raw('i8big.npy', DICT.replace('<f4', '<i8').replace('(2, 2)', '(2,)'), big))).toThrow(
      /value 1099511627776 at index 1 does not fit in int32/,
    );
  });
});
