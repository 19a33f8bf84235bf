/**
 * Caps for free-form JSON inside a schema (a check's `data`): every string and key bounded in length, every
 * number finite. A report crosses the network twice (upload, support console), so each of its strings is
 * bounded where it is validated; the caps sit far above what a real report holds and name the exact path of
 * the first value over them. Iterative, so a deep value cannot exhaust the stack.
 */
import * as v from 'valibot';

type PathItem = v.IssuePathItem;

/** The first value in `value` that breaks a cap: where (path items) and why. */
function firstOverCap(
  value: unknown,
  maxString: number,
  maxKey: number,
): { path: PathItem[]; message: string } | null {
  const stack: Array<{ value: unknown; path: PathItem[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: x, path } = stack.pop() as { value: unknown; path: PathItem[] };
    if (typeof x === 'string' && x.length > maxString) {
      return { path, message: `a string longer than ${maxString} characters (${x.length})` };
    }
    if (typeof x === 'number' && !Number.isFinite(x)) return { path, message: 'a number that is not finite' };
    if (x === null || typeof x !== 'object') continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(x)
      ? x.map((c, i) => [i, c])
      : Object.entries(x);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string | number, unknown];
      const item: PathItem = Array.isArray(x)
        ? { type: 'array', origin: 'value', input: x, key: key as number, value: child }
        : {
            type: 'object',
            origin: 'value',
            input: x as Record<string, unknown>,
            key: String(key),
            value: child,
          };
      if (typeof key === 'string' && key.length > maxKey) {
        return { path: [...path, item], message: `a key longer than ${maxKey} characters` };
      }
      stack.push({ value: child, path: [...path, item] });
    }
  }
  return null;
}

/** A valibot action: refuses the first over-long string or key, or non-finite number, by its path. */
export function boundedJson<T>(maxString: number, maxKey: number) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const over = firstOverCap(dataset.value, maxString, maxKey);
    if (!over) return;
    const [first, ...rest] = over.path;
    addIssue({ message: over.message, ...(first ? { path: [first, ...rest] } : {}) });
  });
}
