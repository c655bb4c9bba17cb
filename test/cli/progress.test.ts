import { describe, expect, it } from 'vitest';
import { formatDuration, progressLine } from '../../src/cli/progress.js';

describe('progress', () => {
  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61.4)).toBe('1:01');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(Infinity)).toBe('--:--');
  });

  it('shows done/total, rate and an ETA from the rate so far, with an optional bar', () => {
    expect(progressLine(250, 1000, 5)).toBe('250/1000 (25%)  50.0 images/s  ETA 0:15');
    expect(progressLine(0, 10, 0)).toBe('0/10 (0%)  0.0 images/s  ETA --:--');
    expect(progressLine(5, 10, 1, 10)).toBe('[#####.....] 5/10 (50%)  5.0 images/s  ETA 0:01');
  });
});
