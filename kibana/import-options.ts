import { z } from 'zod';
import { ConfigError } from '../pipeline/runtime/index.js';

/** Credentials for Kibana: an API key (`Authorization: ApiKey ...`) or a user and password (basic). */
export type KibanaAuth = { apiKey: string } | { username: string; password: string };

/** Validated options of `npm run kibana:import`. */
export interface ImportCommandOptions {
  /** Kibana base URL, with its base path if it has one (e.g. `https://host/kibana`). */
  url: string;
  auth?: KibanaAuth;
  /** The NDJSON export to import. */
  file: string;
  /** Kibana space id; default: the default space. */
  space?: string;
  /** Request timeout in milliseconds (default 30000). */
  timeoutMs: number;
}

const RawSchema = z.object({
  url: z
    .string({ error: 'required (the Kibana base URL, e.g. http://127.0.0.1:5601)' })
    .url('must be a URL such as http://127.0.0.1:5601')
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://'),
  'api-key': z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  file: z
    .string()
    .min(1)
    .refine((f) => f.endsWith('.ndjson'), 'must be an .ndjson export (Kibana rejects other file names)'),
  space: z
    .string()
    .regex(/^[a-z0-9_-]+$/, 'a Kibana space id: lowercase letters, digits, "_" and "-"')
    .optional(),
  timeout: z.coerce.number().int().min(100).max(600_000).default(30_000),
});

/**
 * Validates the command-line values of the import command. Throws a `ConfigError` that lists
 * every problem, including conflicting credentials.
 */
export function parseImportOptions(values: Record<string, string | boolean | undefined>, defaultFile: string): ImportCommandOptions {
  const parsed = RawSchema.safeParse({ ...values, file: values.file ?? defaultFile });
  if (!parsed.success) {
    throw new ConfigError(
      'invalid kibana:import options',
      parsed.error.issues.map((i) => ({ path: `--${i.path.join('.')}`, message: i.message })),
    );
  }
  const v = parsed.data;
  const problems: { path: string; message: string }[] = [];
  if (v['api-key'] && (v.user || v.password)) problems.push({ path: '--api-key', message: 'give either --api-key or --user/--password, not both' });
  if (Boolean(v.user) !== Boolean(v.password)) problems.push({ path: '--user', message: 'basic auth needs both --user and --password' });
  if (problems.length > 0) throw new ConfigError('invalid kibana:import options', problems);
  const auth: KibanaAuth | undefined = v['api-key'] ? { apiKey: v['api-key'] } : v.user && v.password ? { username: v.user, password: v.password } : undefined;
  return {
    url: v.url,
    ...(auth ? { auth } : {}),
    file: v.file,
    ...(v.space ? { space: v.space } : {}),
    timeoutMs: v.timeout,
  };
}
