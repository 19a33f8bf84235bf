/**
 * Strict validation of a Kubernetes object against the OpenAPI schema of its kind, offline: what
 * `kubectl apply --validate=strict` refuses, without a cluster. kubernetes-models ships each kind's schema
 * compiled to a validator that checks the type of every field it knows and ignores any other, so a
 * misspelled field (`hostNetwrok: true`) passed, and the cluster would have dropped it silently (or, with
 * strict field validation, refused the manifest).
 *
 * A field the schema knows is one its validator reads; so the object is handed to the validator behind
 * proxies that note every property read, and any own property of an object that was never read is a field
 * the schema does not have. Maps (labels, annotations, data) are walked key by key by the validator, so their
 * keys count as read.
 */
export interface ValidateFunc {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; keyword: string; params?: unknown }> | null;
}

export interface StrictResult {
  /** Fields the schema does not have, as JSON pointers ("/spec/template/spec/hostNetwrok"). */
  unknown: string[];
  /** What the schema itself refused (wrong types, missing required fields). */
  invalid: string[];
}

export function validateStrict(validate: ValidateFunc, object: unknown): StrictResult {
  const read = new Map<object, Set<PropertyKey>>();
  const paths = new Map<object, string>();
  const wrap = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const target = value as object;
    if (!read.has(target)) {
      paths.set(target, path);
      read.set(target, new Set());
    }
    return new Proxy(target, {
      get(t, key, receiver) {
        read.get(t)?.add(key);
        const child = Reflect.get(t, key, receiver) as unknown;
        return typeof key === 'string' ? wrap(child, `${path}/${pointerToken(key)}`) : child;
      },
    });
  };
  validate(wrap(object, ''));
  const unknown: string[] = [];
  for (const [target, keys] of read) {
    if (Array.isArray(target)) continue;
    for (const key of Object.keys(target)) {
      if (!keys.has(key)) unknown.push(`${paths.get(target)}/${pointerToken(key)}`);
    }
  }
  const invalid = (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.keyword} ${JSON.stringify(e.params ?? {})}`,
  );
  // An object never entered (under a wrong-typed parent) is not listed: `invalid` names its parent.
  return { unknown: unknown.sort(), invalid };
}

/** JSON pointer escaping (RFC 6901). */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
