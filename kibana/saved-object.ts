import { z } from 'zod';
import { SchemaError } from '../pipeline/runtime/index.js';

/**
 * The shape of one Kibana 8.x saved object as the saved objects import and export APIs write it
 * (one JSON object per NDJSON line). Attributes differ per type and are checked where they are used.
 */
export const SavedObjectReferenceSchema = z.object({
  name: z.string().min(1),
  type: z.string().min(1),
  id: z.string().min(1),
});

/** A reference from one saved object to another (`name` is what the attributes point at). */
export type SavedObjectReference = z.infer<typeof SavedObjectReferenceSchema>;

export const SavedObjectSchema = z.object({
  type: z.string().min(1),
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'ids are kept URL-safe'),
  attributes: z.record(z.string(), z.unknown()),
  references: z.array(SavedObjectReferenceSchema),
  managed: z.boolean().optional(),
  coreMigrationVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  typeMigrationVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
});

/** One saved object. */
export type SavedObject = z.infer<typeof SavedObjectSchema>;

/** Serializes saved objects as NDJSON, one object per line, with a final newline. */
export function toNdjson(objects: readonly SavedObject[]): string {
  return `${objects.map((o) => JSON.stringify(o)).join('\n')}\n`;
}

/** Parses an NDJSON export; throws a `SchemaError` naming every bad line. */
export function parseSavedObjectsNdjson(text: string): SavedObject[] {
  const objects: SavedObject[] = [];
  const problems: { path: string; message: string }[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({ path: `line ${index + 1}`, message: (err as Error).message });
      return;
    }
    const parsed = SavedObjectSchema.safeParse(value);
    if (parsed.success) objects.push(parsed.data);
    else for (const issue of parsed.error.issues) problems.push({ path: `line ${index + 1}: ${issue.path.join('.')}`, message: issue.message });
  });
  if (problems.length > 0) throw new SchemaError('kibana saved objects', problems);
  return objects;
}

/** Parses a string attribute that holds JSON (Kibana stores `visState`, `panelsJSON` and others so). */
export function jsonAttribute(object: SavedObject, path: readonly string[]): unknown {
  let value: unknown = object.attributes;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) {
      throw new SchemaError('kibana saved object', [{ path: `${object.id}.${path.join('.')}`, message: 'missing' }]);
    }
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value !== 'string') {
    throw new SchemaError('kibana saved object', [{ path: `${object.id}.${path.join('.')}`, message: 'not a JSON string' }]);
  }
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw new SchemaError('kibana saved object', [{ path: `${object.id}.${path.join('.')}`, message: 'invalid JSON' }], { cause: err });
  }
}
