import { itemKey, type NoiseItem, parseItemKey } from "./noise-fields.js";

/** One condition of a combination: `field = v`, `field in (v1, v2)`, `field startswith p`. */
export interface NoiseCondition {
  /** A Falco output field of `NoiseAnalyzerOptions.fields`, e.g. `proc.name`. */
  readonly field: string;
  /**
   * How the field is matched: `=` one value; `in` any of several values (combinations that
   * differed only in this field, merged); `startswith` a directory prefix ending in `/`
   * (path fields such as `fd.name` only).
   */
  readonly comp: "=" | "in" | "startswith";
  /** One value, except for `in`. */
  readonly values: readonly string[];
}

/** Field conditions that hold together for many alerts of one rule. */
export interface NoiseCombination {
  /** One per field, sorted by field. */
  readonly conditions: readonly NoiseCondition[];
  /** Alerts it matches that no combination before it matches. */
  readonly count: number;
}

/** Alerts of one rule that share the same items, with how many there are. */
export interface Projection {
  /** Item keys (see `itemKey`). */
  readonly items: readonly string[];
  readonly count: number;
}

/** Options of {@link findCombinations}; every one is documented with its default. */
export interface CombinationOptions {
  /** Combinations kept per rule. @default 3 */
  readonly maxCombinations?: number;
  /** Fewest fields in a combination (Falco: "be specific"). @default 2 */
  readonly minFields?: number;
  /**
   * Most fields searched for; a field that 90% of a combination's alerts share is then added,
   * so a combination may have more. @default 3
   */
  readonly maxFields?: number;
  /** Fewest new alerts (not matched by a combination before it) a combination must explain. @default 5 */
  readonly minCount?: number;
  /** Smallest share of the rule's alerts it must explain, 0 to 1. @default 0.05 */
  readonly minShare?: number;
}

const SEP = "\u0001";

function subsets(items: readonly string[], fieldsOf: (k: string) => string, max: number) {
  const out: string[][] = [];
  const walk = (start: number, acc: string[], fields: Set<string>) => {
    for (let i = start; i < items.length; i++) {
      const item = items[i]!;
      const field = fieldsOf(item);
      if (fields.has(field)) continue;
      const next = [...acc, item];
      out.push(next);
      if (next.length < max) walk(i + 1, next, new Set([...fields, field]));
    }
  };
  walk(0, [], new Set());
  return out;
}

/** Share of a combination's alerts a condition must hold for to be added to it. */
export const SPECIALISE_SHARE = 0.9;

function moreSpecific(item: NoiseItem, than: NoiseItem | undefined): boolean {
  if (!than) return true;
  if (than.comp === "=") return false;
  return item.comp === "=" || item.value.length > than.value.length;
}

/**
 * Makes a combination as specific as its alerts allow: while some condition (on a
 * field it lacks, or a stricter one on a field it has) holds for at least 90% of the
 * alerts it matches, the one that holds for the most is added. At 100% its alerts
 * stay the same; below, the few that differ are left to another combination.
 */
function specialise(
  seed: readonly string[],
  projections: readonly Projection[],
  sets: readonly ReadonlySet<string>[],
): NoiseItem[] {
  const byField = new Map<string, NoiseItem>();
  for (const key of seed) {
    const item = parseItemKey(key);
    if (moreSpecific(item, byField.get(item.field))) byField.set(item.field, item);
  }
  let matched = projections.flatMap((_, i) =>
    seed.every((item) => sets[i]!.has(item)) ? [i] : [],
  );
  for (;;) {
    const weight = matched.reduce((n, i) => n + projections[i]!.count, 0);
    const support = new Map<string, number>();
    for (const i of matched) {
      for (const key of projections[i]!.items) {
        support.set(key, (support.get(key) ?? 0) + projections[i]!.count);
      }
    }
    let best: [string, number] | undefined;
    for (const [key, n] of support) {
      const item = parseItemKey(key);
      if (!moreSpecific(item, byField.get(item.field))) continue;
      if (!best || n > best[1] || (n === best[1] && key < best[0])) best = [key, n];
    }
    if (!best || best[1] < SPECIALISE_SHARE * weight) break;
    const [key] = best;
    const item = parseItemKey(key);
    byField.set(item.field, item);
    matched = matched.filter((i) => sets[i]!.has(key));
  }
  return [...byField.values()].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

function matches(projection: ReadonlySet<string>, conditions: readonly NoiseCondition[]): boolean {
  return conditions.every((c) =>
    c.comp === "startswith"
      ? projection.has(`${c.field}\u0000startswith\u0000${c.values[0]}`)
      : c.values.some((v) => projection.has(`${c.field}\u0000=\u0000${v}`)),
  );
}

/** Two combinations that differ in one `=`/`in` value only become one `in`. */
function mergeOne(list: NoiseCondition[][]): boolean {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      if (a.length !== b.length) continue;
      let differ = -1;
      let ok = true;
      for (let k = 0; k < a.length && ok; k++) {
        const x = a[k]!;
        const y = b[k]!;
        if (x.field !== y.field) ok = false;
        else if (x.comp === y.comp && x.values.join(SEP) === y.values.join(SEP)) continue;
        else if (differ < 0 && x.comp !== "startswith" && y.comp !== "startswith") differ = k;
        else ok = false;
      }
      if (!ok || differ < 0) continue;
      const values = [...new Set([...a[differ]!.values, ...b[differ]!.values])].sort();
      list[i] = a.map((c, k) => (k === differ ? { field: c.field, comp: "in", values } : c));
      list.splice(j, 1);
      return true;
    }
  }
  return false;
}

