// Sign-in session help for staff pages (issue #11), a file because the
// Content-Security-Policy forbids inline script:
//  - before the idle timeout, a notice with a “继续” button that calls the
//    keep-alive endpoint (POST /session/keepalive), so a long reply is not
//    lost to the timeout;
//  - drafts: what is typed into a workbench textarea is kept in this
//    browser (localStorage, per user, page and field) until the form was
//    submitted to a signed-in server, so a reply typed while the session ran
//    out comes back after signing in again. Signing out clears them.
(function () {
  'use strict';
  var PREFIX = 'zt-draft:';
  var DAY = 24 * 3600 * 1000;
  var meta = document.querySelector('meta[name="zt-session"]');
  var user = meta ? meta.getAttribute('data-user') : '';
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }

  function keys() {
    var out = [];
    if (!store) return out;
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0) out.push(k);
    }
    return out;
  }
  function read(k) {
    try { return JSON.parse(store.getItem(k)); } catch (e) { return null; }
  }

  // Drafts older than a day are dropped on every page.
  keys().forEach(function (k) {
    var d = read(k);
    if (!d || Date.now() - d.t > DAY) store.removeItem(k);
  });

  // A submitted draft is done once a page of a signed-in user follows; the
  // sign-in pages and the “please sign in” page mean the submission did not
  // get through: such drafts stay for after signing in again.
  function settle(done) {
    keys().forEach(function (k) {
      var d = read(k);
      if (!d || !d.s) return;
      if (done) store.removeItem(k);
      else { d.s = 0; store.setItem(k, JSON.stringify(d)); }
    });
  }
  var neutral = document.querySelector('[data-session-expired],[data-keep-drafts]') || location.pathname.indexOf('/login') === 0;
  if (store) settle(!neutral);
  // htmx posts the case forms without a page load: a success settles them;
  // a session that ran out answers with HX-Redirect to the login.
  document.addEventListener('htmx:afterRequest', function (e) {
    if (!store || !e.detail || !e.detail.xhr) return;
    var to = e.detail.xhr.getResponseHeader('HX-Redirect') || '';
    if (to.indexOf('/login') === 0) settle(false);
    else if (e.detail.successful) settle(true);
  });

  function draftKey(form, field) {
    return PREFIX + user + ':' + location.pathname + ':' + (form.getAttribute('action') || '') + ':' + field.name;
  }
  function bind(root) {
    if (!store || !user || location.pathname.indexOf('/work') !== 0) return;
    var restored = 0;
    root.querySelectorAll('form[method="post"] textarea[name], form[method="POST"] textarea[name]').forEach(function (ta) {
      if (ta.hasAttribute('data-draft-bound')) return;
      ta.setAttribute('data-draft-bound', '');
      var form = ta.form;
      var k = draftKey(form, ta);
      var d = read(k);
      if (d && d.v && !ta.value.trim()) {
        ta.value = d.v;
        restored++;
        var details = ta.closest('details');
        if (details) details.open = true;
      }
      ta.addEventListener('input', function () {
        if (ta.value.trim()) store.setItem(k, JSON.stringify({ v: ta.value, t: Date.now(), s: 0 }));
        else store.removeItem(k);
      });
      form.addEventListener('submit', function () {
        var cur = read(k);
        if (cur) { cur.s = Date.now(); store.setItem(k, JSON.stringify(cur)); }
      });
    });
    if (restored && !document.querySelector('.draft-restored')) {
      var note = document.createElement('p');
      note.className = 'flash draft-restored';
      note.setAttribute('role', 'status');
      note.textContent = '已恢复您上次未提交的内容（保存在本机浏览器中），请检查后再提交。';
      var main = document.querySelector('main');
      if (main) main.insertBefore(note, main.firstChild);
    }
  }
  bind(document);
  document.addEventListener('htmx:afterSettle', function () { bind(document); });
  document.querySelectorAll('form[data-clear-drafts]').forEach(function (f) {
    f.addEventListener('submit', function () {
      keys().forEach(function (k) { if (k.indexOf(PREFIX + user + ':') === 0) store.removeItem(k); });
    });
  });

  if (!meta) return;
  var idle = parseInt(meta.getAttribute('data-idle'), 10) * 1000;
  var warn = parseInt(meta.getAttribute('data-warn'), 10) * 1000;
  var absoluteEnd = Date.now() + parseInt(meta.getAttribute('data-absolute-left'), 10) * 1000;
  if (!(idle > 0)) return;

  var box = document.createElement('div');
  box.className = 'session-warning';
  box.id = 'session-warning';
  box.setAttribute('role', 'alertdialog');
  box.setAttribute('aria-live', 'assertive');
  box.setAttribute('aria-labelledby', 'session-warning-text');
  box.hidden = true;
  var text = document.createElement('p');
  text.id = 'session-warning-text';
  var btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'primary';
  btn.id = 'session-continue';
  btn.textContent = '继续';
  box.appendChild(text);
  box.appendChild(btn);
  document.body.appendChild(box);

  var last = Date.now();
  var timer = null;
  function minutes(ms) { return Math.max(1, Math.round(ms / 60000)); }
  function schedule() {
    clearTimeout(timer);
    var untilWarn = last + idle - warn - Date.now();
    timer = setTimeout(tick, Math.max(1000, Math.min(untilWarn, 60000)));
  }
  function tick() {
    var now = Date.now();
    if (now >= absoluteEnd || now >= last + idle) {
      text.textContent = '登录已超时。您填写的文字已暂存在本机浏览器中，重新登录后回到本页会自动恢复。';
      btn.textContent = '重新登录';
      btn.setAttribute('data-login', '1');
      box.hidden = false;
      return;
    }
    if (absoluteEnd - now <= warn) {
      text.textContent = '本次登录将在约 ' + minutes(absoluteEnd - now) + ' 分钟后到期（最长登录时间），请尽快提交正在填写的内容；到期后须重新登录。';
      btn.textContent = '知道了';
      btn.setAttribute('data-dismiss', '1');
      box.hidden = false;
      timer = setTimeout(tick, 15000);
      return;
    }
    if (now >= last + idle - warn) {
      text.textContent = '您已有一段时间没有操作，约 ' + minutes(last + idle - now) + ' 分钟后将自动退出登录。点击“继续”保持登录，正在填写的内容不会丢失。';
      box.hidden = false;
      timer = setTimeout(tick, 15000);
      return;
    }
    schedule();
  }
  btn.addEventListener('click', function () {
    if (btn.getAttribute('data-login')) {
      location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
      return;
    }
    if (btn.getAttribute('data-dismiss')) {
      box.hidden = true;
      btn.removeAttribute('data-dismiss');
      btn.textContent = '继续';
      absoluteEnd = Infinity;
      schedule();
      return;
    }
    fetch('/session/keepalive', { method: 'POST', credentials: 'same-origin' }).then(function (res) {
      if (res.status === 204) {
        last = Date.now();
        box.hidden = true;
        schedule();
      } else {
        last = 0;
        tick();
      }
    }, function () { text.textContent = '网络连接失败，请稍后再点“继续”。'; });
  });
  // Requests htmx makes keep the session alive like a page load does.
  document.body.addEventListener('htmx:afterRequest', function () { last = Date.now(); });
  schedule();
})();
