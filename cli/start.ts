import { loadConfig } from '../pipeline/config/config.js';
import { deletePipelineApps, ECOSYSTEM_FILE, printPm2List, startPipelineApps } from '../ops/demo/pipeline-apps.js';
import { runSetup } from '../pipeline/setup/index.js';
import { defaultStackContext } from '../stack/default-context.js';
import { usesLocalStack } from '../stack/local-config.js';
import { up } from '../stack/stack.js';

// npm start: the local stack (unless the configuration points at other clusters), the topics and indices, then under pm2 (ecosystem.config.cjs, live
// variant) the producers on the live feeds and the topology workers. Apps of an earlier `npm start`
// or `npm run demo` are replaced. `npx pm2 ls` lists them; `npx pm2 scale topology-worker N` scales.
const config = loadConfig();
const ctx = defaultStackContext(config.logLevel);
if (usesLocalStack(config)) await up(ctx, config);
else ctx.log.info({ kafka: config.kafka.brokers, elasticsearch: config.elasticsearch.nodes }, 'external clusters configured; local stack not started');
await runSetup(config, { log: ctx.log });
const { DEMO_DATA: _demo, ...env } = process.env;
deletePipelineApps(env, ctx.log);
startPipelineApps(env, ctx.log);
printPm2List(env);
process.stdout.write(`pipeline running under pm2; logs: npx pm2 logs; stop: npx pm2 delete ${ECOSYSTEM_FILE}\n`);
process.stdout.write(`topology UI: http://${config.ui.host}:${config.ui.port}/  analyst view: http://${config.ui.host}:${config.ui.port}/analyst\n`);
