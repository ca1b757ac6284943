/**
 * Small shape checks for what the server sends: a response that does not match
 * becomes an `InvalidResponseError` naming the first field that is wrong, instead
 * of `undefined` travelling into a view.
 */
export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };
export type Validator<T> = (value: unknown, path: string) => Validation<T>;

const ok = <T>(value: T): Validation<T> => ({ ok: true, value });
const fail = (path: string, expected: string, value: unknown): Validation<never> => ({
  ok: false,
  problem: `${path || 'the response'} should be ${expected}, got ${describe(value)}`,
});

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 30 ? value.slice(0, 30) + '…' : value}"`;
  return typeof value === 'object' ? 'an object' : (JSON.stringify(value) ?? typeof value);
}

export const string: Validator<string> = (value, path) => (typeof value === 'string' ? ok(value) : fail(path, 'text', value));

export const number: Validator<number> = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) ? ok(value) : fail(path, 'a number', value);

export const boolean: Validator<boolean> = (value, path) => (typeof value === 'boolean' ? ok(value) : fail(path, 'true or false', value));

/** Anything: for fields we pass through without reading. */
export const unknownValue: Validator<unknown> = (value) => ok(value);

export function literal<T extends string>(allowed: readonly T[], name: string): Validator<T> {
  return (value, path) => ((allowed as readonly unknown[]).includes(value) ? ok(value as T) : fail(path, name, value));
}

/** `null` and absent both read as `undefined`. */
export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (value, path) => (value === undefined || value === null ? ok(undefined) : inner(value, path));
}

export function array<T>(item: Validator<T>): Validator<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) return fail(path, 'a list', value);
    const items: T[] = [];
    for (let index = 0; index < value.length; index++) {
      const checked = item(value[index], `${path}[${index}]`);
      if (!checked.ok) return checked;
      items.push(checked.value);
    }
    return ok(items);
  };
}

/** An object used as a map: any keys, every value checked by `item`. */
export function record<T>(item: Validator<T>): Validator<Record<string, T>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'an object', value);
    const result: Record<string, T> = {};
    for (const [key, entry] of Object.entries(value)) {
      const checked = item(entry, path ? `${path}.${key}` : key);
      if (!checked.ok) return checked;
      result[key] = checked.value;
    }
    return ok(result);
  };
}

type Shape = Record<string, Validator<unknown>>;
type FromShape<S extends Shape> = { [K in keyof S]: S[K] extends Validator<infer T> ? T : never };

/** An object with at least these fields; extra fields are ignored (servers add fields). */
export function object<S extends Shape>(shape: S): Validator<FromShape<S>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'an object', value);
    const result: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const checked = check((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (!checked.ok) return checked;
      result[key] = checked.value;
    }
    return ok(result as FromShape<S>);
  };
}

/** A server timestamp (ISO, with or without zone; Covalent writes UTC without one) as epoch ms. */
export const timestamp: Validator<number> = (value, path) => {
  if (typeof value !== 'string') return fail(path, 'a timestamp', value);
  const parsed = parseServerTime(value);
  return parsed === undefined ? fail(path, 'a timestamp', value) : ok(parsed);
};

export function parseServerTime(value: string): number | undefined {
  const iso = value.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`;
  const millis = Date.parse(zoned);
  return Number.isNaN(millis) ? undefined : millis;
}

/** The type a validator produces. */
export type Infer<V> = V extends Validator<infer T> ? T : never;
