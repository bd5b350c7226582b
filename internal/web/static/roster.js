// Check-in (进站签到): when the browser can tell where the phone is, fill in
// lat and lng before the form goes; without it (or without JavaScript) the
// plain form posts without a position.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (!form.classList || !form.classList.contains("rs-checkin") || form.dataset.located || !navigator.geolocation) return;
  ev.preventDefault();
  var status = form.querySelector(".rs-geo");
  if (status) status.textContent = "正在获取位置…";
  var send = function () { form.dataset.located = "1"; form.submit(); };
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.elements.lat.value = pos.coords.latitude.toFixed(6);
    form.elements.lng.value = pos.coords.longitude.toFixed(6);
    send();
  }, send, { timeout: 8000, maximumAge: 60000 });
});
