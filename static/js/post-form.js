// Shows only the detail questions of the chosen category; without JavaScript all are shown
// (each group says which category it is for) and the server ignores the others.
(function () {
  var select = document.getElementById("id_category");
  var rootsScript = document.getElementById("category-roots");
  if (!select || !rootsScript) return;
  var roots = JSON.parse(rootsScript.textContent);
  function update() {
    var root = roots[select.value] || "";
    document.querySelectorAll("fieldset[data-detail-group]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.getAttribute("data-detail-group") !== root;
    });
  }
  select.addEventListener("change", update);
  update();
})();
