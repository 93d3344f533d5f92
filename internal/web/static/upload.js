// Progressive enhancement of the upload form: show the upload's progress,
// then the server's answer. Without JavaScript the form posts as usual.
(function () {
  var form = document.getElementById("upload");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var bar = document.getElementById("progress"), text = document.getElementById("progress-text");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      bar.value = Math.round(100 * e.loaded / e.total);
      text.textContent = bar.value === 100 ? "Uploaded; importing…" : "Uploading… " + bar.value + "%";
    };
    xhr.onload = function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
      history.replaceState(null, "", "/import");
    };
    xhr.onerror = function () { text.textContent = "The upload failed; try again."; };
    form.querySelector("button").disabled = true;
    xhr.send(new FormData(form));
  });
})();
