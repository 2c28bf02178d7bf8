// The signature pad of the phone signing page: draw with a finger, sent as a PNG data URL.
(function () {
  "use strict";
  const canvas = document.getElementById("pad");
  if (!canvas) return;
  const form = canvas.closest("form");
  const field = document.getElementById("signature");
  const ctx = canvas.getContext("2d");
  let drawing = false;
  let drawn = false;
  function fit() {
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    if (w && (canvas.width !== w || canvas.height !== h)) {
      canvas.width = w;
      canvas.height = h;
      drawn = false;
    }
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";
  }
  function point(e) {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)];
  }
  fit();
  window.addEventListener("resize", fit);
  canvas.addEventListener("pointerdown", function (e) {
    drawing = true;
    try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* synthetic pointers */ }
    const p = point(e);
    ctx.beginPath();
    ctx.moveTo(p[0], p[1]);
    e.preventDefault();
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drawing) return;
    const p = point(e);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    drawn = true;
  });
  function end() { drawing = false; }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointerleave", end);
  document.getElementById("clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  });
  form.addEventListener("submit", function () {
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
