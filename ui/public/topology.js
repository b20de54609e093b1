import { count, esc, getJson, ms, table, utcNow } from './format.js';

// The operations page: the DAG with each component's numbers, the tasks and their workers, the
// raw topics, the clusters, the workers and the dead letters; refreshed every few seconds.

const NODE_W = 240;
const NODE_H = 172;
const COL_GAP = 140;
const ROW_GAP = 24;

/** Column of each component: spouts 0, a bolt one right of its furthest source. */
function depths(view) {
  const depth = new Map(view.components.filter((c) => c.kind === 'spout').map((c) => [c.id, 0]));
  for (const c of view.components.filter((x) => x.kind === 'bolt')) {
    const sources = view.edges.filter((e) => e.target === c.id).map((e) => depth.get(e.source) ?? 0);
    depth.set(c.id, 1 + Math.max(0, ...sources));
  }
  return depth;
}

function nodeLines(c) {
  const lat = (name, l) => `${name} ${ms(l.p50)} / ${ms(l.p99)}`;
  const lines = [
    `tasks ${c.tasks.length} (parallelism ${c.parallelism}${c.kind === 'spout' ? ' per worker' : ''})`,
    `emitted ${count(c.emitted)}   transferred ${count(c.transferred)}`,
    `acked ${count(c.acked)}   failed ${count(c.failed)}`,
    `replayed ${count(c.replayed)}   dead-lettered ${count(c.deadLettered)}`,
    `capacity ${(c.capacity * 100).toFixed(1)} %   ${c.kind === 'spout' ? `pending ${count(c.pending)}` : `executed ${count(c.executed)}`}`,
  ];
  if (c.kind === 'spout') lines.push(lat('complete', c.completeLatency));
  else lines.push(lat('execute', c.executeLatency), lat('process', c.processLatency));
  return lines;
}

function drawDag(view) {
  const depth = depths(view);
  const columns = new Map();
  for (const c of view.components) {
    const d = depth.get(c.id) ?? 0;
    columns.set(d, [...(columns.get(d) ?? []), c]);
  }
  const rows = Math.max(...[...columns.values()].map((c) => c.length));
  const height = rows * (NODE_H + ROW_GAP);
  const pos = new Map();
  for (const [d, list] of columns) {
    const offset = (height - list.length * (NODE_H + ROW_GAP)) / 2;
    list.forEach((c, i) => pos.set(c.id, { x: 10 + d * (NODE_W + COL_GAP), y: offset + i * (NODE_H + ROW_GAP) + ROW_GAP / 2 }));
  }
  const width = 20 + columns.size * (NODE_W + COL_GAP) - COL_GAP;
  const edges = view.edges
    .map((e) => {
      const a = pos.get(e.source);
      const b = pos.get(e.target);
      if (!a || !b) return '';
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      const label = e.stream === 'default' ? e.grouping : `${e.stream}: ${e.grouping}`;
      // The label sits halfway along the curve, where edges sharing a source or a target are furthest apart.
      return (
        `<path class="edge" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 6},${y2}" marker-end="url(#arrow)"><title>${esc(`${e.source} -> ${e.target} (${label})`)}</title></path>` +
        `<text class="edge-label" x="${mid}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle">${esc(label)}</text>`
      );
    })
    .join('');
  const nodes = view.components
    .map((c) => {
      const p = pos.get(c.id);
      const error = c.lastError ? `last error ${c.lastError.time.slice(0, 19)}Z ${c.lastError.name}: ${c.lastError.message}` : 'last error: none';
      const lines = nodeLines(c)
        .map((l, i) => `<text x="10" y="${40 + i * 17}">${esc(l)}</text>`)
        .join('');
      const busy = c.capacity > 0.8 ? ' busy' : '';
      return `<g class="node ${c.kind}${busy}" data-component="${esc(c.id)}" data-acked="${c.acked}" transform="translate(${p.x},${p.y})">
        <rect width="${NODE_W}" height="${NODE_H}"></rect>
        <text class="name" x="10" y="20">${esc(c.id)} <tspan fill="#718096" font-weight="normal">${c.kind}</tspan></text>${lines}
        <text class="${c.lastError ? 'err' : ''}" x="10" y="${40 + nodeLines(c).length * 17}">${esc(error.length > 40 ? `${error.slice(0, 39)}…` : error)}<title>${esc(error)}</title></text>
      </g>`;
    })
    .join('');
  document.getElementById('dag').innerHTML = `<svg width="${width}" height="${height}" role="img" aria-label="topology ${esc(view.name)}">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#a0aec0"></path></marker></defs>
    ${edges}${nodes}</svg>`;
  const tasks = view.components.flatMap((c) => c.tasks.map((t) => ({ component: c.id, ...t })));
  document.getElementById('tasks').innerHTML = table(
    [
      { title: 'component', value: (r) => r.component },
      { title: 'task', value: (r) => r.task, num: true },
      { title: 'worker', value: (r) => r.worker ?? 'unassigned' },
      { title: 'emitted', value: (r) => count(r.emitted), num: true },
      { title: 'acked', value: (r) => count(r.acked), num: true },
      { title: 'failed', value: (r) => count(r.failed), num: true },
      { title: 'capacity', value: (r) => `${(r.capacity * 100).toFixed(1)} %`, num: true },
    ],
    tasks,
  );
}

