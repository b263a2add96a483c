// The post form's small helpers; without JavaScript the form works the same, minus the map.
// 1. Show only the detail questions of the chosen category (the server ignores the others),
//    and name an offer's capacity in the category's unit (beds, seats, items).
// 2. Show what the typed place resolves to, and let a click on the map refine the point.
(function () {
  var select = document.getElementById("id_category");
  var rootsScript = document.getElementById("category-roots");
  if (select && rootsScript) {
    var roots = JSON.parse(rootsScript.textContent);
    var unitsScript = document.getElementById("capacity-units");
    var units = unitsScript ? JSON.parse(unitsScript.textContent) : null;
    var capacityLabel = document.querySelector('label[for="id_capacity"]');
    var capacityHelp = document.getElementById("id_capacity_helptext");
    var updateGroups = function () {
      var root = roots[select.value] || "";
      document.querySelectorAll("fieldset[data-detail-group]").forEach(function (fieldset) {
        fieldset.hidden = fieldset.getAttribute("data-detail-group") !== root;
      });
      if (units && capacityLabel) {
        var unit = units[root] || units[""];
        capacityLabel.textContent = unit.label + ":";
        if (capacityHelp) capacityHelp.textContent = unit.help;
      }
    };
    select.addEventListener("change", updateGroups);
    updateGroups();
  }

  var place = document.getElementById("id_place_name");
  var mapBox = document.getElementById("place-map");
  var preview = document.getElementById("place-preview");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!place || !mapBox || !preview) return;
  var texts = JSON.parse(document.getElementById("place-texts").textContent);
  var map = null;
  var marker = null;
  var leafletLoading = null;

  // Leaflet (about 150 kB) is fetched only once a place is found and the map is worth showing:
  // a form opened on a prepaid phone costs a few kilobytes (issue 15).
  function withLeaflet(then) {
    if (typeof L !== "undefined") { then(); return; }
    if (!leafletLoading) {
      leafletLoading = new Promise(function (resolve, reject) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = mapBox.dataset.leafletCss;
        document.head.appendChild(css);
        var script = document.createElement("script");
        script.src = mapBox.dataset.leafletJs;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    leafletLoading.then(then, function () {});
  }

  function showOnMap(lat, lon) {
    if (typeof L === "undefined") { withLeaflet(function () { showOnMap(lat, lon); }); return; }
    mapBox.hidden = false;
    if (!map) {
      map = L.map(mapBox).setView([lat, lon], 12);
      L.tileLayer(mapBox.dataset.tiles, {
        attribution: mapBox.dataset.attribution,
        maxZoom: 18,
      }).addTo(map);
      map.on("click", function (event) {
        marker.setLatLng(event.latlng);
        latitude.value = event.latlng.lat.toFixed(5);
        longitude.value = event.latlng.lng.toFixed(5);
        preview.textContent = texts.refined;
      });
      marker = L.marker([lat, lon]).addTo(map);
    } else {
      map.setView([lat, lon], 12);
      marker.setLatLng([lat, lon]);
    }
  }

  function check(event) {
    // A newly typed name means an earlier map point no longer applies.
    if (event) { latitude.value = ""; longitude.value = ""; }
    var query = place.value.trim();
    if (!query) { preview.textContent = ""; return; }
    fetch(mapBox.dataset.checkUrl + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) { preview.textContent = data.error; return; }
        var name = data.region ? data.name + " (" + data.region + ")" : data.name;
        preview.textContent = texts.found.replace("%s", name);
        if (latitude.value && longitude.value) {
          showOnMap(parseFloat(latitude.value), parseFloat(longitude.value));
        } else {
          showOnMap(data.latitude, data.longitude);
        }
      })
      .catch(function () { preview.textContent = ""; });
  }

  place.addEventListener("change", check);
  if (place.value.trim()) check(null);
})();
