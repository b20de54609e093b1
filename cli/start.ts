import { loadConfig } from '../pipeline/config/config.js';
import { runSetup } from '../pipeline/setup/index.js';
import { defaultStackContext } from '../stack/default-context.js';
import { up } from '../stack/stack.js';
import { pm2 } from './pm2.js';

// npm start: the local stack, then the live producers and the topology workers under pm2
// (ecosystem.config.js). `npx pm2 ls` lists them; `npx pm2 scale topology-worker N` scales.
const config = loadConfig();
const ctx = defaultStackContext(config.logLevel);
await up(ctx, config);
await runSetup(config, { log: ctx.log });
pm2(['startOrRestart', 'ecosystem.config.js', '--update-env']);
pm2(['ls']);
process.stdout.write('pipeline running under pm2; logs: npx pm2 logs; stop: npx pm2 delete ecosystem.config.js\n');
