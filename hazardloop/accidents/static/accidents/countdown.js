/* Live countdowns to server-given deadlines (no network, no library).
 *
 *   <span data-countdown="2026-12-04T09:00:00+00:00">…</span>
 *   <body … data-server-now="ISO"> (or any ancestor element with data-server-now)
 *
 * The text becomes "01:23:45" left, or late by that much; the element's
 * data-left / data-late attributes give the translated sentence with "{t}" for the time.
 * The server's clock is the reference: the difference to the device's clock is measured once
 * from data-server-now, so a phone whose clock is wrong still counts down correctly. */
(function () {
  "use strict";
  const anchor = document.querySelector("[data-server-now]");
  const serverNow = anchor ? Date.parse(anchor.dataset.serverNow) : NaN;
  const skew = isNaN(serverNow) ? 0 : serverNow - Date.now();

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function span(ms) {
    const s = Math.floor(Math.abs(ms) / 1000);
    const h = Math.floor(s / 3600);
    return pad(h) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  function tick() {
    const now = Date.now() + skew;
    document.querySelectorAll("[data-countdown]").forEach((el) => {
      const due = Date.parse(el.dataset.countdown);
      if (isNaN(due)) return;
      const left = due - now;
      const late = left < 0;
      const sentence = (late ? el.dataset.late : el.dataset.left) || "{t}";
      el.textContent = sentence.replace("{t}", span(left));
      el.classList.toggle("text-danger", late);
      el.classList.toggle("fw-semibold", late || left < 15 * 60 * 1000);
      el.dataset.state = late ? "late" : "left";
    });
  }

  tick();
  setInterval(tick, 1000);
})();
