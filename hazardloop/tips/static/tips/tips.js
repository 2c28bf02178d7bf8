// The province tip page: fill the coordinates from the phone's position (no map tiles are
// loaded), or clear them.
(function () {
  const lat = document.getElementById("id_latitude");
  const lng = document.getElementById("id_longitude");
  if (!lat || !lng) return;
  const clear = document.querySelector("[data-tip-clear]");
  const locate = document.querySelector("[data-tip-locate]");
  if (clear) clear.addEventListener("click", () => { lat.value = ""; lng.value = ""; });
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((pos) => {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
      });
    });
  }
})();
