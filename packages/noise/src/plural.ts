/**
 * A count and its noun, singular for 1 and plural otherwise: `plural(1, "alert")` is "1 alert",
 * `plural(3, "non-alert line")` "3 non-alert lines". Every count in a report goes through it.
 */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
