import v8 from 'node:v8';
import vm from 'node:vm';

// A full collection before each measurement, so garbage of the previous scenario is not counted.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Samples the process's RSS while `fn` runs; returns its result, seconds and the peak RSS above the start. */
export async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  gc();
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const began = performance.now();
  try {
    const value = await fn();
    const seconds = (performance.now() - began) / 1000;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds, peakRssMb: (peak - start) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
