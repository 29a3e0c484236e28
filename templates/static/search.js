// A small search over the open data (articles and figures) in the page's language; ?q= in the URL.
// The full search index (SPEC §7: jieba vocabulary, pinyin, bigrams) replaces this later.
(function () {
  var form = document.getElementById("search");
  var list = document.getElementById("results");
  if (!form || !list) return;
  var root = form.dataset.root, lang = form.dataset.lang, input = form.elements.q;
  var data = null;
  function get(name) { return fetch(root + "data/" + name).then(function (r) { return r.json(); }); }
  function load() {
    if (!data) data = Promise.all([get("articles.json"), get("figures.json")]);
    return data;
  }
  function text(value) { return value == null ? "" : String(value); }
  function item(type, title, href, snippet) {
    var li = document.createElement("li"), a = document.createElement("a"), span = document.createElement("span");
    span.className = "type"; span.textContent = type; a.href = href; a.textContent = title;
    li.appendChild(span); li.appendChild(a);
    if (snippet) { var p = document.createElement("p"); p.textContent = snippet; li.appendChild(p); }
    return li;
  }
  function run(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) return;
    load().then(function (all) {
      var found = 0;
      function match(s) { s = s.toLowerCase(); return terms.every(function (t) { return s.indexOf(t) >= 0; }); }
      all[0].forEach(function (a) {
        var title = text(a.title[lang]) || text(a.title.zh), summary = text(a.summary[lang]);
        if (match(title + " " + summary + " " + a.districts.join(" ") + " " + a.industries.join(" "))) {
          list.appendChild(item(lang === "zh" ? "文章" : "Article", title, root + a.url[lang] + "index.html", summary.slice(0, 160)));
          found++;
        }
      });
      all[1].forEach(function (f) {
        var label = text(f.metric[lang]) + " " + f.raw + " " + text(f.subject);
        if (lang === "zh" ? match(label + " " + f.quote) : match(text(f.metric.en) + " " + f.districts.join(" "))) {
          list.appendChild(item(lang === "zh" ? "数据" : "Figure", lang === "zh" ? f.raw + " · " + text(f.metric.zh) : text(f.metric.en) + " · " + f.id,
            root + lang + "/articles/" + f.article + "/index.html#fig-" + f.id));
          found++;
        }
      });
      if (!found) list.appendChild(document.createTextNode(form.dataset.none));
    });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    run(input.value);
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; run(q); }
})();
