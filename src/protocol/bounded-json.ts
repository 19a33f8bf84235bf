/**
 * Caps for free-form JSON inside a schema (a check's `data`): every string and key bounded in length, every
 * number finite. A report crosses the network twice (upload, support console), so each of its strings is
 * bounded where it is validated; the caps sit far above what a real report holds and name the exact path of
 * the first value over them. Iterative, so a deep value cannot exhaust the stack.
 */
import * as v from 'valibot';

type PathItem = v.IssuePathItem;

/** A value still to check, and how it was reached (the path is built only for the one that fails). */
interface Node {
  value: unknown;
  parent: Node | null;
  key: string | number;
}

/** The valibot path items from the root to `node`. */
function pathTo(node: Node): PathItem[] {
  const path: PathItem[] = [];
  for (let n: Node | null = node; n?.parent; n = n.parent) {
    const input = n.parent.value;
    path.push(
      Array.isArray(input)
        ? { type: 'array', origin: 'value', input, key: n.key as number, value: n.value }
        : {
            type: 'object',
            origin: 'value',
            input: input as Record<string, unknown>,
            key: String(n.key),
            value: n.value,
          },
    );
  }
  return path.reverse();
}

/**
 * The first value in `value` (depth first, in order) that breaks a cap: where (path items) and why. One
 * small node per value and no path copies, so a long array of numbers costs little to check.
 */
function firstOverCap(
  value: unknown,
  maxString: number,
  maxKey: number,
): { path: PathItem[]; message: string } | null {
  const stack: Node[] = [{ value, parent: null, key: '' }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const x = node.value;
    if (typeof x === 'string' && x.length > maxString) {
      return { path: pathTo(node), message: `a string longer than ${maxString} characters (${x.length})` };
    }
    if (typeof x === 'number' && !Number.isFinite(x)) {
      return { path: pathTo(node), message: 'a number that is not finite' };
    }
    if (x === null || typeof x !== 'object') continue;
    if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) stack.push({ value: x[i], parent: node, key: i });
      continue;
    }
    const keys = Object.keys(x);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const child: Node = { value: (x as Record<string, unknown>)[key], parent: node, key };
      if (key.length > maxKey)
        return { path: pathTo(child), message: `a key longer than ${maxKey} characters` };
      stack.push(child);
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
