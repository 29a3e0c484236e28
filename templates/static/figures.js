// Figures table: filter rows by district, industry and year; the choice is kept in the URL (?district=…).
(function () {
  var form = document.getElementById("figure-filters");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.filterable tbody tr"));
  if (!form || !rows.length) return;
  var params = new URLSearchParams(location.search);
  ["district", "industry", "year"].forEach(function (name) {
    if (params.get(name)) form.elements[name].value = params.get(name);
  });
  function has(list, value) { return !value || (" " + list + " ").indexOf(" " + value + " ") >= 0; }
  function apply() {
    var d = form.elements.district.value, i = form.elements.industry.value, y = form.elements.year.value, shown = 0;
    rows.forEach(function (row) {
      var ok = has(row.dataset.districts, d) && has(row.dataset.industries, i) && (!y || row.dataset.year === y);
      row.hidden = !ok;
      if (ok) shown++;
    });
    form.elements.count.value = shown + " / " + rows.length;
    var query = new URLSearchParams();
    if (d) query.set("district", d);
    if (i) query.set("industry", i);
    if (y) query.set("year", y);
    history.replaceState(null, "", query.toString() ? "?" + query : location.pathname);
  }
  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
