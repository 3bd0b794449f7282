// The pushhub console: a plain page that speaks the wire protocol (docs/protocol.md) directly.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  let ws = null;
  let me = null;
  let seq = 0;
  const topics = new Set();
  let room = null;
  const members = new Set();

  function log(text, cls) {
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    if (cls) li.className = cls;
    $('log').prepend(li);
    while ($('log').children.length > 200) $('log').lastChild.remove();
  }

  function setState(text, cls) {
    $('state').textContent = text;
    $('state').className = 'state ' + cls;
  }

  function send(frame) {
    if (!ws || ws.readyState !== WebSocket.OPEN) { log('not connected', 'error'); return; }
    frame.id = frame.id || String(++seq);
    const text = JSON.stringify(frame);
    ws.send(text);
    log('> ' + text, 'out');
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = $('token').value.trim();
    const url = scheme + '//' + location.host + '/ws' + (token ? '?access_token=' + encodeURIComponent(token) : '');
    setState('connecting', 'wait');
    ws = new WebSocket(url, ['pushhub.v1']);
    ws.onmessage = (e) => {
      log('< ' + e.data, e.data.includes('"type":"error"') ? 'error' : '');
      const f = JSON.parse(e.data);
      // Several queued frames may arrive as one batch (docs/protocol.md): handle each in order.
      (f.type === 'batch' ? f.messages : [f]).forEach(handle);
    };
    ws.onclose = (e) => {
      setState('disconnected', 'off');
      log('closed: ' + e.code + ' ' + e.reason, e.code === 1000 ? '' : 'error');
      $('connect').disabled = false; $('disconnect').disabled = true;
      topics.clear(); renderTopics(); room = null; members.clear(); renderMembers();
    };
    $('connect').disabled = true; $('disconnect').disabled = false;
  }

  function handle(f) {
    switch (f.type) {
      case 'welcome':
        me = f;
        setState('connected', 'on');
        $('identity').textContent = 'user ' + f.userId + (f.anonymous ? ' (anonymous)' : '') + ' · connection ' + f.connectionId;
        break;
      case 'ack':
        if (f.for === 'subscribe') {
          topics.add(f.topic); renderTopics();
          if (f.members && f.topic === room) { members.clear(); f.members.forEach((m) => members.add(m)); renderMembers(); }
        } else if (f.for === 'unsubscribe') { topics.delete(f.topic); renderTopics(); }
        break;
      case 'presence':
        if (f.topic === room) {
          chatLine('* ' + f.userId + (f.event === 'join' ? ' joined' : ' left'));
          if (f.event === 'join') members.add(f.userId);
          else members.delete(f.userId);
          renderMembers();
        }
        break;
      case 'message':
        if (f.topic === 'time') { $('clock').textContent = new Date(f.data.epochMillis).toLocaleTimeString(); }
        else if (f.topic && f.topic === room) { chatLine(f.from + ': ' + (f.data && f.data.text)); }
        else if (f.data && f.data.job) {
          $('job-progress').value = f.data.percent;
          $('job-text').textContent = f.data.done ? 'done' : f.data.step + ' / ' + f.data.steps;
        }
        break;
    }
  }

  function chatLine(text) {
    const li = document.createElement('li');
    li.textContent = text;
    $('chat-log').append(li);
    $('chat-log').scrollTop = $('chat-log').scrollHeight;
  }

  function renderTopics() {
    $('topics').replaceChildren(...[...topics].sort().map((t) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.textContent = 'unsubscribe';
      b.onclick = () => send({ type: 'unsubscribe', topic: t });
      li.append(t + ' ', b);
      return li;
    }));
    $('time-toggle').checked = topics.has('time');
  }

  function renderMembers() {
    $('members').replaceChildren(...[...members].sort().map((m) => {
      const li = document.createElement('li'); li.textContent = m; return li;
    }));
  }

  $('connect').onclick = connect;
  $('disconnect').onclick = () => ws && ws.close(1000, 'bye');
  $('subscribe-form').onsubmit = (e) => { e.preventDefault(); send({ type: 'subscribe', topic: $('topic').value.trim() }); };
  $('time-toggle').onchange = (e) => send({ type: e.target.checked ? 'subscribe' : 'unsubscribe', topic: 'time' });
  $('room-form').onsubmit = (e) => {
    e.preventDefault();
    if (room) send({ type: 'unsubscribe', topic: room });
    room = 'chat:' + $('room').value.trim();
    members.clear(); renderMembers(); $('chat-log').replaceChildren();
    send({ type: 'subscribe', topic: room });
  };
  $('chat-form').onsubmit = (e) => {
    e.preventDefault();
    if (!room) { log('join a room first', 'error'); return; }
    send({ type: 'publish', topic: room, data: { text: $('chat-text').value } });
    $('chat-text').value = '';
  };
  $('job').onclick = async () => {
    $('job-progress').value = 0; $('job-text').textContent = 'starting';
    const body = me ? JSON.stringify({ connectionId: me.connectionId }) : '';
    const r = await fetch('/api/demo/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const j = await r.json();
    log('job: ' + r.status + ' ' + JSON.stringify(j), r.ok ? '' : 'error');
  };
  $('push-form').onsubmit = async (e) => {
    e.preventDefault();
    let data;
    try { data = JSON.parse($('push-data').value); } catch (err) { $('push-result').textContent = 'data is not JSON: ' + err.message; return; }
    const r = await fetch('/api/push', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + $('push-key').value.trim() },
      body: JSON.stringify({ topic: $('push-topic').value.trim(), data }),
    });
    $('push-result').textContent = r.status + ' ' + await r.text();
  };
  connect();
})();
