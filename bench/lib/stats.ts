/** Medians and rounding of the passes' figures. */

/** The median of the finite values; NaN when there are none. */
export const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export type NumericKey<T> = { [K in keyof T]-?: T[K] extends number ? K : never }[keyof T];

/** The median of one figure over several passes. */
export const medianOf = <T>(items: T[], key: NumericKey<T>) => median(items.map((item) => Number(item[key])));
