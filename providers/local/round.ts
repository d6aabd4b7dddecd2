/** Scores and confidences are reported to four decimals: more is noise, and it keeps answers stable and short. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
