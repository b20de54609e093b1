import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Mapping properties of every index template in `es-templates/`, by the index name it matches. */
export function templateProperties(): Map<string, Record<string, { type?: string }>> {
  const byIndex = new Map<string, Record<string, { type?: string }>>();
  for (const file of readdirSync('es-templates').filter((f) => f.endsWith('.json'))) {
    const template = JSON.parse(readFileSync(join('es-templates', file), 'utf8')) as {
      index_patterns: string[];
      template: { mappings: { properties: Record<string, { type?: string }> } };
    };
    for (const pattern of template.index_patterns) byIndex.set(pattern, template.template.mappings.properties);
  }
  return byIndex;
}
