/** Order statistics for bench figures: medians of rounds, percentiles of latencies. */
export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
export const median = (xs: number[]) => percentile(xs, 0.5);
