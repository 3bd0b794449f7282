// The pushhub console, built on pushhub.js (the same client an app would use).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  let hub = null;
  let room = null;
  const subs = new Map();

  function log(text, cls) {
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    if (cls) li.className = cls;
    $('log').prepend(li);
    while ($('log').children.length > 200) $('log').lastChild.remove();
  }

  function setState(state, detail) {
    const el = $('state');
    let text = state;
    if (state === 'reconnecting' && detail && detail.delay !== undefined) text += ' (attempt ' + detail.attempt + ')';
    el.textContent = text;
    el.dataset.state = state;
    el.className = 'state ' + ({ connected: 'on', connecting: 'wait', reconnecting: 'wait' }[state] || 'off');
    $('transport').textContent = hub && hub.transport ? 'via ' + hub.transport : '';
    $('transport').dataset.transport = hub && hub.transport ? hub.transport : '';
  }

  function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
  }

  function addMessage(topic, data, f) {
    const li = document.createElement('li');
    li.textContent = (topic ? topic : f.scope) + '  ' + JSON.stringify(data);
    li.dataset.topic = topic || '';
    if (typeof f.offset === 'number') li.dataset.offset = f.offset;
    $('messages').prepend(li);
    while ($('messages').children.length > 200) $('messages').lastChild.remove();
  }

  function subscribe(topic) {
    if (!topic || subs.has(topic)) return;
    const sub = hub.subscribe(topic, {
      message: (data, f) => {
        if (topic === 'time') $('clock').textContent = new Date(data.epochMillis).toLocaleTimeString();
        else if (topic === room) chatLine(f.from + ': ' + (data && data.text));
        else addMessage(topic, data, f);
      },
      presence: (f) => {
        if (topic === room) {
          chatLine('* ' + f.userId + (f.event === 'join' ? ' joined' : ' left'));
          renderMembers(sub.presence());
        }
      },
      subscribed: () => { renderTopics(); if (topic === room) renderMembers(sub.presence()); },
      recovery: (r) => {
        const m = r.missed ? ' (offsets ' + r.missed.fromOffset + '–' + r.missed.toOffset + ')' : '';
        notice('Could not recover ' + r.topic + ': ' + r.reason + '; you missed some messages' + m + '.');
      },
      error: (e) => { log(topic + ': ' + e.message, 'error'); subs.delete(topic); renderTopics(); },
    });
    subs.set(topic, sub);
    renderTopics();
  }

  function unsubscribe(topic) {
    const sub = subs.get(topic);
    if (!sub) return;
    subs.delete(topic);
    sub.unsubscribe();
    renderTopics();
  }

  function connect() {
    if (hub) return;
    const token = $('token').value.trim();
    hub = PushHub.connect({
      token: () => token || null,
      // For the browser tests: ?transports=sse forces SSE; the defaults are what an app gets.
      transports: params.get('transports') ? params.get('transports').split(',') : undefined,
      reconnect: params.get('maxDelay') ? { maxDelay: Number(params.get('maxDelay')) } : undefined,
    });
    hub.on('state', (s, d) => { setState(s, d); renderTopics(); log('state: ' + s + ' ' + JSON.stringify(d), s === 'reconnecting' ? 'error' : ''); });
    hub.on('welcome', (w) => {
      $('identity').textContent = 'user ' + w.userId + (w.anonymous ? ' (anonymous)' : '') + ' · connection ' + w.connectionId;
      $('identity').dataset.connectionId = w.connectionId;
      $('identity').dataset.userId = w.userId;
    });
    hub.on('fallback', (f) => log('fallback: ' + f.from + ' → ' + f.to + ' (' + f.reason + ')', 'error'));
    hub.on('upgrade', (f) => log('upgrade: ' + f.from + ' → ' + f.to));
    hub.on('frame', (f) => log('< ' + JSON.stringify(f), f.type === 'error' ? 'error' : ''));
    hub.on('message', (data, f) => {
      if (f.topic) return; // topic messages are shown by their subscription
      if (data && data.job) {
        $('job-progress').value = data.percent;
        $('job-text').textContent = data.done ? 'done' : data.step + ' / ' + data.steps;
      } else addMessage(null, data, f);
    });
    hub.on('error', (e) => log('error: ' + e.message, 'error'));
    window.pushhubConsole.hub = hub;
    $('connect').disabled = true; $('disconnect').disabled = false;
    for (const t of ['news']) subscribe(t);
  }

  function disconnect() {
    if (!hub) return;
    hub.close();
    hub = null;
    subs.clear(); renderTopics(); room = null; renderMembers([]);
    $('connect').disabled = false; $('disconnect').disabled = true;
  }

  function chatLine(text) {
    const li = document.createElement('li');
    li.textContent = text;
    $('chat-log').append(li);
    $('chat-log').scrollTop = $('chat-log').scrollHeight;
  }

  function renderTopics() {
    $('topics').replaceChildren(...[...subs.keys()].sort().map((t) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.textContent = 'unsubscribe';
      b.onclick = () => unsubscribe(t);
      li.append(t + (subs.get(t).subscribed ? '' : ' (pending)') + ' ', b);
      li.dataset.topic = t;
      return li;
    }));
    $('time-toggle').checked = subs.has('time');
  }

  function renderMembers(list) {
    $('members').replaceChildren(...list.map((m) => {
      const li = document.createElement('li'); li.textContent = m; return li;
    }));
  }

  window.pushhubConsole = { hub: null };
  $('connect').onclick = connect;
  $('disconnect').onclick = disconnect;
  $('subscribe-form').onsubmit = (e) => { e.preventDefault(); if (hub) subscribe($('topic').value.trim()); };
  $('time-toggle').onchange = (e) => { if (!hub) return; if (e.target.checked) subscribe('time'); else unsubscribe('time'); };
  $('room-form').onsubmit = (e) => {
    e.preventDefault();
    if (!hub) return;
    if (room) unsubscribe(room);
    room = 'chat:' + $('room').value.trim();
    renderMembers([]); $('chat-log').replaceChildren();
    subscribe(room);
  };
  $('chat-form').onsubmit = (e) => {
    e.preventDefault();
    if (!room || !hub) { log('join a room first', 'error'); return; }
    hub.publish(room, { text: $('chat-text').value }).catch((err) => log('publish: ' + err.message, 'error'));
    $('chat-text').value = '';
  };
  $('job').onclick = async () => {
    $('job-progress').value = 0; $('job-text').textContent = 'starting';
    const body = hub && hub.connectionId ? JSON.stringify({ connectionId: hub.connectionId }) : '';
    const r = await fetch('api/demo/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const j = await r.json();
    log('job: ' + r.status + ' ' + JSON.stringify(j), r.ok ? '' : 'error');
  };
  $('push-form').onsubmit = async (e) => {
    e.preventDefault();
    let data;
    try { data = JSON.parse($('push-data').value); } catch (err) { $('push-result').textContent = 'data is not JSON: ' + err.message; return; }
    const r = await fetch('api/push', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + $('push-key').value.trim() },
      body: JSON.stringify({ topic: $('push-topic').value.trim(), data }),
    });
    $('push-result').textContent = r.status + ' ' + await r.text();
  };
  connect();
})();
