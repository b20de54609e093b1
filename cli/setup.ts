import { parseArgs } from 'node:util';
import { loadConfig } from '../pipeline/config/config.js';
import { createLogger } from '../pipeline/runtime/index.js';
import { runSetup } from '../pipeline/setup/run-setup.js';

// npm run setup [-- --namespace NS]: creates the topics, index templates and indices on the
// clusters the configuration points at (the local stack's `up` runs the same step).
const { values } = parseArgs({ options: { namespace: { type: 'string' } } });
const config = loadConfig();
const log = createLogger({ name: 'setup', level: config.logLevel });
const result = await runSetup(config, { log, ...(values.namespace ? { namespace: values.namespace } : {}) });
log.info({ namespace: result.names.namespace }, 'setup finished');
