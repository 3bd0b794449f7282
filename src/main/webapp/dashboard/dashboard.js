// The pushhub dashboard: polls GET /api/stats (publisher credentials) every second and draws the last minute.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const HISTORY = 60;
  const samples = []; // {t, ws, sse, rate, drops, topics}
  let key = sessionStorage.getItem('pushhub.dashboard.key') || '';
  let last = null;
  let timer = null;

  function status(text, cls, code) {
    $('status').textContent = text;
    $('status').className = 'state ' + cls;
    $('status').dataset.status = code;
  }

  async function poll() {
    let r;
    try {
      r = await fetch('../api/stats', { headers: { Authorization: 'Bearer ' + key } });
    } catch (e) {
      status('hub unreachable', 'off', 'down');
      return;
    }
    if (r.status === 401 || r.status === 403) {
      const body = await r.json().catch(() => ({}));
      stop();
      $('key-error').textContent = r.status + ': ' + (body.message || 'refused');
      $('key-form').hidden = false;
      $('charts').hidden = true;
      status('needs a publisher key', 'off', 'locked');
      sessionStorage.removeItem('pushhub.dashboard.key');
      return;
    }
    if (!r.ok) { status('stats failed: HTTP ' + r.status, 'off', 'error'); return; }
    const s = await r.json();
    const drops = s.totals.slowConsumerDisconnects + s.totals.sendFailures;
    let rate = 0;
    let dropRate = 0;
    if (last) {
      const dt = Math.max(0.001, (s.time - last.time) / 1000);
      rate = Math.max(0, (s.totals.delivered - last.totals.delivered) / dt);
      dropRate = Math.max(0, (drops - (last.totals.slowConsumerDisconnects + last.totals.sendFailures)) / dt);
    }
    last = s;
    samples.push({ t: s.time, ws: s.transports.websocket, sse: s.transports.sse, rate, drops: dropRate, topics: s.topics });
    while (samples.length > HISTORY) samples.shift();
    $('connections-now').textContent = s.connections + ' now (' + s.users + ' users)';
    $('rate-now').textContent = rate.toFixed(1) + '/s now, ' + s.totals.delivered + ' in all';
    $('drops-now').textContent = drops + ' since start';
    $('topics-now').textContent = s.topics.length + ' topics, ' + s.subscriptions + ' subscriptions';
    $('charts').dataset.samples = samples.length;
    $('charts').dataset.maxRate = Math.max(...samples.map((x) => x.rate)).toFixed(2);
    $('charts').dataset.connections = s.connections;
    status('live', 'on', 'live');
    draw();
  }

  function canvas(id) {
    const c = $(id);
    const ctx = c.getContext('2d');
    ctx.clearRect(0, 0, c.width, c.height);
    return { c, ctx, w: c.width, h: c.height, pad: 24 };
  }

  function axes(g, max) {
    const { ctx, w, h, pad } = g;
    ctx.strokeStyle = '#dde1e8';
    ctx.fillStyle = '#5a6273';
    ctx.font = '11px system-ui, sans-serif';
    ctx.beginPath();
    ctx.moveTo(pad, 4); ctx.lineTo(pad, h - pad); ctx.lineTo(w - 4, h - pad);
    ctx.stroke();
    ctx.fillText(String(Math.round(max * 10) / 10), 2, 12);
    ctx.fillText('0', 10, h - pad);
    ctx.fillText('last ' + HISTORY + ' s', w - 70, h - 8);
  }

  function line(g, values, max, color, fill) {
    const { ctx, w, h, pad } = g;
    const offset = HISTORY - values.length; // newest sample at the right edge
    const x = (i) => pad + ((i + offset) * (w - pad - 6)) / (HISTORY - 1);
    const y = (v) => h - pad - (v / max) * (h - pad - 8);
    ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.stroke();
    if (fill && values.length > 1) {
      ctx.lineTo(x(values.length - 1), h - pad);
      ctx.lineTo(x(0), h - pad);
      ctx.closePath();
      ctx.globalAlpha = 0.15;
      ctx.fillStyle = color;
      ctx.fill();
      ctx.globalAlpha = 1;
    }
  }

  function bars(g, values, max, color) {
    const { ctx, w, h, pad } = g;
    const bw = (w - pad - 6) / HISTORY;
    ctx.fillStyle = color;
    const offset = HISTORY - values.length;
    values.forEach((v, i) => {
      const bh = (v / max) * (h - pad - 8);
      ctx.fillRect(pad + (i + offset) * bw + 1, h - pad - bh, Math.max(1, bw - 2), bh);
    });
  }

  function draw() {
    const conn = canvas('chart-connections');
    const maxConn = Math.max(1, ...samples.map((s) => s.ws + s.sse));
    axes(conn, maxConn);
    line(conn, samples.map((s) => s.ws + s.sse), maxConn, '#3867d6', true);
    line(conn, samples.map((s) => s.sse), maxConn, '#f39c12', false);

    const rate = canvas('chart-rate');
    const maxRate = Math.max(1, ...samples.map((s) => s.rate));
    axes(rate, maxRate);
    line(rate, samples.map((s) => s.rate), maxRate, '#2e9d5b', true);

    const drops = canvas('chart-drops');
    const maxDrops = Math.max(1, ...samples.map((s) => s.drops));
    axes(drops, maxDrops);
    bars(drops, samples.map((s) => s.drops), maxDrops, '#b3261e');

    const tg = canvas('chart-topics');
    const topics = (samples.length ? samples[samples.length - 1].topics : []).slice()
      .sort((a, b) => b.subscribers - a.subscribers).slice(0, 8);
    const maxSubs = Math.max(1, ...topics.map((t) => t.subscribers));
    const { ctx, w } = tg;
    ctx.font = '12px system-ui, sans-serif';
    const rowH = 18;
    topics.forEach((t, i) => {
      const y = 6 + i * rowH;
      const bw = ((w - 150) * t.subscribers) / maxSubs;
      ctx.fillStyle = '#1d2330';
      ctx.fillText(t.topic.length > 18 ? t.topic.slice(0, 17) + '…' : t.topic, 4, y + 12);
      ctx.fillStyle = '#3867d6';
      ctx.fillRect(120, y + 2, bw, rowH - 6);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(String(t.subscribers), 124 + bw, y + 12);
    });
    if (!topics.length) { ctx.fillStyle = '#5a6273'; ctx.fillText('no topic has subscribers', 10, 20); }
    $('charts').dataset.topics = topics.length;
  }

  function start() {
    $('key-form').hidden = true;
    $('charts').hidden = false;
    $('key-error').textContent = '';
    status('connecting', 'wait', 'connecting');
    poll();
    timer = setInterval(poll, 1000);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
  }

  $('key-form').onsubmit = (e) => {
    e.preventDefault();
    key = $('key').value.trim();
    if (!key) { $('key-error').textContent = 'enter the key'; return; }
    sessionStorage.setItem('pushhub.dashboard.key', key);
    samples.length = 0;
    last = null;
    start();
  };
  if (key) start();
})();
