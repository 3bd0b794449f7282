// The pushhub dashboard. With a publisher key it polls GET /api/stats every second (charts of the last minute and the
// figures at the top) and GET /api/connections + /api/topics every two seconds (the tables); an operator can close a
// connection (DELETE /api/connections/{id}) and browse a topic's presence and history. Charts are drawn on canvas.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const { el, idChip, time } = window.PushhubUI;
  const HISTORY = 60; // samples (seconds) in the charts
  const PAGE = 20; // history messages per page
  const MAX_ROWS = 200; // rows drawn in a table; a filter narrows the rest
  const KEY_STORE = 'pushhub.publisherKey'; // this tab's key, shared with the console (sessionStorage)
  const SELF_STORE = 'pushhub.console.connections'; // connections of consoles in this browser (the console writes it)
  const COLORS = { ws: '#2f4bd0', sse: '#c2410c', rate: '#17794a', drop: '#b42318', grid: '#e8ebf1', axis: '#556074' };

  const samples = []; // {t, ws, sse, rate, drops}
  let key = sessionStorage.getItem(KEY_STORE) || sessionStorage.getItem('pushhub.dashboard.key') || '';
  let last = null;
  let timer = null;
  let ticks = 0;
  let busy = false;
  let presenceJson = '';
  let shown = false; // charts visible: only after the key has worked once
  let connectionsJson = '';
  let topicsJson = '';
  let connectionRows = [];
  const detail = { topic: null, tab: 'presence', since: 0, epoch: null, offset: 0, first: 0, last: 0 };

  /** replaceChildren, leaving out null/undefined (which replaceChildren would write as text). */
  function put(node, ...children) {
    node.replaceChildren(...children.filter((c) => c !== null && c !== undefined));
  }

  // ---- HTTP ----
  class Locked extends Error {}

  async function api(method, path) {
    const r = await fetch('../api/' + path, { method, headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' } });
    if (r.status === 401 || r.status === 403) {
      const body = await r.json().catch(() => ({}));
      lock(r.status + ': ' + (body.message || 'refused'));
      throw new Locked();
    }
    const body = r.status === 204 ? null : await r.json().catch(() => null);
    return { status: r.status, ok: r.ok, body };
  }

  function status(text, cls, code) {
    $('status').textContent = text;
    $('status').className = 'state ' + cls;
    $('status').dataset.status = code;
  }

  function problem(r) {
    return 'HTTP ' + r.status + (r.body && r.body.message ? ': ' + r.body.message : '');
  }

  // ---- polling ----
  async function tick() {
    if (busy) return; // a slow hub: skip a beat rather than pile up requests
    busy = true;
    ticks++;
    try {
      await pollStats();
      if (ticks % 2 === 1) await pollLists();
    } catch (e) {
      if (e instanceof Locked) return;
      status('hub unreachable', 'off', 'down');
    } finally {
      busy = false;
    }
  }

  async function pollStats() {
    const r = await api('GET', 'stats');
    if (!r.ok) { status('stats failed: ' + problem(r), 'off', 'error'); return; }
    const s = r.body;
    const drops = s.totals.slowConsumerDisconnects + s.totals.sendFailures;
    let rate = 0;
    let dropRate = 0;
    if (last) {
      const dt = Math.max(0.001, (s.time - last.time) / 1000);
      rate = Math.max(0, (s.totals.delivered - last.totals.delivered) / dt);
      dropRate = Math.max(0, (drops - (last.totals.slowConsumerDisconnects + last.totals.sendFailures)) / dt);
    }
    last = s;
    samples.push({ t: s.time, ws: s.transports.websocket, sse: s.transports.sse, rate, drops: dropRate });
    while (samples.length > HISTORY) samples.shift();

    $('kpi-connections').textContent = s.connections;
    $('kpi-connections-sub').textContent = s.transports.websocket + ' WebSocket · ' + s.transports.sse + ' SSE';
    $('kpi-users').textContent = s.users;
    $('kpi-rate').textContent = samples.length > 1 ? rate.toFixed(rate < 10 ? 1 : 0) : '–';
    $('kpi-rate-sub').textContent = s.totals.delivered.toLocaleString() + ' delivered since start';
    $('kpi-topics').textContent = s.topics.length;
    $('kpi-topics-sub').textContent = s.subscriptions + (s.subscriptions === 1 ? ' subscription' : ' subscriptions');
    $('kpi-drops').textContent = drops;
    $('kpi-drops').classList.toggle('bad', drops > 0);
    $('connections-now').textContent = s.connections + ' now';
    $('rate-now').textContent = rate.toFixed(1) + '/s now';
    $('drops-now').textContent = drops + ' since start';
    $('topics-now').textContent = s.topics.length + ' with subscribers';

    const d = $('charts').dataset;
    d.samples = samples.length;
    d.maxRate = Math.max(...samples.map((x) => x.rate)).toFixed(2);
    d.connections = s.connections;
    d.topics = s.topics.length;
    $('updated').textContent = 'updated ' + time(s.time);
    status('live', 'on', 'live');
    show();
    draw();
  }

  async function pollLists() {
    const [c, t] = await Promise.all([api('GET', 'connections'), api('GET', 'topics')]);
    if (c.ok) renderConnections(c.body);
    if (t.ok) renderTopics(t.body);
    if (detail.topic && detail.tab === 'presence') loadPresence();
  }

  // ---- connections ----
  function selfIds() {
    try { return new Set(Object.keys(JSON.parse(localStorage.getItem(SELF_STORE) || '{}'))); } catch (e) { return new Set(); }
  }

  function renderConnections(list, force) {
    const json = JSON.stringify(list) + '|' + (localStorage.getItem(SELF_STORE) || '');
    if (!force && json === connectionsJson) return; // unchanged: keep the DOM (and the keyboard focus)
    connectionsJson = json;
    const mine = selfIds();
    connectionRows = list.byUser.flatMap((u) => u.connections.map((id) => ({ userId: u.userId, id, you: mine.has(id) })))
      .sort((a, b) => (b.you - a.you) || a.userId.localeCompare(b.userId) || a.id.localeCompare(b.id));
    $('conn-count').textContent = list.connections;
    drawConnectionRows();
  }

  function drawConnectionRows() {
    const filter = $('conn-filter').value.trim().toLowerCase();
    const rows = filter ? connectionRows.filter((r) => r.id.toLowerCase().includes(filter) || r.userId.toLowerCase().includes(filter)) : connectionRows;
    const body = $('connections').tBodies[0];
    body.replaceChildren(...rows.slice(0, MAX_ROWS).map((r) => el('tr', { dataset: { connectionId: r.id, userId: r.userId }, class: r.you ? 'mine' : null },
      el('td', {}, idChip(r.userId, { label: 'user id' })),
      el('td', {}, idChip(r.id, { label: 'connection id', you: r.you, youTitle: 'the console open in this browser' })),
      el('td', { class: 'act' }, el('button', {
        type: 'button', class: 'btn small danger disconnect', text: 'Disconnect',
        'aria-label': 'Disconnect ' + r.id + (r.you ? ' (your console)' : ''), onclick: (e) => disconnect(r.id, e.target),
      })))));
    $('connections-empty').hidden = rows.length > 0;
    $('you-hint').hidden = !rows.some((r) => r.you);
    $('connections-empty').textContent = filter && connectionRows.length ? 'No connection matches “' + filter + '”.' : 'No open connections.';
    $('connections-more').hidden = rows.length <= MAX_ROWS;
    $('connections-more').textContent = 'Showing ' + MAX_ROWS + ' of ' + rows.length + '; filter to find others.';
  }

  async function disconnect(id, button) {
    button.disabled = true;
    button.textContent = 'Closing…';
    const out = $('conn-result');
    try {
      const r = await api('DELETE', 'connections/' + encodeURIComponent(id));
      if (r.status === 204) {
        out.className = 'result ok';
        out.replaceChildren('Closed ', idChip(id, { label: 'connection id' }), ' (close code 1012: a pushhub.js client reconnects with a new id).');
      } else {
        out.className = 'result bad';
        out.replaceChildren((r.status === 404 ? 'Already gone: ' : 'Could not close: ') + problem(r));
      }
      const c = await api('GET', 'connections');
      if (c.ok) renderConnections(c.body, true);
    } catch (e) {
      if (e instanceof Locked) return;
      out.className = 'result bad';
      out.textContent = 'The hub did not answer: ' + e.message;
      button.disabled = false;
      button.textContent = 'Disconnect';
    }
  }

  // ---- topics ----
  function renderTopics(list) {
    const json = JSON.stringify(list) + '|' + detail.topic;
    if (json === topicsJson) return;
    topicsJson = json;
    const max = Math.max(1, ...list.topics.map((t) => t.subscribers));
    const body = $('topic-table').tBodies[0];
    body.replaceChildren(...list.topics.slice(0, MAX_ROWS).map((t) => el('tr', { dataset: { topic: t.topic }, class: t.topic === detail.topic ? 'selected' : null },
      el('td', {}, el('code', { class: 'cut', title: t.topic, text: t.topic })),
      el('td', { class: 'num' }, meter((100 * t.subscribers) / max), el('span', { text: t.subscribers })),
      el('td', { class: 'act' },
        el('button', { type: 'button', class: 'btn small secondary show-presence', text: 'Presence', 'aria-label': 'Presence of ' + t.topic, onclick: () => openTopic(t.topic, 'presence') }),
        el('button', { type: 'button', class: 'btn small secondary show-history', text: 'History', 'aria-label': 'History of ' + t.topic, onclick: () => openTopic(t.topic, 'history') })))));
    $('topics-empty').hidden = list.topics.length > 0;
  }

  /** A small bar; its width set through the CSSOM, not a style attribute (which a strict CSP would refuse). */
  function meter(percent) {
    const bar = el('span');
    bar.style.width = Math.max(4, percent) + '%';
    return el('span', { class: 'meter', 'aria-hidden': 'true' }, bar);
  }

  function openTopic(topic, tab) {
    const changed = detail.topic !== topic;
    detail.topic = topic;
    $('detail-topic').textContent = topic;
    $('detail-topic').title = topic;
    $('topic-detail').hidden = false;
    topicsJson = ''; // redraw the selection
    for (const tr of $('topic-table').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.topic === topic);
    presenceJson = '';
    selectTab(tab, changed);
    $('topic-detail').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  function selectTab(tab, reload) {
    detail.tab = tab;
    for (const t of ['presence', 'history']) {
      $('tab-' + t).setAttribute('aria-selected', String(t === tab));
      $('tab-' + t).tabIndex = t === tab ? 0 : -1;
      $(t + '-panel').hidden = t !== tab;
    }
    if (tab === 'presence') loadPresence();
    else if (reload || !$('history').tBodies[0].rows.length) loadHistory(null);
  }

  function path(topic, rest) {
    return 'topics/' + encodeURIComponent(topic) + '/' + rest;
  }

  async function loadPresence() {
    const topic = detail.topic;
    let r;
    try { r = await api('GET', path(topic, 'presence')); } catch (e) { if (!(e instanceof Locked)) $('presence-summary').textContent = 'The hub did not answer.'; return; }
    if (topic !== detail.topic) return;
    const body = $('presence').tBodies[0];
    if (!r.ok) { $('presence-summary').textContent = problem(r); body.replaceChildren(); presenceJson = ''; return; }
    const p = r.body;
    const json = JSON.stringify(p) + '|' + (localStorage.getItem(SELF_STORE) || '');
    if (json === presenceJson) return; // unchanged: keep the DOM (and the keyboard focus)
    presenceJson = json;
    const mine = selfIds();
    put($('presence-summary'),
      el('strong', { text: p.subscribers + (p.subscribers === 1 ? ' connection' : ' connections') }),
      ' of ' + p.users.length + (p.users.length === 1 ? ' user' : ' users') + (p.complete ? ', on every node' : ''),
      p.complete ? null : el('span', { class: 'tag warn', text: 'this node only: ' + (p.clusterError || p.cluster || 'cluster unavailable') }));
    $('presence-panel').dataset.subscribers = p.subscribers;
    body.replaceChildren(...p.connections.map((c) => el('tr', { dataset: { connectionId: c.connectionId }, class: mine.has(c.connectionId) ? 'mine' : null },
      el('td', {}, idChip(c.userId, { label: 'user id' })),
      el('td', {}, idChip(c.connectionId, { label: 'connection id', you: mine.has(c.connectionId), youTitle: 'the console open in this browser' })),
      el('td', {}, el('code', { class: 'cut', title: c.node, text: c.node })))));
    if (!p.connections.length) body.append(el('tr', {}, el('td', { colspan: 3, class: 'empty-cell', text: 'Nobody is subscribed now.' })));
  }

  /** The messages after offset since (at most limit); since === null: the newest page. */
  async function loadHistory(since, limit = PAGE) {
    const topic = detail.topic;
    const empty = $('history-empty');
    const body = $('history').tBodies[0];
    let r;
    try {
      if (since === null) { // learn the latest offset first
        const head = await api('GET', path(topic, 'history?limit=1'));
        if (!head.ok) return historyError(head);
        detail.epoch = head.body.epoch;
        since = Math.max(0, head.body.offset - PAGE);
      }
      const q = 'history?since=' + since + '&limit=' + limit + (detail.epoch ? '&epoch=' + encodeURIComponent(detail.epoch) : '');
      r = await api('GET', path(topic, q));
    } catch (e) {
      if (!(e instanceof Locked)) { empty.hidden = false; empty.textContent = 'The hub did not answer.'; }
      return;
    }
    if (topic !== detail.topic) return;
    if (!r.ok) return historyError(r);
    const h = r.body;
    detail.since = since;
    detail.epoch = h.epoch;
    detail.offset = h.offset;
    detail.first = h.messages.length ? h.messages[0].offset : since + 1;
    detail.last = h.messages.length ? h.messages[h.messages.length - 1].offset : since;
    const first = h.messages.length ? h.messages[0].offset : null;
    const lastOffset = h.messages.length ? h.messages[h.messages.length - 1].offset : null;
    put($('history-summary'),
      h.messages.length ? el('strong', { text: 'Offsets ' + first + '–' + lastOffset }) : el('strong', { text: 'No messages kept' }),
      ' of ' + h.offset + ' · epoch ', el('code', { text: h.epoch }),
      h.complete ? null : el('span', { class: 'tag warn', text: 'older ones ' + (h.reason === 'epoch_changed' ? 'belong to another epoch' : 'are gone (' + h.reason + ')') }));
    $('history-panel').dataset.offset = h.offset;
    body.replaceChildren(...h.messages.slice().reverse().map((m) => {
      const json = JSON.stringify(m.data);
      return el('tr', { dataset: { offset: m.offset } },
        el('td', { class: 'num' }, el('code', { text: m.offset })),
        el('td', {}, el('time', { datetime: new Date(m.time).toISOString(), title: new Date(m.time).toString(), text: time(m.time) })),
        el('td', {}, m.from ? idChip(m.from, { label: 'user id' }) : el('span', { class: 'muted', text: 'backend' })),
        el('td', {}, el('code', { class: 'cut json', title: json, text: json })));
    }));
    empty.hidden = h.messages.length > 0;
    empty.textContent = 'No message of this topic is kept (history keeps the last messages for a while; see pushhub.history.*).';
    $('history-older').disabled = detail.first <= 1 || !h.complete;
    $('history-newer').disabled = !h.more;
  }

  function historyError(r) {
    $('history').tBodies[0].replaceChildren();
    $('history-summary').textContent = '';
    const empty = $('history-empty');
    empty.hidden = false;
    empty.textContent = r.status === 404 && r.body && r.body.error === 'no_history'
      ? 'This topic keeps no history (see pushhub.history.topics).' : 'Could not read the history: ' + problem(r);
    for (const b of ['older', 'newer']) $('history-' + b).disabled = true;
  }

  // ---- charts ----
  function nice(v) { // the next "round" number >= v: 1, 2, 2.5, 5 × 10^n
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function frame(id, maxValue, integers) {
    const c = $(id);
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
    const ctx = c.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    let step = nice(Math.max(integers ? 1 : 0.5, maxValue) / 4);
    if (integers) step = Math.max(1, Math.ceil(step));
    const max = step * Math.max(1, Math.ceil(maxValue / step));
    ctx.font = '11px system-ui, sans-serif';
    const labels = [];
    for (let v = 0; v <= max + 1e-9; v += step) labels.push(Number(v.toFixed(2)).toLocaleString());
    const left = 8 + Math.max(...labels.map((l) => ctx.measureText(l).width));
    const g = { ctx, w, h, left, right: w - 8, top: 8, bottom: h - 22, max };
    g.x = (i) => g.left + (i * (g.right - g.left)) / (HISTORY - 1);
    g.y = (v) => g.bottom - (v / max) * (g.bottom - g.top);
    ctx.textBaseline = 'middle';
    labels.forEach((l, i) => {
      const y = Math.round(g.y(i * step)) + 0.5;
      ctx.strokeStyle = COLORS.grid;
      ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(left + 4, y); ctx.lineTo(g.right, y); ctx.stroke();
      ctx.fillStyle = COLORS.axis;
      ctx.textAlign = 'right';
      ctx.fillText(l, left - 2, y);
    });
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left'; ctx.fillText('60 s ago', g.left + 4, h - 5);
    ctx.textAlign = 'center'; ctx.fillText('30 s', g.x(HISTORY / 2), h - 5);
    ctx.textAlign = 'right'; ctx.fillText('now', g.right, h - 5);
    ctx.textAlign = 'left';
    g.left += 4;
    g.x = (i) => g.left + (i * (g.right - g.left)) / (HISTORY - 1);
    return g;
  }

  function line(g, values, color, fill, width, dash) {
    if (!values.length) return;
    const { ctx } = g;
    const offset = HISTORY - values.length; // newest sample at the right edge
    const pts = values.map((v, i) => [g.x(i + offset), Math.round(g.y(v))]); // whole pixels: crisp flat lines
    if (fill && pts.length > 1) {
      const grad = ctx.createLinearGradient(0, g.top, 0, g.bottom);
      grad.addColorStop(0, color + '55');
      grad.addColorStop(1, color + '08');
      ctx.beginPath();
      pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.lineTo(pts[pts.length - 1][0], g.bottom);
      ctx.lineTo(pts[0][0], g.bottom);
      ctx.closePath();
      ctx.fillStyle = grad;
      ctx.fill();
    }
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.strokeStyle = color;
    ctx.lineWidth = width || 2;
    ctx.lineJoin = 'round';
    ctx.setLineDash(dash || []);
    ctx.stroke();
    ctx.setLineDash([]);
    const [lx, ly] = pts[pts.length - 1];
    ctx.beginPath(); ctx.arc(lx, ly, 3, 0, Math.PI * 2); ctx.fillStyle = color; ctx.fill();
  }

  function bars(g, values, color) {
    const { ctx } = g;
    const slot = (g.right - g.left) / HISTORY;
    const offset = HISTORY - values.length;
    ctx.fillStyle = color;
    values.forEach((v, i) => {
      if (v <= 0) return;
      const top = g.y(v);
      ctx.fillRect(g.left + (i + offset) * slot + 1, top, Math.max(1, slot - 2), g.bottom - top);
    });
  }

  function waiting(g) {
    if (samples.length > 1) return;
    g.ctx.fillStyle = COLORS.axis;
    g.ctx.textAlign = 'center';
    g.ctx.fillText('collecting samples…', (g.left + g.right) / 2, (g.top + g.bottom) / 2);
    g.ctx.textAlign = 'left';
  }

  function draw() {
    if (!shown) return;
    const ws = samples.map((s) => s.ws);
    const sse = samples.map((s) => s.sse);
    const conn = frame('chart-connections', Math.max(1, ...ws, ...sse), true);
    // Two lines, not a stack. SSE dashed on top of the wider WebSocket line: both stay visible where they are equal.
    line(conn, ws, COLORS.ws, true, 3);
    line(conn, sse, COLORS.sse, false, 2, [6, 4]);

    const rates = samples.slice(1).map((s) => s.rate); // the first sample has no rate yet
    const rate = frame('chart-rate', Math.max(1, ...rates), false);
    line(rate, rates, COLORS.rate, true);
    waiting(rate);

    const dropValues = samples.slice(1).map((s) => s.drops);
    const drops = frame('chart-drops', Math.max(1, ...dropValues), false);
    bars(drops, dropValues, COLORS.drop);
    waiting(drops);
  }

  // ---- lock / unlock ----
  function show() {
    if (shown) return;
    shown = true;
    $('locked').hidden = true;
    $('charts').hidden = false;
    $('lock').hidden = false;
  }

  function lock(message) {
    stop();
    shown = false;
    key = '';
    sessionStorage.removeItem(KEY_STORE);
    sessionStorage.removeItem('pushhub.dashboard.key');
    $('charts').hidden = true;
    $('lock').hidden = true;
    $('locked').hidden = false;
    $('key-error').textContent = message || '';
    if (!message) $('key').value = ''; // locked on purpose: forget what was typed; refused: keep it to correct
    $('updated').textContent = '';
    status('needs a publisher key', 'off', 'locked');
    $('key').focus();
  }

  function start() {
    stop();
    samples.length = 0;
    last = null;
    ticks = 0;
    connectionsJson = topicsJson = '';
    $('key-error').textContent = '';
    $('locked').hidden = true; // neither the prompt nor empty charts while the key is being checked
    status('connecting', 'wait', 'connecting');
    tick();
    timer = setInterval(tick, 1000);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
  }

  $('key-form').onsubmit = (e) => {
    e.preventDefault();
    const k = $('key').value.trim();
    if (!k) { $('key-error').textContent = 'Enter the key.'; $('key').focus(); return; }
    key = k;
    sessionStorage.setItem(KEY_STORE, key);
    start();
  };
  $('lock').onclick = () => lock('');
  $('open-topic-form').onsubmit = (e) => {
    e.preventDefault();
    const t = $('open-topic').value.trim();
    if (t) openTopic(t, 'history');
  };
  $('trace-form').onsubmit = async (e) => { // GET /api/push/{messageId}/trace?user=: the summary in plain words
    e.preventDefault();
    const id = $('trace-id').value.trim();
    const user = $('trace-user').value.trim();
    put($('trace-summary'));
    if (!id) { $('trace-result').textContent = 'Enter a message id.'; return; }
    $('trace-result').textContent = 'Loading…';
    try {
      const r = await api('GET', 'push/' + encodeURIComponent(id) + '/trace' + (user ? '?user=' + encodeURIComponent(user) : ''));
      if (!r.ok) { $('trace-result').textContent = problem(r); return; }
      put($('trace-summary'), ...r.body.summary.map((line) => el('li', { text: line })));
      $('trace-result').textContent = r.body.summary.length + ' facts' + (r.body.clusterWide ? ' from every node' : ' from this node');
    } catch (err) {
      if (!(err instanceof Locked)) $('trace-result').textContent = 'Failed: ' + err.message;
    }
  };
  $('conn-filter').oninput = drawConnectionRows;
  $('tab-presence').onclick = () => selectTab('presence');
  $('tab-history').onclick = () => selectTab('history');
  document.querySelector('.tabs').onkeydown = (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = detail.tab === 'presence' ? 'history' : 'presence';
    selectTab(next);
    $('tab-' + next).focus();
  };
  $('detail-close').onclick = () => { detail.topic = null; topicsJson = ''; $('topic-detail').hidden = true; };
  $('history-older').onclick = () => { // the PAGE messages before the first one shown
    const since = Math.max(0, detail.first - 1 - PAGE);
    loadHistory(since, detail.first - 1 - since);
  };
  $('history-newer').onclick = () => loadHistory(detail.last);
  $('history-latest').onclick = () => loadHistory(null);
  window.addEventListener('storage', (e) => { if (e.key === SELF_STORE) connectionsJson = ''; });
  new ResizeObserver(() => draw()).observe($('charts'));
  if (key) start(); else lock('');
})();
