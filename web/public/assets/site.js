/* Catalog Search: progressive enhancement of the server-rendered pages.
   Without this file every page works; with it, results update without a
   reload (the URL and the back button keep the state), suggestions appear
   as you type, and a catalog's status refreshes itself. No build step. */
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

  function formURL() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === 'string' && value.trim() !== '' && !(key === 'sort' && value === 'relevance')) {
        params.append(key, value.trim());
      }
    });
    var qs = params.toString();
    return form.getAttribute('action') + (qs ? '?' + qs : '');
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
    region.setAttribute('aria-busy', 'true');
    fetch(url, { headers: { 'X-Partial': 'results' }, signal: ctrl.signal, credentials: 'same-origin' })
      .then(function (res) {
        var type = res.headers.get('Content-Type') || '';
        if (!res.ok || type.indexOf('text/html') !== 0) { throw new Error('status ' + res.status); }
        var title = res.headers.get('X-Page-Title');
        return res.text().then(function (html) { return { html: html, title: title }; });
      })
      .then(function (r) {
        if (mode === 'push') { history.pushState({ results: true }, '', url); }
        if (mode === 'replace') { history.replaceState({ results: true }, '', url); }
        region.innerHTML = r.html;
        region.removeAttribute('aria-busy');
        if (r.title) { document.title = decodeURIComponent(r.title); }
        syncFacets();
        var head = region.querySelector('[data-summary]');
        if (status && head) { status.textContent = head.getAttribute('data-summary'); }
        if (activeId && document.getElementById(activeId)) {
          document.getElementById(activeId).focus();
        } else if (focusHeading) {
          var h1 = region.querySelector('h1');
          if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
          window.scrollTo(0, 0);
        }
        inflight = null;
      })
      .catch(function (err) {
        if (err && err.name === 'AbortError') { return; }
        window.location.assign(url);
      });
  }

  if (form && region) {
    syncFacets();
    history.replaceState({ results: true }, '', window.location.href);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      closeSuggestions();
      load(formURL(), 'push', false);
    });
    document.addEventListener('change', function (e) {
      var el = e.target;
      if (el && el.form === form && el !== input) { load(formURL(), 'push', false); }
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
    window.addEventListener('popstate', function () {
      var q = new URL(window.location.href).searchParams.get('q') || '';
      input.value = q;
      load(window.location.href, 'none', false);
    });
  }

  /* Suggestions: an ARIA 1.2 combobox with a listbox popup. */
  var list = document.getElementById('q-suggestions');
  var active = -1;
  var typingTimer = null;
  var suggestTimer = null;
  var suggestCtrl = null;

  function options() { return list ? list.querySelectorAll('[role="option"]') : []; }
  function closeSuggestions() {
    if (!list) { return; }
    list.hidden = true;
    list.innerHTML = '';
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
    if (suggestCtrl) { suggestCtrl.abort(); }
    if (q === '') { closeSuggestions(); return; }
    suggestCtrl = new AbortController();
    var url = form.getAttribute('data-suggest') + '?q=' + encodeURIComponent(q);
    fetch(url, { signal: suggestCtrl.signal, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : { suggestions: [] }; })
      .then(function (data) {
        var items = (data && data.suggestions) || [];
        list.innerHTML = '';
        active = -1;
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
      clearTimeout(suggestTimer);
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
      else if (e.key === 'Escape') { closeSuggestions(); }
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
}());
