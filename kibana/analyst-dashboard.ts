import { INDEX_KEYS, names, type IndexKey } from '../pipeline/contracts/names.js';
import type { SavedObject } from './saved-object.js';
import { hourlyVolumePanel } from './panels/hourly-volume-panel.js';
import { largestTransactionsPanel } from './panels/largest-transactions-panel.js';
import { pendingVolumePanel } from './panels/pending-volume-panel.js';
import { priceEurPanel } from './panels/price-eur-panel.js';
import { topPoolsPanel } from './panels/top-pools-panel.js';
import type { VegaPanel } from './panels/vega-panel.js';

/**
 * The "Bitcoin analyst" dashboard as Kibana 8.x saved objects: one data view per index, one Vega
 * visualization per panel, a saved search of recent blocks, and the dashboard that lays them out.
 *
 * Versions: objects carry `coreMigrationVersion` 8.8.0 and a `typeMigrationVersion` that every
 * Kibana from 8.9 on knows, so Kibana migrates them forward on import (never the other way).
 */

/** Kibana versions written into the objects (see the module comment). */
export const MIGRATION = {
  core: '8.8.0',
  'index-pattern': '8.0.0',
  visualization: '8.5.0',
  search: '8.0.0',
  dashboard: '8.9.0',
} as const;

/** The id of the dashboard. */
export const DASHBOARD_ID = 'btc-analyst-dashboard';
/** The dashboard's title. */
export const DASHBOARD_TITLE = 'Bitcoin analyst';
/** The id of the saved search of recent blocks. */
export const BLOCKS_SEARCH_ID = 'btc-analyst-recent-blocks';

const DATA_VIEW_NAMES: Readonly<Record<IndexKey, string>> = {
  prices: 'BTC-EUR prices',
  blocks: 'Blocks',
  transactions: 'Confirmed transactions',
  volumeHourly: 'Hourly volume',
  minersDaily: 'Miner rewards per day',
  minersMonthly: 'Miner rewards per month',
  pendingTransactions: 'Pending transactions',
};

/** Columns of the recent-blocks saved search. */
export const BLOCKS_SEARCH_COLUMNS = ['height', 'pool', 'tx_count', 'reward_btc', 'reward_eur', 'fees_btc', 'hash'] as const;

/** The data view id of an index (stable, so that re-imports overwrite). */
export function dataViewId(namespace: string, key: IndexKey): string {
  return `${names(namespace).indices[key]}-data-view`;
}

function dataView(namespace: string, key: IndexKey): SavedObject {
  const index = names(namespace).indices[key];
  return {
    type: 'index-pattern',
    id: dataViewId(namespace, key),
    attributes: {
      title: index,
      name: `${DATA_VIEW_NAMES[key]} (${index})`,
      timeFieldName: '@timestamp',
      fields: '[]',
      fieldAttrs: '{}',
      fieldFormatMap: '{}',
      runtimeFieldMap: '{}',
      sourceFilters: '[]',
      allowNoIndex: true,
    },
    references: [],
    managed: false,
    coreMigrationVersion: MIGRATION.core,
    typeMigrationVersion: MIGRATION['index-pattern'],
  };
}

const EMPTY_SEARCH_SOURCE = JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] });

function vegaVisualization(panel: VegaPanel): SavedObject {
  return {
    type: 'visualization',
    id: panel.id,
    attributes: {
      title: panel.title,
      description: panel.description,
      visState: JSON.stringify({
        title: panel.title,
        type: 'vega',
        aggs: [],
        params: { spec: JSON.stringify(panel.spec, null, 2) },
      }),
      uiStateJSON: '{}',
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: EMPTY_SEARCH_SOURCE },
    },
    references: [],
    managed: false,
    coreMigrationVersion: MIGRATION.core,
    typeMigrationVersion: MIGRATION.visualization,
  };
}

function recentBlocksSearch(namespace: string): SavedObject {
  return {
    type: 'search',
    id: BLOCKS_SEARCH_ID,
    attributes: {
      title: 'Recent blocks',
      description: 'Which pool mined each block, with its reward (subsidy plus fees) in BTC and EUR and its fees.',
      columns: [...BLOCKS_SEARCH_COLUMNS],
      sort: [['@timestamp', 'desc']],
      grid: {},
      hideChart: true,
      isTextBasedQuery: false,
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({
          query: { query: '', language: 'kuery' },
          filter: [],
          indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index',
        }),
      },
    },
    references: [{ name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern', id: dataViewId(namespace, 'blocks') }],
    managed: false,
    coreMigrationVersion: MIGRATION.core,
    typeMigrationVersion: MIGRATION.search,
  };
}

interface PanelRef {
  type: 'visualization' | 'search';
  id: string;
  w: number;
  h: number;
}

/** Places panels left to right, wrapping at the 48-column grid width. */
function layout(panels: readonly PanelRef[]): { panelsJSON: string; references: SavedObject['references'] } {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const entries: unknown[] = [];
  const references: SavedObject['references'] = [];
  panels.forEach((p, index) => {
    if (x + p.w > 48) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const panelIndex = `p${index + 1}`;
    entries.push({
      type: p.type,
      gridData: { x, y, w: p.w, h: p.h, i: panelIndex },
      panelIndex,
      embeddableConfig: { enhancements: {} },
      panelRefName: `panel_${panelIndex}`,
    });
    references.push({ name: `${panelIndex}:panel_${panelIndex}`, type: p.type, id: p.id });
    x += p.w;
    rowHeight = Math.max(rowHeight, p.h);
  });
  return { panelsJSON: JSON.stringify(entries), references };
}

/** The Vega panels of the dashboard, in layout order. */
export function analystPanels(namespace: string): VegaPanel[] {
  const indices = names(namespace).indices;
  return [priceEurPanel, hourlyVolumePanel, largestTransactionsPanel, topPoolsPanel('day'), topPoolsPanel('month'), pendingVolumePanel].map((f) => f(indices));
}

/** Every saved object of the analyst dashboard for the indices of `namespace` (default `btc`). */
export function buildAnalystSavedObjects(namespace = 'btc'): SavedObject[] {
  const panels = analystPanels(namespace);
  const { panelsJSON, references } = layout([
    ...panels.map((p) => ({ type: 'visualization' as const, id: p.id, w: p.grid.w, h: p.grid.h })),
    { type: 'search', id: BLOCKS_SEARCH_ID, w: 48, h: 15 },
  ]);
  const dashboard: SavedObject = {
    type: 'dashboard',
    id: DASHBOARD_ID,
    attributes: {
      title: DASHBOARD_TITLE,
      description:
        'BTC price in EUR, hourly on-chain volume and largest transaction, mining pool earnings per day and month, and the pending (unconfirmed) volume, from the btc-stream pipeline.',
      panelsJSON,
      optionsJSON: JSON.stringify({ useMargins: true, syncColors: false, syncCursor: true, syncTooltips: false, hidePanelTitles: false }),
      version: 1,
      timeRestore: true,
      timeFrom: 'now-7d',
      timeTo: 'now',
      refreshInterval: { pause: false, value: 60_000 },
      kibanaSavedObjectMeta: { searchSourceJSON: EMPTY_SEARCH_SOURCE },
    },
    references,
    managed: false,
    coreMigrationVersion: MIGRATION.core,
    typeMigrationVersion: MIGRATION.dashboard,
  };
  return [...INDEX_KEYS.map((key) => dataView(namespace, key)), ...panels.map(vegaVisualization), recentBlocksSearch(namespace), dashboard];
}
