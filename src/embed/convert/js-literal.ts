/**
 * Reads one JavaScript literal (object, array, string, number, boolean, null) out of source text
 * without evaluating anything. Bundlers write JSON-like data as minified JS: unquoted keys,
 * `.5`, `!0`/`!1` for booleans; JSON.parse rejects those, and running the bundle would execute code.
 */

export class LiteralSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at offset ${position}`);
    this.name = 'LiteralSyntaxError';
  }
}

export type JsValue = null | boolean | number | string | JsValue[] | { [key: string]: JsValue };

/** Parses the literal that starts at `start` (after optional whitespace); returns it and the offset just past it. */
export function parseJsLiteral(text: string, start = 0): { value: JsValue; end: number } {
  const parser = new Parser(text, start);
  const value = parser.value();
  return { value, end: parser.pos };
}

const IDENTIFIER = /[A-Za-z_$][\w$]*/y;
const NUMBER = /(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/y;
const KEYWORDS: Record<string, JsValue> = { true: true, false: false, null: null };

class Parser {
  constructor(private readonly text: string, public pos: number) {}

  value(): JsValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'") return this.string();
    if (c === '!') return this.negation();
    if (c === '-' || c === '+') {
      this.pos++;
      const n = this.number();
      return c === '-' ? -n : n;
    }
    if (c !== undefined && /[\d.]/.test(c)) return this.number();
    const word = this.match(IDENTIFIER);
    if (word !== undefined && word in KEYWORDS) return KEYWORDS[word]!;
    throw new LiteralSyntaxError(`unexpected ${word ?? JSON.stringify(c ?? 'end of text')}`, this.pos);
  }

  private object(): JsValue {
    const out: { [key: string]: JsValue } = {};
    this.pos++;
    this.skipSpace();
    while (this.text[this.pos] !== '}') {
      const key = this.key();
      this.expect(':');
      out[key] = this.value();
      if (!this.comma('}')) break;
    }
    this.expect('}');
    return out;
  }

  private array(): JsValue {
    const out: JsValue[] = [];
    this.pos++;
    this.skipSpace();
    while (this.text[this.pos] !== ']') {
      out.push(this.value());
      if (!this.comma(']')) break;
    }
    this.expect(']');
    return out;
  }

  /** Consumes a separating comma; false when the list ends instead. Allows a trailing comma. */
  private comma(close: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== ',') return false;
    this.pos++;
    this.skipSpace();
    return this.text[this.pos] !== close;
  }

  private key(): string {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.string();
    const word = this.match(IDENTIFIER) ?? this.match(NUMBER);
    if (word === undefined) throw new LiteralSyntaxError('expected a property name', this.pos);
    return word;
  }

  /** Minifiers write true as `!0` and false as `!1`. */
  private negation(): boolean {
    this.pos++;
    const operand = this.value();
    if (typeof operand !== 'number' && typeof operand !== 'boolean') {
      throw new LiteralSyntaxError('`!` applied to a non-scalar', this.pos);
    }
    return !operand;
  }

  private number(): number {
    const digits = this.match(NUMBER);
    if (digits === undefined) throw new LiteralSyntaxError('expected a number', this.pos);
    return Number(digits);
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) throw new LiteralSyntaxError('unterminated string', this.pos);
      if (c === quote) return out;
      out += c === '\\' ? this.escape() : c;
    }
  }

  private escape(): string {
    const c = this.text[this.pos++];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
    if (c === undefined) throw new LiteralSyntaxError('unterminated escape', this.pos);
    if (c in simple) return simple[c]!;
    if (c === 'x' || c === 'u') {
      const len = c === 'x' ? 2 : 4;
      const hex = this.text.slice(this.pos, this.pos + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new LiteralSyntaxError('bad escape', this.pos);
      this.pos += len;
      return String.fromCharCode(parseInt(hex, 16));
    }
    return c;
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) throw new LiteralSyntaxError(`expected '${c}'`, this.pos);
    this.pos++;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
}
