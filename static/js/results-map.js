// A clustered map of the posts listed on this page; the list itself works without it.
(function () {
  var box = document.getElementById("results-map");
  var data = document.getElementById("results-markers");
  if (!box || !data || typeof L === "undefined") return;
  var markers = JSON.parse(data.textContent);
  if (!markers.length) return;
  box.hidden = false;
  var map = L.map(box);
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  var group = L.markerClusterGroup ? L.markerClusterGroup() : L.featureGroup();
  markers.forEach(function (item) {
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title; // textContent: titles are user input, never HTML
    group.addLayer(L.marker([item.lat, item.lon]).bindPopup(link));
  });
  map.addLayer(group);
  map.fitBounds(L.featureGroup(group.getLayers()).getBounds().pad(0.2), { maxZoom: 12 });
})();
