/** A field's mapping as a template or Elasticsearch states it (`type` and its parameters). */
export type FieldMapping = Record<string, unknown>;

/** The mapping update for an existing index, and the fields it leaves as they are. */
export interface MappingUpdate {
  /** The template's mappings, less the fields listed in `kept`. */
  mappings: Record<string, unknown>;
  /**
   * Fields the index already has with the same type but other parameters (say `index: false`, which
   * Elasticsearch cannot change on an existing field): they keep their earlier mapping until the
   * index is created again (`npm run rebuild`).
   */
  kept: string[];
}

/**
 * What `setup` puts on an existing index from its template's `mappings`. New fields are added; a
 * field whose type changed is sent as the template has it, so that Elasticsearch refuses it loudly
 * (its documents would no longer fit); a field of the same type whose other parameters changed is
 * left out, since Elasticsearch cannot update most of them in place, and is reported in `kept`.
 * Only top-level fields are compared (the templates' mappings are flat).
 */
export function mappingUpdate(template: Record<string, unknown>, existing: Record<string, FieldMapping>): MappingUpdate {
  const wanted = (template.properties ?? {}) as Record<string, FieldMapping>;
  const properties: Record<string, FieldMapping> = {};
  const kept: string[] = [];
  for (const [field, definition] of Object.entries(wanted)) {
    const current = existing[field];
    if (current !== undefined && current.type !== undefined && current.type === definition.type && !sameMapping(current, definition)) {
      kept.push(field);
      continue;
    }
    properties[field] = definition;
  }
  return { mappings: { ...template, properties }, kept };
}

function sameMapping(a: FieldMapping, b: FieldMapping): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return false;
  return true;
}
