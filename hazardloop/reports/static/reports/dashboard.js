/* Dashboard and big-screen charts: map coloured by the chosen indicator (click to drill down),
   per-day trend, breakdowns by sector and category. Data comes from the #hl-chart JSON. */
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("hl-chart").textContent);
  const dark = document.body.classList.contains("hl-screen");
  const theme = dark ? "dark" : null;
  const charts = [];
  // Tooltips drawn on the canvas: ECharts' HTML tooltips carry style= attributes, which the
  // Content-Security-Policy (style-src 'self') refuses.
  const TIP = "richText";
  function make(id) {
    const el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    const chart = echarts.init(el, theme, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }
  function drill(code) {
    const url = new URL(window.location.href);
    url.searchParams.set("region", code);
    window.location.href = url.toString();
  }
  const map = data.map && make("hl-map");
  if (map) {
    const values = data.regions.map((r) => r.value).filter((v) => v !== null);
    map.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "item", renderMode: TIP, formatter: (p) => p.name + "\n" + data.indicatorLabel + ": " + (p.value === undefined || isNaN(p.value) ? "—" : p.value) },
      visualMap: { min: Math.min(0, ...values), max: Math.max(1, ...values), left: 0, bottom: 0, calculable: true,
        inRange: { color: data.indicator.startsWith("overdue") ? ["#d4edda", "#dc3545"] : ["#f8d7da", "#ffc107", "#198754"] } },
      series: [{ type: "map", map: data.map.name, roam: false, label: { show: true, fontSize: dark ? 14 : 10 },
        data: data.regions.map((r) => ({ name: r.name, value: r.value === null ? NaN : r.value, code: r.code })) }],
    });
    map.on("click", (p) => { if (p.data && p.data.code) drill(p.data.code); });
  }
  const trend = make("hl-trend");
  if (trend) {
    trend.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "axis", renderMode: TIP }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: data.trend.days.map((d) => d.slice(5)) }, yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.found, type: "line", data: data.trend.found },
        { name: data.labels.rectified, type: "line", data: data.trend.rectified },
      ],
    });
  }
  for (const [id, key] of [["hl-sector", "sector"], ["hl-category", "category"]]) {
    const chart = make(id);
    if (chart) {
      chart.setOption({ backgroundColor: "transparent", tooltip: { trigger: "item", renderMode: TIP },
        series: [{ type: "pie", radius: ["35%", "70%"], data: data[key], label: { fontSize: dark ? 13 : 10 } }] });
    }
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
