/* Catalog Search: progressive enhancement of the server-rendered pages.
   Without this file every page works; with it, results update without a
   reload (the URL and the back button keep the state), suggestions appear
   as you type, a partner's catalog file goes straight to storage, and a
   catalog's status refreshes itself. No build step. */
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');

  var form = document.getElementById('search');
  var input = document.getElementById('q');
  var region = document.getElementById('results-region');
  var status = document.getElementById('search-status');
  var phone = window.matchMedia('(max-width: 47.99em)');
  var facetsOpen = !phone.matches;
  var inflight = null;

  /* shownQuery is the query text of the results on screen (the URL's q). */
  function shownQuery() {
    return (new URL(window.location.href).searchParams.get('q') || '').trim();
  }

  /* formURL is the search URL of the form. A new query text (not the one
     on screen) starts clean: the filters of the old query are left out,
     so a category picked earlier cannot silently empty a new search. */
  function formURL() {
    var params = new URLSearchParams();
    var fresh = input && input.value.trim() !== shownQuery();
    new FormData(form).forEach(function (value, key) {
      if (fresh && key !== 'q' && key !== 'sort') { return; }
      if (typeof value === 'string' && value.trim() !== '' && !(key === 'sort' && value === 'relevance')) {
        params.append(key, value.trim());
      }
    });
    var qs = params.toString();
    return form.getAttribute('action') + (qs ? '?' + qs : '');
  }

  /* syncSwitch points the language link (and its alternate link) at the
     URL on screen, so switching language keeps the query and filters. */
  function syncSwitch() {
    var here = window.location.pathname.replace(/^\/(en|fr)(?=\/|$)/, '') || '/';
    document.querySelectorAll('a.lang-switch, link[rel="alternate"][hreflang]').forEach(function (a) {
      a.setAttribute('href', '/' + a.getAttribute('hreflang') + here + window.location.search);
    });
  }

  var progress = document.getElementById('results-progress');
  var failure = document.getElementById('results-failed');
  var progressTimer = null;
  var lastURL = null;

  /* busy dims the results and shows the progress bar while a load runs
     (the bar after a short delay, so fast answers do not flicker). */
  function busy(on) {
    clearTimeout(progressTimer);
    if (on) {
      region.setAttribute('aria-busy', 'true');
      region.classList.add('is-loading');
      progressTimer = setTimeout(function () { if (progress) { progress.hidden = false; } }, 150);
    } else {
      region.removeAttribute('aria-busy');
      region.classList.remove('is-loading');
      if (progress) { progress.hidden = true; }
    }
  }

  function syncFacets() {
    var box = region && region.querySelector('[data-facets]');
    if (box) {
      box.open = facetsOpen;
      box.addEventListener('toggle', function () { facetsOpen = box.open; });
    }
  }

  /* load fetches the results partial of url and swaps it in; on any
     failure it falls back to a normal page load. */
  function load(url, mode, focusHeading) {
    if (inflight) { inflight.abort(); }
    var ctrl = new AbortController();
    inflight = ctrl;
    var activeId = document.activeElement && region.contains(document.activeElement) ? document.activeElement.id : '';
    var anchor = activeId ? document.getElementById(activeId) : null;
    var anchorTop = anchor ? anchor.getBoundingClientRect().top : 0;
    // A filter value is found again by its name and value (its id may move).
    var anchorSel = anchor && anchor.type === 'checkbox' && window.CSS && CSS.escape
      ? 'input[type="checkbox"][name="' + CSS.escape(anchor.name) + '"][value="' + CSS.escape(anchor.value) + '"]' : '';
    lastURL = { url: url, mode: mode, focusHeading: focusHeading };
    if (failure) { failure.hidden = true; }
    busy(true);
    fetch(url, { headers: { 'X-Partial': 'results' }, signal: ctrl.signal, credentials: 'same-origin' })
      .then(function (res) {
        var type = res.headers.get('Content-Type') || '';
        if (!res.ok || type.indexOf('text/html') !== 0) { throw new Error('status ' + res.status); }
        var title = res.headers.get('X-Page-Title');
        var exact = res.headers.get('X-Exact-Product');
        if (exact && mode === 'push' && exact.charAt(0) === '/' && exact.charAt(1) !== '/') {
          // A submitted SKU or GTIN that one product carries opens that product.
          window.location.assign(exact);
          return new Promise(function () {});
        }
        return res.text().then(function (html) { return { html: html, title: title }; });
      })
      .then(function (r) {
        if (mode === 'push') { history.pushState({ results: true }, '', url); }
        if (mode === 'replace') { history.replaceState({ results: true }, '', url); }
        region.innerHTML = r.html;
        busy(false);
        if (r.title) { document.title = decodeURIComponent(r.title); }
        syncFacets();
        syncSwitch();
        var head = region.querySelector('[data-summary]');
        if (status && head) { status.textContent = head.getAttribute('data-summary'); }
        var again = anchorSel ? region.querySelector(anchorSel) : (activeId ? document.getElementById(activeId) : null);
        if (again) {
          // The control the visitor used stays where it was on screen.
          again.focus({ preventScroll: true });
          window.scrollBy({ top: again.getBoundingClientRect().top - anchorTop, behavior: 'instant' });
        } else if (focusHeading) {
          var h1 = region.querySelector('h1');
          if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
          window.scrollTo(0, 0);
        }
        inflight = null;
      })
      .catch(function (err) {
        if (err && err.name === 'AbortError') { return; }
        // Keep the page: say the results are out of date and offer a retry.
        inflight = null;
        busy(false);
        if (failure) {
          failure.hidden = false;
          if (status) { status.textContent = failure.getAttribute('data-message') || ''; }
        } else {
          window.location.assign(url);
        }
      });
  }

  if (form && region) {
    syncFacets();
    history.replaceState({ results: true }, '', window.location.href);
    if (failure) {
      failure.querySelector('button').addEventListener('click', function () {
        if (lastURL) { load(lastURL.url, lastURL.mode, lastURL.focusHeading); }
      });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      closeSuggestions();
      load(formURL(), 'push', false);
    });
    /* A select moved with the arrow keys fires "change" at every step:
       apply it on Enter or when focus leaves, not at each key. */
    var keyedSelect = null;
    document.addEventListener('keydown', function (e) {
      var el = e.target;
      if (!el || el.tagName !== 'SELECT' || el.form !== form) { return; }
      if (e.key === 'Enter' && el.hasAttribute('data-pending')) {
        e.preventDefault();
        el.removeAttribute('data-pending');
        load(formURL(), 'push', false);
      } else if (e.key !== 'Tab' && e.key !== 'Shift') {
        keyedSelect = el;
      }
    }, true);
    document.addEventListener('pointerdown', function () { keyedSelect = null; }, true);
    document.addEventListener('focusout', function (e) {
      var el = e.target;
      if (el && el.tagName === 'SELECT' && el.hasAttribute('data-pending')) {
        el.removeAttribute('data-pending');
        keyedSelect = null;
        load(formURL(), 'push', false);
      }
    });
    document.addEventListener('change', function (e) {
      var el = e.target;
      if (!el || el.form !== form || el === input) { return; }
      if (el.tagName === 'SELECT' && el === keyedSelect) {
        el.setAttribute('data-pending', '');
        return;
      }
      load(formURL(), 'push', false);
    });
    region.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('a[data-nav]');
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }
      e.preventDefault();
      if (a.closest('.empty')) {
        input.value = new URL(a.href).searchParams.get('q') || input.value;
      }
      load(a.getAttribute('href'), 'push', true);
    });
    /* "Show N results" (phones): fold the filters and go to the results. */
    region.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('[data-show-results]');
      if (!a) { return; }
      e.preventDefault();
      var box = region.querySelector('[data-facets]');
      if (box) { box.open = false; facetsOpen = false; }
      var results = document.getElementById('results');
      if (results) { results.focus({ preventScroll: true }); results.scrollIntoView(); }
    });
    window.addEventListener('popstate', function (e) {
      // A jump to an anchor (the skip links) adds an entry of its own: not a search.
      if (!e.state || !e.state.results) { return; }
      var q = new URL(window.location.href).searchParams.get('q') || '';
      input.value = q;
      load(window.location.href, 'none', false);
      syncSwitch();
    });
  }

  /* Suggestions: an ARIA 1.2 combobox with a listbox popup. */
  var list = document.getElementById('q-suggestions');
  var active = -1;
  var typingTimer = null;
  var suggestTimer = null;
  var suggestCtrl = null;
  var suggestSeq = 0;

  function options() { return list ? list.querySelectorAll('[role="option"]') : []; }
  /* Forget any suggestion request still due or on its way: its answer is
     for older text (or for a box already closed) and must not be shown.
     Aborting alone is not enough: the next request is only sent after the
     debounce, and an answer landing in between would fill the box with the
     suggestions of the previous keystroke. The sequence number drops it. */
  function cancelSuggest() {
    clearTimeout(suggestTimer);
    suggestSeq += 1;
    if (suggestCtrl) { suggestCtrl.abort(); suggestCtrl = null; }
  }
  function closeSuggestions() {
    cancelSuggest();
    if (!list) { return; }
    list.hidden = true;
    list.innerHTML = '';
    list.removeAttribute('data-query');
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }
  function setActive(i) {
    var opts = options();
    if (!opts.length) { return; }
    active = (i + opts.length) % opts.length;
    opts.forEach(function (o, j) { o.setAttribute('aria-selected', j === active ? 'true' : 'false'); });
    input.setAttribute('aria-activedescendant', opts[active].id);
  }
  /* A product name becomes the query; a brand or a category becomes a
     filter (on a new search), as the suggestion box says. */
  function choose(text, kind) {
    closeSuggestions();
    if ((kind === 'brand' || kind === 'category') && region) {
      input.value = '';
      var url = form.getAttribute('action') + '?' + kind + '=' + encodeURIComponent(text);
      load(url, 'push', false);
      return;
    }
    input.value = text;
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }
  function suggest() {
    var q = input.value.trim();
    cancelSuggest();
    if (q === '') { closeSuggestions(); return; }
    var seq = suggestSeq;
    suggestCtrl = new AbortController();
    var url = form.getAttribute('data-suggest') + '?q=' + encodeURIComponent(q);
    fetch(url, { signal: suggestCtrl.signal, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : { suggestions: [] }; })
      .then(function (data) {
        // An answer for older text, or for a box closed since, is dropped.
        if (seq !== suggestSeq || input.value.trim() !== q) { return; }
        suggestCtrl = null;
        var items = (data && data.suggestions) || [];
        list.innerHTML = '';
        list.setAttribute('data-query', q);
        active = -1;
        input.removeAttribute('aria-activedescendant');
        items.forEach(function (s, i) {
          var li = document.createElement('li');
          li.id = 'q-opt-' + i;
          li.setAttribute('role', 'option');
          li.setAttribute('aria-selected', 'false');
          li.setAttribute('data-kind', s.kind || '');
          var text = document.createElement('span');
          text.textContent = s.text;
          li.appendChild(text);
          if (s.kind && s.kind !== 'name') {
            var kind = document.createElement('span');
            kind.className = 'kind';
            kind.textContent = list.getAttribute('data-kind-' + s.kind) || '';
            li.appendChild(kind);
          }
          li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(s.text, s.kind); });
          list.appendChild(li);
        });
        var open = items.length > 0 && document.activeElement === input;
        list.hidden = !open;
        input.setAttribute('aria-expanded', open ? 'true' : 'false');
      })
      .catch(function () { /* suggestions are optional */ });
  }

  if (form && input && list) {
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.addEventListener('input', function () {
      cancelSuggest();
      suggestTimer = setTimeout(suggest, 120);
      if (region) {
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { load(formURL(), 'replace', false); }, 300);
      }
    });
    input.addEventListener('keydown', function (e) {
      var opts = options();
      if (e.key === 'ArrowDown' && opts.length) { e.preventDefault(); list.hidden = false; input.setAttribute('aria-expanded', 'true'); setActive(active + 1); }
      else if (e.key === 'ArrowUp' && opts.length) { e.preventDefault(); setActive(active - 1); }
      else if (e.key === 'Enter' && active >= 0 && opts[active]) { e.preventDefault(); clearTimeout(typingTimer); choose(opts[active].firstChild.textContent, opts[active].getAttribute('data-kind')); }
      else if (e.key === 'Escape') { e.preventDefault(); closeSuggestions(); }
      else if (e.key === 'Enter') { clearTimeout(typingTimer); clearTimeout(suggestTimer); }
    });
    input.addEventListener('blur', function () { setTimeout(closeSuggestions, 150); });
  }

  /* A catalog being ingested: refresh its status until it is settled. */
  var catalog = document.querySelector('[data-catalog-status][data-poll]');
  if (catalog) {
    var every = parseInt(catalog.getAttribute('data-poll'), 10) || 2000;
    var polls = 0;
    var poll = function () {
      polls += 1;
      fetch(window.location.pathname, { headers: { 'X-Partial': 'catalog' }, credentials: 'same-origin' })
        .then(function (res) { if (!res.ok) { throw new Error(String(res.status)); } return res.text(); })
        .then(function (html) {
          catalog.innerHTML = html;
          var state = catalog.querySelector('[data-status]');
          var s = state ? state.getAttribute('data-status') : '';
          var live = document.getElementById('catalog-live');
          var label = catalog.querySelector('.catalog-state .status');
          if (live && label && live.textContent !== label.textContent) { live.textContent = label.textContent; }
          if ((s === 'received' || s === 'processing') && polls < 300) { setTimeout(poll, every); }
        })
        .catch(function () { if (polls < 300) { setTimeout(poll, every * 2); } });
    };
    setTimeout(poll, every);
  }

  /* Partner upload: the file goes from the browser straight to the upload
     URL the API hands out (S3's presigned POST on AWS, the API's upload
     route locally), never through the site, whose requests are capped at
     6 MB on Lambda. The site only hands out the slot (JSON), then the
     catalog's status page follows the ingest. */
  var upForm = document.querySelector('form[data-upload]');
  if (upForm) {
    var upMsg = JSON.parse(upForm.getAttribute('data-messages') || '{}');
    var upFile = upForm.querySelector('input[type="file"]');
    var upErr = upForm.querySelector('[data-upload-error]');
    var upLive = upForm.querySelector('[data-upload-status]');
    var upBox = upForm.querySelector('[data-upload-progress]');
    var upBar = upBox ? upBox.querySelector('progress') : null;
    var upButton = upForm.querySelector('button[type="submit"]');
    var upBusy = false;
    var upFail = function (text, focus) {
      upBusy = false;
      upButton.removeAttribute('aria-disabled');
      if (upBox) { upBox.hidden = true; }
      upErr.textContent = '';
      var p = document.createElement('p');
      p.className = 'notice notice-error';
      p.textContent = text || upMsg.transfer;
      upErr.appendChild(p);
      if (focus) { focus.focus(); }
    };
    var upSend = function (slot, file) {
      var up = slot.upload || {};
      return new Promise(function (resolve, reject) {
        var xhr = new XMLHttpRequest();
        xhr.open(up.method, up.url);
        var payload = file;
        if (up.method === 'POST') {
          payload = new FormData();
          Object.keys(up.fields || {}).forEach(function (k) { payload.append(k, up.fields[k]); });
          payload.append('file', file); // last: S3 reads the fields before the file
        } else {
          xhr.setRequestHeader('Content-Type', up.content_type || 'application/octet-stream');
        }
        var told = 0;
        xhr.upload.onprogress = function (ev) {
          if (!ev.lengthComputable || !upBar) { return; }
          var pct = Math.floor(ev.loaded * 100 / ev.total);
          upBar.value = pct;
          if (pct >= told + 25) { told = pct - pct % 25; upLive.textContent = fill(upMsg.progress, { percent: told }); }
        };
        xhr.onload = function () {
          if (xhr.status >= 200 && xhr.status < 300) { resolve(); return; }
          var big = xhr.status === 413 || /EntityTooLarge/.test(xhr.responseText || '');
          reject(new Error(big ? upMsg.too_large : upMsg.transfer));
        };
        xhr.onerror = function () { reject(new Error(upMsg.transfer)); };
        xhr.send(payload);
      });
    };
    upForm.addEventListener('submit', function (e) {
      e.preventDefault();
      if (upBusy) { return; }
      var file = upFile && upFile.files ? upFile.files[0] : null;
      var max = parseInt(upForm.getAttribute('data-max-bytes'), 10) || 0;
      if (!file) { upFail(upMsg.no_file, upFile); return; }
      if (file.size === 0) { upFail(upMsg.empty, upFile); return; }
      if (max > 0 && file.size > max) { upFail(upMsg.too_large, upFile); return; }
      upBusy = true;
      upButton.setAttribute('aria-disabled', 'true');
      upErr.textContent = '';
      if (upBox) { upBox.hidden = false; upBar.value = 0; }
      upLive.textContent = upMsg.sending;
      var body = new URLSearchParams();
      body.set('csrf_token', upForm.querySelector('input[name="csrf_token"]').value);
      var mode = upForm.querySelector('input[name="mode"]:checked');
      body.set('mode', mode ? mode.value : 'partial');
      body.set('name', file.name);
      body.set('size', String(file.size));
      fetch(upForm.action, { method: 'POST', body: body, credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          if ((res.headers.get('Content-Type') || '').indexOf('application/json') !== 0) {
            // Not a slot (signed out meanwhile): the partner area says why.
            window.location.assign(upForm.action.replace(/\/upload$/, ''));
            return null;
          }
          return res.json().then(function (data) {
            if (!res.ok) { throw new Error(data.error && data.error.message); }
            return upSend(data, file).then(function () {
              upLive.textContent = upMsg.sent;
              window.location.assign(data.status_url);
            });
          });
        })
        .catch(function (err) { upFail(err && err.message, upButton); });
    });
  }

  /* Product gallery: thumbnails and arrow keys move between the slides
     (without the script, the thumbnails are plain links to them). */
  var gallery = document.querySelector('[data-gallery]');
  var strip = gallery ? gallery.querySelector('.slides') : null;
  var links = gallery ? gallery.querySelectorAll('[data-slide]') : [];
  if (strip && links.length > 1) {
    var current = 0;
    var show = function (i, focusLink) {
      current = Math.max(0, Math.min(links.length - 1, i));
      strip.scrollTo({ left: strip.children[current].offsetLeft - strip.offsetLeft, behavior: 'smooth' });
      links.forEach(function (a, j) {
        if (j === current) { a.setAttribute('aria-current', 'true'); } else { a.removeAttribute('aria-current'); }
      });
      if (focusLink) { links[current].focus(); }
    };
    links.forEach(function (a, j) {
      a.addEventListener('click', function (e) { e.preventDefault(); show(j, false); });
    });
    var onKey = function (e) {
      if (e.key === 'ArrowRight') { e.preventDefault(); show(current + 1, e.currentTarget !== strip); }
      if (e.key === 'ArrowLeft') { e.preventDefault(); show(current - 1, e.currentTarget !== strip); }
    };
    strip.addEventListener('keydown', onKey);
    links.forEach(function (a) { a.addEventListener('keydown', onKey); });
  }

  /* The buyer's list: products and quantities kept in this browser
     (localStorage, no account). Product pages add to it; the list page
     draws it grouped by partner, with quantities kept at or above the
     minimum order, a comparison of up to four, a CSV download, a printable
     quote request and a quick add by SKU or GTIN. */
  var LIST_KEY = 'catalogsearch.list.v1';
  function readList() {
    try {
      var v = JSON.parse(window.localStorage.getItem(LIST_KEY) || '[]');
      return Array.isArray(v) ? v.filter(function (x) { return x && x.p && typeof x.p.id === 'string'; }) : [];
    } catch (e) { return []; }
  }
  function writeList(items) {
    try { window.localStorage.setItem(LIST_KEY, JSON.stringify(items)); } catch (e) { /* private mode: the list lives for this page */ }
    showCount(items);
  }
  function showCount(items) {
    document.querySelectorAll('[data-list-count]').forEach(function (el) {
      el.textContent = items.length ? ' (' + items.length + ')' : '';
    });
  }
  function minQty(p) { return Math.max(1, parseInt(p.moq, 10) || 1); }
  /* unitAmount is the unit price (a decimal string) of qty of p: the
     price of the largest quantity break at or below qty, else its price. */
  function unitAmount(p, qty) {
    if (!p.price) { return ''; }
    var amount = p.price.amount;
    (Array.isArray(p.tiers) ? p.tiers : []).forEach(function (t) {
      if (Array.isArray(t) && qty >= Number(t[0])) { amount = String(t[1]); }
    });
    return amount;
  }
  /* addToList adds qty of product p (or more of it), at least its MOQ; it
     returns the quantity kept. */
  function addToList(p, qty) {
    var items = readList();
    var q = Math.max(minQty(p), parseInt(qty, 10) || 0);
    var found = items.filter(function (x) { return x.p.id === p.id; })[0];
    if (found) { found.qty = Math.max(minQty(p), found.qty + q); found.p = p; } else { items.push({ p: p, qty: q }); }
    writeList(items);
    return found ? found.qty : q;
  }
  showCount(readList());

  function fill(msg, vars) {
    return String(msg || '').replace(/\{(\w+)\}/g, function (m, k) { return vars && k in vars ? vars[k] : m; });
  }

  var addForm = document.querySelector('form[data-list-add]');
  if (addForm) {
    addForm.addEventListener('submit', function (e) {
      e.preventDefault();
      var p = JSON.parse(addForm.getAttribute('data-product') || '{}');
      var qty = addForm.querySelector('input[name="qty"]');
      var kept = addToList(p, qty.value);
      var say = addForm.querySelector('.list-added');
      var link = document.querySelector('[data-list-link]');
      say.textContent = '';
      var a = document.createElement('a');
      a.href = link ? link.getAttribute('href') : '#';
      a.textContent = (link ? link.firstChild.textContent : '') + ': ' + kept;
      say.appendChild(a);
    });
  }

  var page = document.querySelector('[data-list-page]');
  if (page) {
    var msg = JSON.parse(page.getAttribute('data-messages') || '{}');
    var locale = page.getAttribute('data-locale') || 'en-GB';
    var body = page.querySelector('[data-list-body]');
    var actions = page.querySelector('[data-list-actions]');
    var listStatus = document.getElementById('list-status');
    var note = page.querySelector('[data-list-note]');
    var say = function (text, visible) {
      listStatus.textContent = text;
      if (note) { note.textContent = visible ? text : ''; note.hidden = !visible; }
    };
    var money = function (amount, currency) {
      try {
        return new Intl.NumberFormat(locale, { style: 'currency', currency: currency }).format(amount);
      } catch (e) { return amount.toFixed(2) + ' ' + currency; }
    };
    var el = function (tag, attrs, text) {
      var n = document.createElement(tag);
      Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
      if (text !== undefined) { n.textContent = text; }
      return n;
    };
    var draw = function () {
      var items = readList();
      body.innerHTML = '';
      actions.hidden = items.length === 0;
      if (!items.length) { body.appendChild(el('p', { 'class': 'list-empty' }, msg.empty)); return; }
      var partners = [];
      var sellers = {};
      items.forEach(function (x) {
        if (partners.indexOf(x.p.partner) < 0) { partners.push(x.p.partner); }
        sellers[x.p.partner] = x.p.seller || x.p.partner;
      });
      partners.forEach(function (partner, pi) {
        var sec = el('section', { 'class': 'list-partner', 'aria-labelledby': 'lp-' + pi });
        sec.appendChild(el('h2', { id: 'lp-' + pi }, fill(msg.quote_for, { partner: sellers[partner] })));
        var wrap = el('div', { 'class': 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'lp-' + pi });
        var table = el('table', { 'class': 'data list-table' });
        var head = el('tr');
        ['', msg.product, msg.sku, msg.gtin, msg.unit_price, msg.quantity, msg.line_total, ''].forEach(function (h, i) {
          var th = el('th', { scope: 'col' }, h);
          if (i === 0 || i === 7) { th.className = 'no-print'; }
          if (i >= 4 && i <= 6) { th.className = 'num'; }
          head.appendChild(th);
        });
        var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
        var tb = el('tbody');
        var totals = {};
        items.forEach(function (x) {
          if (x.p.partner !== partner) { return; }
          var p = x.p;
          var tr = el('tr', { 'data-id': p.id });
          var pick = el('td', { 'class': 'no-print' });
          pick.appendChild(el('input', { type: 'checkbox', 'data-compare-id': p.id, 'aria-label': fill(msg.compare_pick, { name: p.name }) }));
          tr.appendChild(pick);
          var name = el('td');
          var a = el('a', { href: p.url }, p.name);
          name.appendChild(a);
          var meta = [];
          if (p.tax === 'excl' || p.tax === 'incl') { meta.push(msg['tax_' + p.tax]); }
          if (p.unit) { meta.push(fill(msg.per, { unit: p.unit })); }
          if (minQty(p) > 1) { meta.push(msg.moq + ' ' + minQty(p)); }
          if (p.price && Array.isArray(p.tiers)) {
            p.tiers.forEach(function (t) { meta.push(fill(msg.tier, { price: money(Number(t[1]), p.price.currency), n: t[0] })); });
          }
          if (meta.length) { name.appendChild(el('span', { 'class': 'hint list-meta' }, meta.join(' · '))); }
          tr.appendChild(name);
          tr.appendChild(el('td', {}, p.sku || ''));
          tr.appendChild(el('td', {}, p.gtin || ''));
          var unitPrice = p.price ? Number(unitAmount(p, x.qty)) : NaN;
          tr.appendChild(el('td', { 'class': 'num unit-price' }, p.price ? money(unitPrice, p.price.currency) : msg.on_request));
          var qcell = el('td', { 'class': 'num' });
          var qid = 'qty-' + p.id.replace(/[^A-Za-z0-9_-]/g, '_');
          qcell.appendChild(el('label', { 'for': qid, 'class': 'visually-hidden' }, msg.quantity + ' – ' + p.name));
          var qin = el('input', { id: qid, type: 'number', inputmode: 'numeric', min: String(minQty(p)), step: '1', value: String(x.qty), 'data-qty-id': p.id, 'class': 'qty' });
          qcell.appendChild(qin);
          qcell.appendChild(el('span', { 'class': 'print-only' }, String(x.qty)));
          tr.appendChild(qcell);
          var line = p.price ? unitPrice * x.qty : NaN;
          if (p.price) { totals[p.price.currency] = (totals[p.price.currency] || 0) + line; }
          tr.appendChild(el('td', { 'class': 'num line-total' }, p.price ? money(line, p.price.currency) : '–'));
          var rm = el('td', { 'class': 'no-print' });
          rm.appendChild(el('button', { type: 'button', 'class': 'btn btn-small', 'data-remove-id': p.id, 'aria-label': fill(msg.remove, { name: p.name }) }, '×'));
          tr.appendChild(rm);
          tb.appendChild(tr);
        });
        table.appendChild(tb);
        var currencies = Object.keys(totals);
        if (currencies.length) {
          var tf = el('tfoot');
          var tr = el('tr');
          tr.appendChild(el('td', { 'class': 'no-print' }));
          tr.appendChild(el('th', { scope: 'row', colspan: '5' }, msg.subtotal));
          tr.appendChild(el('td', { 'class': 'num subtotal' }, currencies.map(function (c) { return money(totals[c], c); }).join(' + ')));
          tr.appendChild(el('td', { 'class': 'no-print' }));
          tf.appendChild(tr);
          table.appendChild(tf);
        }
        wrap.appendChild(table);
        sec.appendChild(wrap);
        body.appendChild(sec);
      });
    };
    draw();
    window.addEventListener('storage', function (e) { if (e.key === LIST_KEY) { draw(); showCount(readList()); } });

    body.addEventListener('change', function (e) {
      var id = e.target.getAttribute('data-qty-id');
      if (!id) { return; }
      var items = readList();
      items.forEach(function (x) {
        if (x.p.id !== id) { return; }
        var want = parseInt(e.target.value, 10) || 0;
        x.qty = Math.max(minQty(x.p), want);
        if (x.qty !== want) { say(fill(msg.min_raised, { name: x.p.name, n: x.qty })); }
      });
      writeList(items);
      draw();
      var again = document.getElementById(e.target.id);
      if (again) { again.focus(); }
    });
    body.addEventListener('click', function (e) {
      var b = e.target.closest && e.target.closest('[data-remove-id]');
      if (!b) { return; }
      var id = b.getAttribute('data-remove-id');
      var items = readList();
      var gone = items.filter(function (x) { return x.p.id === id; })[0];
      writeList(items.filter(function (x) { return x.p.id !== id; }));
      draw();
      if (gone) { say(fill(msg.removed, { name: gone.p.name })); }
      document.getElementById('list-title').focus();
    });
    page.querySelector('[data-list-compare]').addEventListener('click', function () {
      var ids = [].map.call(body.querySelectorAll('[data-compare-id]:checked'), function (c) { return c.getAttribute('data-compare-id'); });
      if (ids.length < 2 || ids.length > 4) { say(msg.compare_max, true); return; }
      window.location.assign(page.getAttribute('data-compare') + '?' + ids.map(function (id) { return 'id=' + encodeURIComponent(id); }).join('&'));
    });
    page.querySelector('[data-list-print]').addEventListener('click', function () { window.print(); });
    page.querySelector('[data-list-clear]').addEventListener('click', function () { writeList([]); draw(); say(msg.empty); });
    page.querySelector('[data-list-csv]').addEventListener('click', function () {
      var cell = function (v) {
        var t = String(v === undefined || v === null ? '' : v);
        // A leading = + - @ would run as a formula in a spreadsheet.
        if (/^[=+\-@]/.test(t)) { t = "'" + t; }
        return /[",;\n\r]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
      };
      var rows = [[msg.partner, msg.sku, msg.gtin, msg.product, msg.quantity, msg.unit_price, 'currency', msg.line_total, 'unit', msg.moq, msg.lead, 'url']];
      readList().sort(function (a, b) { return a.p.partner < b.p.partner ? -1 : (a.p.partner > b.p.partner ? 1 : 0); }).forEach(function (x) {
        var p = x.p;
        var unit = unitAmount(p, x.qty);
        var line = p.price ? (Number(unit) * x.qty).toFixed(2) : '';
        rows.push([p.seller || p.partner, p.sku, p.gtin, p.name, x.qty, unit, p.price ? p.price.currency : '', line, p.unit, minQty(p), p.lead || '', new URL(p.url, window.location.href).href]);
      });
      var csv = '\ufeff' + rows.map(function (r) { return r.map(cell).join(','); }).join('\r\n') + '\r\n';
      var a = el('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' })), download: (msg.csv_name || 'list') + '.csv' });
      document.body.appendChild(a);
      a.click();
      // Out of the page at once (a link without text fails axe); the URL a bit later.
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
    var quick = page.querySelector('[data-list-quick]');
    var quickOut = page.querySelector('[data-list-quick-result]');
    quick.addEventListener('submit', function (e) {
      e.preventDefault();
      var wanted = {};
      var codes = [];
      quick.codes.value.split(/\r?\n/).forEach(function (line) {
        var m = /^\s*([^\s;,\t]+)(?:[\s;,\t]+(\d+))?\s*$/.exec(line);
        if (!m) { return; }
        if (!(m[1] in wanted)) { codes.push(m[1]); wanted[m[1]] = 0; }
        wanted[m[1]] += m[2] ? parseInt(m[2], 10) : 0;
      });
      if (!codes.length) { return; }
      var url = page.getAttribute('data-lookup') + '?' + codes.slice(0, 50).map(function (c) { return 'code=' + encodeURIComponent(c); }).join('&');
      fetch(url, { credentials: 'same-origin' })
        .then(function (res) { if (!res.ok) { throw new Error(String(res.status)); } return res.json(); })
        .then(function (data) {
          var missing = [];
          var added = 0;
          (data.items || []).forEach(function (it) {
            if (it.product) { addToList(it.product, wanted[it.code]); added++; } else { missing.push(it.code); }
          });
          draw();
          quickOut.textContent = '';
          quickOut.appendChild(el('p', { 'class': 'notice' }, fill(msg.added, { n: added })));
          if (missing.length) { quickOut.appendChild(el('p', { 'class': 'notice notice-error' }, fill(msg.not_found, { codes: missing.join(', ') }))); }
          say(quickOut.textContent);
          if (!missing.length) { quick.codes.value = ''; }
        })
        .catch(function () {
          quickOut.textContent = '';
          quickOut.appendChild(el('p', { 'class': 'notice notice-error', role: 'alert' }, msg.lookup_failed));
        });
    });
  }
}());
