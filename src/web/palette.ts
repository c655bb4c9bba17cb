/**
 * Categorical colours for any number of categories: hues a golden angle apart so neighbouring
 * category numbers never look alike, with lightness alternating for a second cue.
 */
export function categoricalColours(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const hue = (i * 137.508 + 20) % 360;
    const light = i % 2 === 0 ? 62 : 48;
    return hslToHex(hue, 70, light);
  });
}

function hslToHex(h: number, s: number, l: number): string {
  const sat = s / 100, lig = l / 100;
  const a = sat * Math.min(lig, 1 - lig);
  const channel = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = lig - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
