import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { runReorgFault } from '../../demo/reorg-fault.js';
import type { FaultScenario } from '../fault-scenario.js';

/** The feed server's tip replaced by a competing block with more work, mid-stream (docs/DATA.md, "Reorgs"). */
export const reorg: FaultScenario = {
  name: 'reorg',
  summary: 'the feed server switches its tip to a competing block with more work; results follow the best chain',
  defaultSeconds: 0,
  async inject({ pipeline, log, note }) {
    const es = createElasticsearch(pipeline.config);
    try {
      const report = await runReorgFault({
        admin: pipeline.admin,
        redis: pipeline.redis,
        names: pipeline.names,
        log,
        es,
        feedUrl: `http://127.0.0.1:${pipeline.env.DEMO_FEED_PORT}`,
        deadlineMs: Date.now() + 900_000,
      });
      note(`reorg at height ${report.reorg.height}: ${report.reorg.replaced} replaced by ${report.reorg.by}`);
      pipeline.followTip({ height: report.reorg.height, hash: report.reorg.by });
      return {
        description: `tip ${report.reorg.height} replaced by a competing block (${report.reorg.dropped.length} transactions left out); applied in ${(report.appliedMs / 1000).toFixed(1)} s, ${report.checked} documents checked`,
        changesChain: true,
        addsRecords: { blocks: 1 },
        check: () => report.problems,
      };
    } finally {
      await es.close();
    }
  },
};
