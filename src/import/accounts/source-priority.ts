// One value per day when several sources of one account give it (a watch and a phone both count steps): the
// best-ranked source's value is taken whole, never a sum, since the sources count the same steps twice.

/**
 * Rank of a source name among an account's own sources (0 is best): a watch (it is worn all day), then a phone, then
 * any other app or device. Used when the export does not say the person's own order (Apple's does not).
 */
export function deviceRank(sourceName: string): number {
  if (/watch/i.test(sourceName)) return 0;
  if (/iphone|phone|android/i.test(sourceName)) return 1;
  return 2;
}

/** The best-ranked entry of `bySource` (ties: the larger value, then the name), or undefined when empty. */
export function chooseSource<T>(bySource: ReadonlyMap<string, T>, valueOf: (value: T) => number): { source: string; value: T } | undefined {
  let best: { source: string; value: T } | undefined;
  for (const [source, value] of bySource) {
    if (!best) {
      best = { source, value };
      continue;
    }
    const rank = deviceRank(source) - deviceRank(best.source);
    const better = rank < 0 || (rank === 0 && (valueOf(value) > valueOf(best.value) || (valueOf(value) === valueOf(best.value) && source < best.source)));
    if (better) best = { source, value };
  }
  return best;
}
