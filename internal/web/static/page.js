// Behaviour that pages would otherwise write inline, which the
// Content-Security-Policy (script-src 'self') forbids.
document.addEventListener('click', function (e) {
  var t = e.target.closest && e.target.closest('[data-print],[data-back]');
  if (!t) return;
  if (t.hasAttribute('data-print')) {
    e.preventDefault();
    window.print();
  } else if (t.hasAttribute('data-back') && history.length > 1) {
    e.preventDefault();
    history.back();
  }
});
