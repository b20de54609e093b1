import { readFileSync } from 'node:fs';

/** Replaces every `${key}` in a template file; fails on a placeholder without a value. */
export function renderTemplate(file: string, values: Readonly<Record<string, string | number>>): string {
  return readFileSync(file, 'utf8').replace(/\$\{(\w+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new RangeError(`template ${file} needs a value for \${${key}}`);
    return String(value);
  });
}
