// Small helpers shared by the console (/) and the dashboard (/dashboard/): building elements, ids shown shortened
// (ellipsis, full id in the title and a copy button; the DOM keeps the full text), relative times. No framework.
(function () {
  'use strict';

  /** el('li', {class: 'x', dataset: {id: 1}, onclick}, child, 'text', ...) */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k.startsWith('on')) e[k] = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  const COPY_ICON = '<svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12"><rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M3 11V3.5C3 2.7 3.7 2 4.5 2H11" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>';

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) { // not a secure context, or no permission: the old way
      const t = el('textarea', { class: 'sr-only', 'aria-hidden': 'true' });
      t.value = text;
      document.body.append(t);
      t.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (ignored) { ok = false; }
      t.remove();
      return ok;
    }
  }

  /**
   * An id as a chip: the text is cut with an ellipsis by CSS (never wrapped mid-word), the full id is in the title,
   * and a button copies it. opts.you adds a "you" marker; opts.label names the id for screen readers.
   */
  function idChip(id, opts) {
    const o = opts || {};
    const text = el('code', { class: 'id-text', title: id, text: id });
    const button = el('button', {
      type: 'button', class: 'copy', title: 'Copy ' + id, 'aria-label': 'Copy ' + (o.label || 'id') + ' ' + id,
    });
    button.innerHTML = COPY_ICON;
    button.onclick = async () => {
      const ok = await copy(id);
      button.classList.add(ok ? 'copied' : 'copy-failed');
      button.title = ok ? 'Copied' : 'Copy failed; select the text instead';
      setTimeout(() => { button.classList.remove('copied', 'copy-failed'); button.title = 'Copy ' + id; }, 1500);
    };
    const chip = el('span', { class: 'id' + (o.you ? ' is-you' : ''), dataset: { id } }, text, button);
    if (o.you) chip.append(el('span', { class: 'you', title: o.youTitle || 'this is you', text: o.youText || 'you' }));
    return chip;
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  window.PushhubUI = { el, idChip, copy, time };
})();
