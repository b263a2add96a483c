// A small map per proposal with the offer and the need; the queue works without it.
(function () {
  var data = document.getElementById("pair-points");
  if (!data || typeof L === "undefined") return;
  JSON.parse(data.textContent).forEach(function (pair) {
    var box = document.getElementById("pair-map-" + pair.id);
    if (!box) return;
    box.hidden = false;
    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
    var offer = L.circleMarker(pair.offer, { color: "#0057b7" }).bindTooltip(box.dataset.offerLabel);
    var need = L.circleMarker(pair.need, { color: "#b70000" }).bindTooltip(box.dataset.needLabel);
    var group = L.featureGroup([offer, need, L.polyline([pair.offer, pair.need])]).addTo(map);
    map.fitBounds(group.getBounds().pad(0.3), { maxZoom: 13 });
  });
})();
