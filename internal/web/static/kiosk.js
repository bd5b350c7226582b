// A station's kiosk (portal_kiosk.go): nothing of one citizen stays for the
// next. After two minutes without a touch, or when a page comes back from
// the browser's history (Back, or the back-forward cache), start over: a
// new session and the station's empty form, replacing this history entry.
(function () {
  'use strict';
  var IDLE = 120 * 1000;
  function reset() { location.replace('/kiosk/next'); }
  var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
  if (nav && nav.type === 'back_forward') { reset(); return; }
  window.addEventListener('pageshow', function (e) { if (e.persisted) reset(); });
  var timer = null;
  function arm() { clearTimeout(timer); timer = setTimeout(reset, IDLE); }
  ['pointerdown', 'keydown', 'input', 'touchstart', 'scroll'].forEach(function (ev) {
    document.addEventListener(ev, arm, { passive: true });
  });
  arm();
})();
