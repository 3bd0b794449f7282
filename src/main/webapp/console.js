// The pushhub console, built on pushhub.js (the same client an app would use).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const { el, idChip, time } = window.PushhubUI;
  const params = new URLSearchParams(location.search);
  const KEY_STORE = 'pushhub.publisherKey'; // the tab's publisher key, shared with the dashboard (sessionStorage)
  const SELF_STORE = 'pushhub.console.connections'; // this browser's console connections, for the dashboard's "you"
  const MAX_ROWS = 200;
  let hub = null;
  let room = null;
  let me = null; // {userId, connectionId}
  let messageCount = 0;
  const subs = new Map();

  function log(text, cls) {
    const li = el('li', { class: cls || null, title: text.length > 120 ? 'click to show it whole' : null },
      el('time', { text: time(Date.now()) }), el('span', { text }));
    li.onclick = () => li.classList.toggle('open');
    $('log').prepend(li);
    while ($('log').children.length > MAX_ROWS) $('log').lastChild.remove();
  }

  function setState(state, detail) {
    const s = $('state');
    let text = state;
    if (state === 'reconnecting' && detail && detail.delay !== undefined) text += ' (attempt ' + detail.attempt + ')';
    s.textContent = text;
    s.dataset.state = state;
    s.className = 'state ' + ({ connected: 'on', connecting: 'wait', reconnecting: 'wait' }[state] || 'off');
    $('transport').textContent = hub && hub.transport && state === 'connected' ? 'via ' + hub.transport : '';
    $('transport').dataset.transport = hub && hub.transport ? hub.transport : '';
  }

  function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
  }

  /** Remembers this tab's connection in localStorage so a dashboard in the same browser can mark it "you". */
  function rememberSelf(id, previous) {
    try {
      const all = JSON.parse(localStorage.getItem(SELF_STORE) || '{}');
      if (previous) delete all[previous];
      if (id) all[id] = Date.now();
      const recent = Object.entries(all).sort((a, b) => b[1] - a[1]).slice(0, 20); // bounded
      localStorage.setItem(SELF_STORE, JSON.stringify(Object.fromEntries(recent)));
    } catch (e) { /* storage disabled: no marker */ }
  }

  function addMessage(topic, data, f) {
    const json = JSON.stringify(data);
    const li = el('li', { dataset: { topic: topic || '' } },
      el('span', { class: 'badge' + (topic ? '' : ' scope'), text: topic || f.scope, title: topic ? 'topic ' + topic : 'pushed to ' + f.scope }),
      el('time', { text: time(f.time || Date.now()), datetime: new Date(f.time || Date.now()).toISOString() }),
      el('code', { class: 'json', text: json, title: json.length > 80 ? json : null }));
    if (typeof f.offset === 'number') li.dataset.offset = f.offset;
    $('messages').prepend(li);
    while ($('messages').children.length > MAX_ROWS) $('messages').lastChild.remove();
    messageCount++;
    $('message-count').textContent = messageCount;
    $('messages-empty').hidden = true;
  }

  function subscribe(topic) {
    if (!topic || subs.has(topic)) return;
    const sub = hub.subscribe(topic, {
      message: (data, f) => {
        if (topic === 'time') $('clock').textContent = time(data.epochMillis);
        else if (topic === room) chatMessage(f.from, data && data.text);
        else addMessage(topic, data, f);
      },
      presence: (f) => {
        if (topic === room) {
          chatLine(f.userId, f.event === 'join' ? ' joined' : ' left', 'presence');
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

  function renderIdentity(w) {
    const box = $('identity');
    if (!w) { box.replaceChildren(); delete box.dataset.connectionId; delete box.dataset.userId; return; }
    box.replaceChildren(
      el('span', { class: 'who' }, el('span', { class: 'label', text: 'user ' }), idChip(w.userId, { label: 'user id' }),
        w.anonymous ? el('span', { class: 'tag', text: 'anonymous' }) : null),
      el('span', { class: 'who' }, el('span', { class: 'label', text: 'connection ' }), idChip(w.connectionId, { label: 'connection id' })));
    box.dataset.connectionId = w.connectionId;
    box.dataset.userId = w.userId;
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
      rememberSelf(w.connectionId, me && me.connectionId);
      me = { userId: w.userId, connectionId: w.connectionId };
      renderIdentity(w);
      if (room && subs.has(room)) renderMembers(subs.get(room).presence());
    });
    hub.on('fallback', (f) => log('fallback: ' + f.from + ' → ' + f.to + ' (' + f.reason + ')', 'error'));
    hub.on('upgrade', (f) => log('upgrade: ' + f.from + ' → ' + f.to));
    hub.on('frame', (f) => log('< ' + JSON.stringify(f), f.type === 'error' ? 'error' : 'in'));
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
    if (me) rememberSelf(null, me.connectionId);
    me = null;
    renderIdentity(null);
    subs.clear(); renderTopics(); room = null; renderMembers([]);
    $('connect').disabled = false; $('disconnect').disabled = true;
    setState('disconnected');
  }

  function isMe(userId) {
    return me && userId === me.userId;
  }

  function who(userId) {
    return el('span', { class: 'from' + (isMe(userId) ? ' mine' : '') },
      isMe(userId) ? el('span', { class: 'you', text: 'you' }) : null,
      isMe(userId) ? ' ' : null,
      el('span', { class: 'uid', title: userId, text: userId }));
  }

  function chatLine(userId, rest, cls) {
    const li = el('li', { class: cls }, cls === 'presence' ? '* ' : null, who(userId), el('span', { class: 'text', text: rest }));
    $('chat-log').append(li);
    while ($('chat-log').children.length > MAX_ROWS) $('chat-log').firstChild.remove();
    $('chat-log').scrollTop = $('chat-log').scrollHeight;
  }

  function chatMessage(userId, text) {
    chatLine(userId, ': ' + text, isMe(userId) ? 'said mine' : 'said');
  }

  function renderTopics() {
    const topics = [...subs.keys()].sort();
    $('topics').replaceChildren(...topics.map((t) => {
      const pending = !subs.get(t).subscribed;
      return el('li', { dataset: { topic: t }, class: pending ? 'pending' : 'ok' },
        el('span', { class: 'dot', 'aria-hidden': 'true' }),
        el('code', { class: 'topic-name', title: t, text: t }),
        pending ? el('span', { class: 'tag', text: 'pending' }) : null,
        el('button', { type: 'button', class: 'btn small ghost', 'aria-label': 'Unsubscribe from ' + t, onclick: () => unsubscribe(t), text: 'Unsubscribe' }));
    }));
    $('topics-empty').hidden = topics.length > 0;
    $('time-toggle').checked = subs.has('time');
  }

  function renderMembers(list) {
    const sorted = list.slice().sort((a, b) => (isMe(b) ? 1 : 0) - (isMe(a) ? 1 : 0) || a.localeCompare(b));
    $('members').replaceChildren(...sorted.map((m) => el('li', { class: isMe(m) ? 'mine' : null }, who(m))));
    $('member-count').textContent = list.length;
  }

  function pushResult(ok, text, detail) {
    const r = $('push-result');
    r.className = 'result ' + (ok ? 'ok' : 'bad');
    r.replaceChildren(el('strong', { text }));
    if (detail) r.append(' ', detail);
  }

  window.pushhubConsole = { hub: null };
  $('connect').onclick = connect;
  $('disconnect').onclick = disconnect;
  $('subscribe-form').onsubmit = (e) => {
    e.preventDefault();
    const t = $('topic').value.trim();
    if (hub && t) subscribe(t);
  };
  $('time-toggle').onchange = (e) => { if (!hub) { e.target.checked = false; return; } if (e.target.checked) subscribe('time'); else unsubscribe('time'); };
  $('room-form').onsubmit = (e) => {
    e.preventDefault();
    if (!hub || !$('room').value.trim()) return;
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
    const j = await r.json().catch(() => ({}));
    log('job: ' + r.status + ' ' + JSON.stringify(j), r.ok ? '' : 'error');
    if (!r.ok) $('job-text').textContent = 'failed: ' + (j.message || r.status);
  };

  $('push-key').value = sessionStorage.getItem(KEY_STORE) || '';
  $('push-form').onsubmit = async (e) => {
    e.preventDefault();
    const key = $('push-key').value.trim();
    const topic = $('push-topic').value.trim();
    if (!key) { pushResult(false, 'Enter a publisher key.'); $('push-key').focus(); return; }
    if (!topic) { pushResult(false, 'Enter a topic.'); $('push-topic').focus(); return; }
    let data;
    try { data = JSON.parse($('push-data').value); } catch (err) {
      pushResult(false, 'Data is not JSON:', err.message); $('push-data').focus(); return;
    }
    const button = e.submitter || $('push-form').querySelector('button');
    button.disabled = true;
    try {
      const r = await fetch('api/push', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + key },
        body: JSON.stringify({ topic, data }),
      });
      const body = await r.json().catch(() => ({}));
      $('push-result').dataset.status = r.status;
      if (r.ok) {
        sessionStorage.setItem(KEY_STORE, key);
        const n = body.reached;
        pushResult(true, 'Delivered to ' + n + (n === 1 ? ' connection' : ' connections'),
          el('span', { class: 'muted' }, '· ', idChip(body.messageId, { label: 'message id' })));
      } else {
        pushResult(false, r.status + ' ' + (body.error || ''), body.message || '');
      }
    } catch (err) {
      pushResult(false, 'The hub did not answer:', err.message);
    } finally {
      button.disabled = false;
    }
  };
  window.addEventListener('pagehide', () => { if (me) rememberSelf(null, me.connectionId); });
  connect();
})();
