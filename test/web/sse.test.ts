import { describe, expect, it } from 'vitest';
import { parseSse } from '../../src/web/sse.js';

describe('parseSse', () => {
  it('splits complete events, joins data lines and keeps the unfinished tail', () => {
    const { events, rest } = parseSse('event: progress\ndata: {"a":1}\nid: 0\n\n: comment\n\ndata: x\ndata: y\n\nevent: end\ndata: {"b"');
    expect(events).toEqual([{ event: 'progress', data: '{"a":1}' }, { event: 'message', data: 'x\ny' }]);
    expect(rest).toBe('event: end\ndata: {"b"');
  });

  it('reads CRLF line ends', () => {
    expect(parseSse('event: end\r\ndata: 1\r\n\r\n').events).toEqual([{ event: 'end', data: '1' }]);
  });
});