/**
 * The few field combinations that explain most alerts of one rule: a greedy cover.
 *
 * 1. Candidates are conjunctions of up to `maxFields` conditions on distinct fields
 *    that at least `max(minCount, minShare x total)` alerts satisfy (Apriori-style).
 * 2. Repeatedly, the candidate that matches the most alerts not yet explained is
 *    made as specific as its alerts allow (every condition all of them share is
 *    added: its alerts stay the same); it is kept if it then has `minFields` fields
 *    and explains at least the minimum of new alerts. At most `maxCombinations`.
 * 3. Kept combinations that differ in one value only are merged into one `in`.
 * 4. Each one's count is the alerts it matches that the ones before it do not, so
 *    the counts add up to the alerts the combinations explain together.
 */
export function findCombinations(
  projections: readonly Projection[],
  total: number,
  options: CombinationOptions = {},
): NoiseCombination[] {
  const maxCombinations = options.maxCombinations ?? 3;
  const minFields = options.minFields ?? 2;
  const maxFields = Math.max(1, options.maxFields ?? 3);
  const minSupport = Math.max(
    1,
    options.minCount ?? 5,
    Math.ceil((options.minShare ?? 0.05) * total),
  );
  const fieldOf = (key: string) => key.slice(0, key.indexOf("\u0000"));
  const sets = projections.map((p) => new Set(p.items));

  const itemSupport = new Map<string, number>();
  for (const p of projections) {
    for (const item of p.items) itemSupport.set(item, (itemSupport.get(item) ?? 0) + p.count);
  }
  const frequent = projections.map((p) =>
    p.items.filter((item) => (itemSupport.get(item) ?? 0) >= minSupport).sort(),
  );
  const countCandidates = (covered: boolean[], keep?: Set<string>) => {
    const support = new Map<string, number>();
    for (let i = 0; i < projections.length; i++) {
      if (covered[i]) continue;
      for (const subset of subsets(frequent[i]!, fieldOf, maxFields)) {
        const key = subset.join(SEP);
        if (keep && !keep.has(key)) continue;
        support.set(key, (support.get(key) ?? 0) + projections[i]!.count);
      }
    }
    return support;
  };
  const covered = projections.map(() => false);
  const all = countCandidates(covered);
  const candidates = new Set([...all].filter(([, n]) => n >= minSupport).map(([k]) => k));

  const kept: NoiseCondition[][] = [];
  const seen = new Set<string>();
  while (kept.length < maxCombinations && candidates.size > 0) {
    const marginal = countCandidates(covered, candidates);
    const ranked = [...marginal]
      .filter(([, n]) => n >= minSupport)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    let chosen: NoiseCondition[] | undefined;
    for (const [key] of ranked) {
      const items = specialise(key.split(SEP), projections, sets);
      const closureKey = items.map(itemKey).join(SEP);
      const fresh = projections.reduce(
        (n, p, i) =>
          !covered[i] && items.every((x) => sets[i]!.has(itemKey(x))) ? n + p.count : n,
        0,
      );
      if (items.length < minFields || seen.has(closureKey) || fresh < minSupport) {
        candidates.delete(key);
        continue;
      }
      seen.add(closureKey);
      chosen = items.map((x) => ({ field: x.field, comp: x.comp, values: [x.value] }));
      break;
    }
    if (!chosen) break;
    kept.push(chosen);
    for (let i = 0; i < projections.length; i++) {
      if (!covered[i] && matches(sets[i]!, chosen)) covered[i] = true;
    }
  }
  while (mergeOne(kept)) {}

  const countAll = (order: NoiseCondition[][]) => {
    const counted = projections.map(() => false);
    return order.map((conditions) => {
      let count = 0;
      for (let i = 0; i < projections.length; i++) {
        if (counted[i] || !matches(sets[i]!, conditions)) continue;
        counted[i] = true;
        count += projections[i]!.count;
      }
      return { conditions, count };
    });
  };
  // Merging can reorder what explains most: list by count, then count in that order.
  const order = countAll(kept)
    .sort((a, b) => b.count - a.count)
    .map((c) => c.conditions);
  return countAll(order).filter((c) => c.count > 0);
}
