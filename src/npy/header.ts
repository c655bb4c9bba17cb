/**
 * The header of a .npy file: a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (50000, 1632), }`.
 * The reader accepts the literal subset NumPy writes (strings, booleans, None, integers,
 * tuples, lists, dicts); it never evaluates anything.
 */

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export interface NpyHeader {
  /** A string for plain dtypes; a list for structured ones (which the reader rejects). */
  descr: PyValue;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses the header text; throws an Error whose message says what is wrong with it. */
export function parseHeader(text: string): NpyHeader {
  const parser = new LiteralParser(text);
  const dict = parser.value();
  parser.end();
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) throw new Error('the header is not a dict');
  const { descr, fortran_order: fortranOrder, shape } = dict;
  if (descr === undefined) throw new Error("the header has no 'descr'");
  if (typeof fortranOrder !== 'boolean') throw new Error("the header's 'fortran_order' is not True or False");
  if (!Array.isArray(shape) || !shape.every((s) => typeof s === 'number' && Number.isSafeInteger(s) && s >= 0))
    throw new Error("the header's 'shape' is not a tuple of non-negative integers");
  return { descr, fortranOrder, shape: shape as number[] };
}

/** The header dict as NumPy writes it, keys sorted, with its spare room for growing axis 0. */
export function formatHeader(descr: string, shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const GROWTH_AXIS_MAX_DIGITS = 21;
  return shape.length > 0 ? dict + ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length) : dict;
}

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  value(): PyValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "'" || c === '"') return this.string(c);
    if (c === '{') return this.dict();
    if (c === '(') return this.sequence(')');
    if (c === '[') return this.sequence(']');
    const word = /^(?:True|False|None|-?\d+L?)/.exec(this.text.slice(this.pos))?.[0];
    if (word === undefined) this.fail('expected a value');
    this.pos += word.length;
    if (word === 'True' || word === 'False') return word === 'True';
    if (word === 'None') return null;
    return Number(word.replace('L', '')); // Python 2 wrote long integers as 12L
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the dict');
  }

  private string(quote: string): string {
    const close = this.text.indexOf(quote, this.pos + 1);
    if (close < 0) this.fail('unterminated string');
    const s = this.text.slice(this.pos + 1, close);
    if (s.includes('\\')) this.fail('escaped characters in a string');
    this.pos = close + 1;
    return s;
  }

  private dict(): { [key: string]: PyValue } {
    const out: { [key: string]: PyValue } = {};
    this.pos++;
    while (!this.take('}')) {
      const key = this.value();
      if (typeof key !== 'string') this.fail('a dict key is not a string');
      if (!this.take(':')) this.fail("expected ':'");
      out[key] = this.value();
      if (!this.take(',') && !this.peek('}')) this.fail("expected ',' or '}'");
    }
    return out;
  }

  private sequence(close: string): PyValue[] {
    const out: PyValue[] = [];
    this.pos++;
    while (!this.take(close)) {
      out.push(this.value());
      if (!this.take(',') && !this.peek(close)) this.fail(`expected ',' or '${close}'`);
    }
    return out;
  }

  private take(c: string): boolean {
    if (!this.peek(c)) return false;
    this.pos++;
    return true;
  }

  private peek(c: string): boolean {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('unexpected end of the header');
    return this.text[this.pos] === c;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private fail(problem: string): never {
    throw new Error(`${problem} at character ${this.pos} of ${JSON.stringify(this.text.trimEnd())}`);
  }
}
