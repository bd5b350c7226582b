// Similar cases while a case is written (internal/dups, docs/duplicates.md):
// the element [data-similar] inside a form names the look-up; when the
// problem's text, title, township, station or category changes, and the typing
// has paused, the form's region/station/category/title/body (never the personal fields)
// are posted there and the HTML answer replaces the element's content.
// Bounded: at most one look-up in flight, none for short text, at most
// 30 per page (the server counts them against the public budget too).
(function () {
  var box = document.querySelector('[data-similar]');
  if (!box || !window.fetch) return;
  var form = box.closest('form');
  if (!form) return;
  var url = box.getAttribute('data-similar');
  var fields = ['region', 'station', 'station_id', 'category', 'title', 'body'];
  var timer = 0, last = '', busy = false, left = 30;
  function params() {
    var q = new URLSearchParams();
    fields.forEach(function (n) {
      var el = form.elements[n];
      if (el && el.value) q.set(n, el.value);
    });
    return q;
  }
  function run() {
    var q = params(), key = q.toString();
    var body = (q.get('body') || '').replace(/\s/g, '');
    if (key === last) return;
    if (body.length < 8) { last = key; box.innerHTML = ''; return; }
    if (busy) { later(); return; }
    if (left <= 0) return;
    left--; busy = true; last = key;
    fetch(url, { method: 'POST', body: q, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        busy = false;
        if (html !== null && key === params().toString()) box.innerHTML = html;
      }, function () { busy = false; });
  }
  function later() { clearTimeout(timer); timer = setTimeout(run, 700); }
  function watch(e) { if (e.target && fields.indexOf(e.target.name) >= 0) later(); }
  form.addEventListener('input', watch);
  form.addEventListener('change', watch);
  if (box.innerHTML.trim() === '') later(); // a form shown again with text in it
})();
