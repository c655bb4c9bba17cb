import { describe, expect, it } from 'vitest';
import { nearestPoint, stepFrom } from '../../src/web/nearest.js';

// Points 0, 1, 2 on the x axis at 0, 1, 3; point 3 up-left of 0 at (-1, 1); point 4 up-right at (2, 1.9).
const x = Float32Array.from([0, 1, 3, -1, 2]);
const y = Float32Array.from([0, 0, 0, 1, 1.9]);

describe('keyboard steps between points', () => {
  it('finds the point nearest a place, skipping hidden ones', () => {
    expect(nearestPoint(x, y, 0.9, 0.1)).toBe(1);
    expect(nearestPoint(x, y, 0.9, 0.1, (i) => i !== 1)).toBe(0);
    expect(nearestPoint(new Float32Array(0), new Float32Array(0), 0, 0)).toBeNull();
  });

  it('steps to the next point in an arrow direction, within 45°', () => {
    expect(stepFrom(x, y, 0, 1, 0)).toBe(1);
    expect(stepFrom(x, y, 1, 1, 0)).toBe(2); // 4 is 62° off "right"
    expect(stepFrom(x, y, 2, 1, 0)).toBeNull();
    expect(stepFrom(x, y, 0, 0, 1)).toBe(3); // exactly 45°; 4 lies outside the cone
    expect(stepFrom(x, y, 1, 0, 1)).toBe(4);
    expect(stepFrom(x, y, 1, -1, 0)).toBe(0);
  });

  it('prefers a point straight ahead over a nearer one off to the side, and skips hidden points', () => {
    const sx = Float32Array.from([0, 1, 1.5]);
    const sy = Float32Array.from([0, 0.9, 0]);
    expect(stepFrom(sx, sy, 0, 1, 0)).toBe(2);
    expect(stepFrom(x, y, 0, 1, 0, (i) => i !== 1)).toBe(2);
  });
});
