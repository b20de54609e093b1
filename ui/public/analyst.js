import { esc, getJson, utcNow } from './format.js';

// The analyst view: every Kibana panel's Vega-Lite spec, its query answered by the server (the
// response inlined where the spec's `url` was), drawn with vega-embed at the size Kibana would give
// it on a dashboard of this page's width; refreshed live. Each drawn view is kept in
// `window.analystViews`; Vega and Vega-Lite warnings go to the console, as in Kibana's browser.

const GRID_COLUMNS = 48;
const GAP = 8;
// Kibana 8 gives a panel of h grid rows a Vega view of about 28 * h - 56 px, and of w columns
// the page width * w / 48 less 24 px.
const viewHeight = (h) => 28 * h - 56;

window.analystViews = {};

function rangeFromPage() {
  const params = new URLSearchParams(location.search);
  return params.has('from') && params.has('to') ? { from: params.get('from'), to: params.get('to') } : undefined;
}

function setRange(range) {
  const url = new URL(location.href);
  url.search = range ? new URLSearchParams(range).toString() : '';
  location.assign(url.toString());
}

const config = await getJson('/api/config');
document.title = `btc-stream ${config.namespace}: analyst view`;
document.getElementById('range').addEventListener('submit', (e) => {
  e.preventDefault();
  setRange({ from: document.getElementById('from').value.trim(), to: document.getElementById('to').value.trim() });
});
document.getElementById('all').addEventListener('click', () => setRange(undefined));
document.getElementById('week').addEventListener('click', () => {
  const to = new Date();
  setRange({ from: `${new Date(to.getTime() - 7 * 86_400_000).toISOString().slice(0, 16)}Z`, to: `${to.toISOString().slice(0, 16)}Z` });
});

async function draw() {
  const asked = rangeFromPage();
  const query = asked ? `?${new URLSearchParams(asked)}` : '';
  let answer;
  try {
    answer = await getJson(`/api/panels${query}`);
  } catch (err) {
    document.getElementById('range-note').innerHTML = `<span class="error">${esc(err.message)}</span>`;
    return;
  }
  document.getElementById('from').value = `${answer.range.from.slice(0, 16)}Z`;
  document.getElementById('to').value = `${answer.range.to.slice(0, 16)}Z`;
  document.getElementById('range-note').textContent = asked ? '' : '(the range of the data)';
  const container = document.getElementById('panels');
  const pageWidth = container.clientWidth;
  for (const panel of answer.panels) {
    let box = document.getElementById(`panel-${panel.id}`);
    if (!box) {
      box = document.createElement('div');
      box.id = `panel-${panel.id}`;
      box.className = 'panel';
      box.dataset.panel = panel.id;
      const width = ((pageWidth + GAP) * panel.grid.w) / GRID_COLUMNS - GAP;
      box.style.width = `${width}px`;
      box.innerHTML = `<h3>${esc(panel.title)}</h3><p>${esc(panel.description)}</p><div class="view"></div>`;
      container.appendChild(box);
    }
    const viewBox = box.querySelector('.view');
    // Kibana sizes the view to its panel (autosize fit); the spec itself gives no size.
    const spec = { ...panel.spec, width: box.clientWidth - 40, height: viewHeight(panel.grid.h) };
    const previous = window.analystViews[panel.id];
    const result = await vegaEmbed(viewBox, spec, { actions: false, renderer: 'svg', tooltip: { theme: 'light' } });
    previous?.finalize();
    window.analystViews[panel.id] = result.view;
    box.dataset.rendered = 'true';
  }
  document.getElementById('meta').textContent = `namespace ${config.namespace} · updated ${utcNow()}`;
  document.body.dataset.loaded = 'true';
}

await draw();
setInterval(() => void draw(), Math.max(config.refreshMs, 10_000));
