/* Attendance list: optional QR scanning with the phone camera (progressive enhancement).
   Without JavaScript, or in a browser without BarcodeDetector, the code is typed in the same form. */
(function () {
  "use strict";
  var form = document.querySelector(".code-form");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var button = form.querySelector(".js-scan");
  var video = form.querySelector(".scan-video");
  var input = form.querySelector("input[name=code]");
  if (!button || !video || !input) {
    return;
  }
  var detector;
  try {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch (e) {
    return;
  }
  var stream = null;
  var scanning = false;
  button.hidden = false;

  function stop() {
    scanning = false;
    if (stream) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
    }
    video.hidden = true;
    button.textContent = "QR-code scannen";
  }

  function tick() {
    if (!scanning) {
      return;
    }
    detector.detect(video).then(function (codes) {
      var value = codes.length ? String(codes[0].rawValue || "").trim() : "";
      if (value) {
        input.value = value;
        stop();
        form.submit();
        return;
      }
      window.setTimeout(tick, 250);
    }).catch(function () { window.setTimeout(tick, 500); });
  }

  button.addEventListener("click", function () {
    if (scanning) {
      stop();
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        scanning = true;
        button.textContent = "Stop met scannen";
        return video.play();
      })
      .then(tick)
      .catch(function () {
        stop();
        input.focus();
      });
  });
})();
