/**
 * The JSON of values that never change, made once per value (docs/api.md §Measured): the report
 * list hands out the same frozen summaries page after page (report-index.ts), so each is written
 * once and a page is its items' JSON joined. A value that is not frozen is written afresh every
 * time, since it may have changed since.
 */
const made = new WeakMap<object, string>();

/** JSON.stringify(value), kept for a frozen object. */
export function frozenJson(value: object): string {
  if (!Object.isFrozen(value)) return JSON.stringify(value);
  let json = made.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    made.set(value, json);
  }
  return json;
}