const failed = (part) => (part?.error ? `<p class="error">unavailable: ${esc(part.error)}</p>` : '');

function drawStatus(status) {
  const k = status.kafka;
  document.getElementById('kafka').innerHTML =
    failed(k) ||
    k
      .map(
        (t) =>
          `<h3>${esc(t.topic)} <small>group ${esc(t.group)}: ${count(t.records)} records, lag <span class="${t.lag > 0 ? 'bad' : 'ok'}">${count(t.lag)}</span></small></h3>` +
          table(
            [
              { title: 'partition', value: (p) => p.partition, num: true },
              { title: 'start', value: (p) => count(p.start), num: true },
              { title: 'end', value: (p) => count(p.end), num: true },
              { title: 'committed', value: (p) => (p.committed === null ? 'none' : count(p.committed)), num: true },
              { title: 'lag', value: (p) => count(p.lag), num: true },
            ],
            t.partitions,
          ),
      )
      .join('');
  const e = status.elasticsearch;
  document.getElementById('elasticsearch').innerHTML =
    failed(e) ||
    `<p>cluster <b>${esc(e.cluster)}</b>: <span class="status-${esc(e.status)}">${esc(e.status)}</span>, ${e.nodes} nodes, ${e.activeShards} active shards, ${e.unassignedShards} unassigned</p>` +
      table(
        [
          { title: 'index', value: (i) => i.index },
          { title: 'health', html: (i) => `<span class="status-${esc(i.health)}">${esc(i.health)}</span>` },
          { title: 'documents', value: (i) => count(i.docs), num: true },
          { title: 'size', value: (i) => i.size, num: true },
        ],
        e.indices,
      );
  const r = status.redis;
  document.getElementById('redis').innerHTML =
    failed(r) ||
    table(
      [
        { title: 'used memory', value: () => r.usedMemoryHuman },
        { title: 'maxmemory', value: () => (r.maxMemory === 0 ? 'no limit' : count(r.maxMemory)) },
        { title: 'maxmemory-policy', html: () => `<span class="${r.maxMemoryPolicy === 'noeviction' ? 'ok' : 'bad'}">${esc(r.maxMemoryPolicy)}</span>` },
        { title: 'keys', value: () => count(r.keys), num: true },
      ],
      [r],
    );
  const w = status.workers;
  document.getElementById('workers').innerHTML =
    failed(w) ||
    (w.length === 0
      ? '<p class="bad">no live worker</p>'
      : `<p>${w.length} alive</p>` +
        table(
          [
            { title: 'worker', value: (x) => x.workerId },
            { title: 'host', value: (x) => x.host },
            { title: 'pid', value: (x) => x.pid, num: true },
            {
              title: 'metrics',
              html: (x) => (x.reachable ? `<span class="ok">:${x.metricsPort}</span>` : `<span class="bad">:${x.metricsPort} unreachable</span>`),
            },
          ],
          w,
        ));
}

function drawDeadLetters(d) {
  const note = d.running ? '' : '<p class="error">the dead-letter topics are not read yet (they may not exist before setup)</p>';
  document.getElementById('dead-letters').innerHTML =
    note +
    d.topics
      .map((t) => {
        const reasons = Object.entries(t.byReason).sort((a, b) => b[1] - a[1]);
        const byReason =
          reasons.length === 0
            ? '<p class="ok">none</p>'
            : table(
                [
                  { title: 'reason', value: (x) => x[0] },
                  { title: 'records', value: (x) => count(x[1]), num: true },
                  { title: 'redrive once fixed', html: (x) => `<code>${esc(t.redrive[x[0]])}</code>` },
                ],
                reasons,
              );
        const latest =
          t.latest.length === 0
            ? ''
            : `<details open><summary>latest ${t.latest.length}</summary>` +
              table(
                [
                  { title: 'time (UTC)', value: (x) => x.time.replace('T', ' ').slice(0, 19) },
                  { title: 'reason', value: (x) => x.reason },
                  { title: 'component', value: (x) => x.component },
                  { title: 'attempts', value: (x) => x.attempts, num: true },
                  { title: 'origin', value: (x) => `${x.origin.topic}/${x.origin.partition ?? '-'}@${x.origin.offset ?? '-'}` },
                  { title: 'error', value: (x) => `${x.error.name}: ${x.error.message}`.slice(0, 160) },
                ],
                t.latest,
              ) +
              '</details>';
        return `<h3>${esc(t.topic)} <small>${count(t.total)} records</small></h3>${byReason}${latest}`;
      })
      .join('');
}

async function refresh() {
  const results = await Promise.allSettled([getJson('/api/topology'), getJson('/api/status'), getJson('/api/dead-letters')]);
  const [topology, status, deadLetters] = results;
  if (topology.status === 'fulfilled') drawDag(topology.value);
  else document.getElementById('dag').innerHTML = `<p class="error">${esc(topology.reason.message)}</p>`;
  if (status.status === 'fulfilled') drawStatus(status.value);
  if (deadLetters.status === 'fulfilled') drawDeadLetters(deadLetters.value);
  document.getElementById('meta').textContent = `namespace ${config.namespace} · updated ${utcNow()}`;
  document.body.dataset.loaded = 'true';
}

const config = await getJson('/api/config');
document.title = `btc-stream ${config.namespace}: topology`;
await refresh();
setInterval(() => void refresh(), config.refreshMs);
