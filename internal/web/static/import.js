// Excel import: send the file with XMLHttpRequest to show the upload's
// progress, then show the server's report page. Without this script the
// form posts as usual.
document.querySelectorAll("form[data-import]").forEach(function (form) {
  form.addEventListener("submit", function (ev) {
    var box = form.querySelector("[data-progress]");
    if (!window.FormData || !box) return;
    ev.preventDefault();
    var bar = box.querySelector("progress"), text = box.querySelector("span");
    var button = form.querySelector("button");
    box.hidden = false;
    button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round(e.loaded * 100 / e.total);
      bar.value = pct;
      text.textContent = "正在上传 " + pct + "%";
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value");
      text.textContent = "上传完成，正在逐行检查和导入，请稍候…";
    };
    xhr.onload = function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.onerror = function () {
      button.disabled = false;
      text.textContent = "上传失败，请检查网络后重试";
    };
    xhr.open("POST", form.action);
    xhr.send(new FormData(form));
  });
});
