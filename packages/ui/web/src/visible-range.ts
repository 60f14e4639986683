/** The rows to put in the DOM: `[first, end)`, the visible ones plus `overscan` on each side. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): { first: number; end: number } {
  const top = Math.floor(Math.max(scrollTop, 0) / rowHeight);
  const visible = Math.ceil(Math.max(viewportHeight, 0) / rowHeight) + 1;
  const first = Math.max(Math.min(top - overscan, count - 1), 0);
  const end = Math.min(top + visible + overscan, count);
  return { first, end: Math.max(end, first) };
}
