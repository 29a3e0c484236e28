// Client-side search (SPEC §7) over the index the build writes to <lang>/search/index.json.
// The index format and the indexing rules are described in generator/search.py; normalise() and stem()
// here must stay the same as there. No framework, no third-party host.
(function () {
  "use strict";

  var ENGLISH_STOP = " a an and are as at be by for from has have in into is it its of on or the to was were with ";
  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
  var PREFIX_FACTOR = 0.6, FALLBACK_FACTOR = 0.5, MAX_EXPANSIONS = 40;
  var MAX_RESULTS = 200, PAGE_SIZE = 20, SUGGESTIONS = 6;
  var EXPANSION_POSTINGS = 10000; // per query piece, from postings files (about 8 KB gzip), see loadPostings

  function normalise(text) {
    return text.normalize("NFKC").toLowerCase().replace(/(\d),(?=\d{3})/g, "$1");
  }

  function stem(word) {
    if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
    if (/ies$/.test(word) && word.length > 4) return word.slice(0, -3) + "y";
    if (/(sses|xes|ches|shes)$/.test(word)) return word.slice(0, -2);
    if (/s$/.test(word) && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
    return word;
  }

  // ---- the index -------------------------------------------------------------------------------
  // Split into an entry file, term shards and document shards (see generator/search.py); an Index
  // holds the entry and whatever shards the queries so far have needed.

  function Index(entry, base) {
    this.entry = entry;
    this.base = base;
    this.weights = entry.w;
    this.terms = Object.create(null);
    this.ascii = []; // sorted ASCII terms of the loaded shards, for prefix matching
    this.cjk = []; // loaded terms with Chinese characters, for the bigram fallback
    this.longest = 1;
    this.termShards = {};
    this.postingFiles = {}; // file number → promise of its postings
    this.ownPostings = Object.create(null); // term → its postings, once its file is loaded
    this.docShards = {};
    this.kinds = kindsByNumber(entry.k, entry.m);
  }

  // entry.k is runs of kinds over the document numbers: [kind, count, kind, count, ...] (a number
  // whose document went keeps its old kind; no posting names it).
  function kindsByNumber(runs, size) {
    var kinds = new Uint8Array(size), at = 0;
    for (var r = 0; r + 1 < runs.length; r += 2) {
      kinds.fill(runs[r], at, at + runs[r + 1]);
      at += runs[r + 1];
    }
    return kinds;
  }

  function fetchJSON(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + url);
      return response.json();
    });
  }

  // Same hash as generator/search.py shard_of: 31-multiplier over UTF-16 code units of the shard key.
  Index.prototype.shardOf = function (term) {
    var key = term.length === 1 || CJK.test(term.charAt(0)) ? term.charAt(0) : term.slice(0, 2), hash = 0;
    for (var i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) >>> 0;
    return hash % this.entry.t;
  };

  Index.prototype.load = function (n) {
    var self = this;
    if (!this.termShards[n]) {
      this.termShards[n] = fetchJSON(this.base + "t" + n + ".json").then(function (shard) { self.addTerms(shard); });
    }
    return this.termShards[n];
  };

  // Loads the term shards a query touches: one per word or number, and for Chinese one per character
  // where parse() looks for a word. Forward maximum matching only needs the terms that start where a
  // word starts, so the characters inside a word already found need no shard of their own (智能网联新能源汽车
  // is one term: one shard, not nine); the shards come one word after another.
  Index.prototype.prepare = function (text) {
    var self = this, latin = text.match(/[a-z0-9][a-z0-9.%]*/g) || [];
    function from(at) {
      while (at < text.length && !CJK.test(text.charAt(at))) at++;
      if (at >= text.length) return Promise.resolve();
      return self.load(self.shardOf(text.charAt(at))).then(function () {
        var word = self.longestAt(text, at, 2);
        return from(at + (word ? word.length : 1));
      });
    }
    return Promise.all(latin.map(function (piece) { return self.load(self.shardOf(piece)); }).concat([from(0)]));
  };

  // Loads the postings files a query's groups need. A term with many postings has them in a file of its own
  // (its term shard has {f: file number, n: number of postings} instead). A group's own words are always
  // loaded; its expansions (prefix matches, terms containing an unknown piece: a two-letter prefix or one
  // character can match dozens of common terms) only while their postings from files stay within
  // EXPANSION_POSTINGS, in the order parse() gave them; the others are dropped from the group.
  Index.prototype.loadPostings = function (groups) {
    var self = this, loading = [];
    groups.forEach(function (group) {
      var budget = EXPANSION_POSTINGS;
      group.terms = group.terms.filter(function (pair) {
        var value = self.terms[pair[0]];
        if (Array.isArray(value)) return true;
        if (pair[1] < 1) {
          if (value.n > budget) return false;
          budget -= value.n;
        }
        if (!self.postingFiles[value.f]) self.postingFiles[value.f] = fetchJSON(self.base + "p" + value.f + ".json");
        loading.push(self.postingFiles[value.f].then(function (packed) { self.ownPostings[pair[0]] = packed; }));
        return true;
      });
    });
    return Promise.all(loading);
  };

  Index.prototype.addTerms = function (shard) {
    var addedAscii = false;
    for (var term in shard) {
      this.terms[term] = shard[term];
      if (CJK.test(term)) {
        this.cjk.push(term);
        if (term.length > this.longest) this.longest = term.length;
      } else {
        this.ascii.push(term);
        addedAscii = true;
      }
    }
    if (addedAscii) this.ascii.sort();
  };

  Index.prototype.kind = function (doc) {
    return this.kinds[doc];
  };

  // The rows ([title, path, text, zh]) of the given documents, loading their document shards.
  Index.prototype.rows = function (docs) {
    var self = this, size = this.entry.d, shards = {};
    docs.forEach(function (doc) { shards[Math.floor(doc / size)] = true; });
    return Promise.all(Object.keys(shards).map(function (n) {
      if (!self.docShards[n]) self.docShards[n] = fetchJSON(self.base + "d" + n + ".json");
      return self.docShards[n];
    })).then(function () {
      return Promise.all(docs.map(function (doc) {
        return self.docShards[Math.floor(doc / size)].then(function (rows) { return rows[doc % size]; });
      }));
    });
  };

  Index.prototype.has = function (term) {
    return Object.prototype.hasOwnProperty.call(this.terms, term);
  };

  // A term's postings, each gap * 8 + weight index (see generator/search.py). Postings in a file of their
  // own must have been loaded (loadPostings).
  Index.prototype.postings = function (term) {
    var value = this.has(term) ? this.ownPostings[term] || this.terms[term] : [];
    return Array.isArray(value) ? value : [];
  };

  Index.prototype.withPrefix = function (prefix) {
    var lo = 0, hi = this.ascii.length, out = [];
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (this.ascii[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    for (var i = lo; i < this.ascii.length && this.ascii[i].lastIndexOf(prefix, 0) === 0; i++) out.push(this.ascii[i]);
    return out.sort(function (a, b) { return a.length - b.length; }).slice(0, MAX_EXPANSIONS);
  };

  Index.prototype.containing = function (piece) {
    var out = [];
    for (var i = 0; i < this.cjk.length && out.length < MAX_EXPANSIONS; i++) {
      if (this.cjk[i].indexOf(piece) >= 0) out.push(this.cjk[i]);
    }
    return out;
  };

  // The longest index term that starts at text[at] and is at least `min` characters long.
  Index.prototype.longestAt = function (text, at, min) {
    for (var n = Math.min(this.longest, text.length - at); n >= min; n--) {
      if (this.has(text.substr(at, n))) return text.substr(at, n);
    }
    return null;
  };

  // ---- queries -----------------------------------------------------------------------------------

  // A query becomes groups; a document must match every group (or as many as any document does).
  // A group is the alternatives for one piece of the query: [term, factor] pairs.
  function parse(index, query) {
    var text = normalise(query), groups = [], unknown = "", words = [];
    function flushWords() {
      mergePinyin(index, words).forEach(function (word) { groups.push(englishGroup(index, word)); });
      words = [];
    }
    function flushUnknown() {
      if (!unknown) return;
      if (unknown.length === 1) {
        var alternatives = index.has(unknown) ? [[unknown, 1]] : [];
        index.containing(unknown).forEach(function (t) { if (t !== unknown) alternatives.push([t, FALLBACK_FACTOR]); });
        groups.push({ surface: unknown, terms: alternatives });
      } else {
        for (var k = 0; k + 2 <= unknown.length; k++) {
          var gram = unknown.substr(k, 2);
          groups.push({ surface: gram, terms: index.containing(gram).map(function (t) { return [t, FALLBACK_FACTOR]; }) });
        }
      }
      unknown = "";
    }
    var at = 0;
    while (at < text.length) {
      var ch = text.charAt(at);
      if (CJK.test(ch)) {
        flushWords();
        var word = index.longestAt(text, at, 2);
        if (word) {
          flushUnknown();
          groups.push({ surface: word, terms: [[word, 1]] });
          at += word.length;
        } else {
          unknown += ch;
          at += 1;
        }
      } else if (/[0-9]/.test(ch)) {
        flushUnknown();
        flushWords();
        var number = /^[0-9]+(?:\.[0-9]+)?%?/.exec(text.slice(at))[0];
        var withUnit = index.longestAt(text, at, number.length + 1); // 399.9亿, 399.9亿元
        var token = withUnit || number;
        groups.push({ surface: token, terms: exactOrPrefix(index, token) });
        at += token.length;
      } else if (/[a-z]/.test(ch)) {
        flushUnknown();
        var latin = /^[a-z]+/.exec(text.slice(at))[0];
        words.push(latin);
        at += latin.length;
      } else {
        flushUnknown();
        at += 1;
      }
    }
    flushUnknown();
    flushWords();
    return groups.filter(function (g) { return g.terms.length; }).length ? groups : [];
  }

  // "tong liang" → "tongliang" when the joined syllables are an indexed pinyin name (or, for the last
  // words typed, the start of one). Runs before stop words are dropped: "nan an" is 南岸.
  function mergePinyin(index, words) {
    var out = [];
    for (var i = 0; i < words.length; i++) {
      var joined = words[i], best = null, bestEnd = i;
      for (var j = i + 1; j < words.length; j++) {
        joined += words[j];
        var startsName = index.withPrefix(joined).length > 0;
        if (index.has(joined) || (j === words.length - 1 && startsName)) {
          best = joined;
          bestEnd = j;
        } else if (!startsName) {
          break;
        }
      }
      if (best) { out.push(best); i = bestEnd; } else { out.push(words[i]); }
    }
    return out.filter(function (w) { return ENGLISH_STOP.indexOf(" " + w + " ") < 0; });
  }

  function englishGroup(index, word) {
    var stemmed = stem(word), alternatives = [];
    if (index.has(stemmed)) alternatives.push([stemmed, 1]);
    if (stemmed !== word && index.has(word)) alternatives.push([word, 1]);
    if (word.length >= 2) {
      index.withPrefix(word).forEach(function (t) {
        if (t !== stemmed && t !== word) alternatives.push([t, PREFIX_FACTOR]);
      });
    }
    return { surface: word, terms: alternatives, latin: true };
  }

  function exactOrPrefix(index, token) {
    var alternatives = index.has(token) ? [[token, 1]] : [];
    if (!CJK.test(token)) {
      index.withPrefix(token).forEach(function (t) { if (t !== token) alternatives.push([t, PREFIX_FACTOR]); });
    }
    return alternatives;
  }

  // Arrays indexed by document number, made once per index and left all zero after each use: a query
  // touches few of the documents, and allocating arrays of the archive's size for each query is slow.
  Index.prototype.scratch = function () {
    var n = this.entry.m;
    if (!this.zeroed) {
      this.zeroed = { score: new Float64Array(n), term: new Int32Array(n), matched: new Int32Array(n) };
    }
    return this.zeroed;
  };

  // The search itself works on typed arrays and reads each term's postings once, as they are: a first query
  // runs this code cold, and a common term has tens of thousands of postings. Each loop over postings or
  // documents is a small function of its own that returns right after it: V8 optimises a long loop while it
  // runs (on-stack replacement), but the optimised code is thrown away when it meets code after the loop
  // that has not run yet, so a loop inside a larger function ran unoptimised again for each alternative and
  // group (seen with Chromium's --js-flags=--trace-deopt). Cold loops are still most of a first query's time.

  // A group's best alternative for each document it matches: docs[i], its score scores[i] and terms[i], 1 + the
  // alternative's position (null: all 1). Of equal scores the first alternative's counts. Nothing is sorted:
  // sorting tens of thousands of numbers took 5-10 ms in a first query.
  function bestOfGroup(index, group) {
    if (group.terms.length === 1) return onlyAlternative(index, group.terms[0]);
    var scratch = index.scratch(), size = 0, count = 0, t;
    for (t = 0; t < group.terms.length; t++) size += index.postings(group.terms[t][0]).length;
    var matching = new Int32Array(size);
    for (t = 0; t < group.terms.length; t++) {
      var packed = index.postings(group.terms[t][0]), scoreOf = postingScores(index, packed, group.terms[t][1]);
      count = keepBest(packed, scoreOf, t + 1, scratch.score, scratch.term, matching, count);
    }
    var docs = matching.subarray(0, count), scores = new Float64Array(count), terms = new Int32Array(count);
    takeBest(docs, scratch.score, scratch.term, scores, terms);
    return { docs: docs, scores: scores, terms: terms };
  }

  // Notes each document's best score so far in score[doc] and its alternative in term[doc] (0: none yet),
  // and the documents met for the first time in matching[count…]; returns the new count.
  function keepBest(packed, scoreOf, alternative, score, term, matching, count) {
    for (var i = 0, doc = 0; i < packed.length; i++) {
      var posting = packed[i];
      doc += posting >> 3;
      var s = scoreOf[posting & 7];
      if (term[doc] === 0) {
        matching[count++] = doc;
        score[doc] = s;
        term[doc] = alternative;
      } else if (score[doc] < s) {
        score[doc] = s;
        term[doc] = alternative;
      }
    }
    return count;
  }

  // Moves the scores and alternatives of `docs` out of the scratch arrays, leaving them zero.
  function takeBest(docs, score, term, scores, terms) {
    for (var i = 0; i < docs.length; i++) {
      var doc = docs[i];
      scores[i] = score[doc];
      terms[i] = term[doc];
      score[doc] = 0;
      term[doc] = 0;
    }
  }

  // A group of one term: its postings decoded, each with its score.
  function onlyAlternative(index, pair) {
    var packed = index.postings(pair[0]), docs = new Int32Array(packed.length), scores = new Float64Array(packed.length);
    decode(packed, postingScores(index, packed, pair[1]), docs, scores);
    return { docs: docs, scores: scores, terms: null };
  }

  function decode(packed, scoreOf, docs, scores) {
    for (var i = 0, doc = 0; i < packed.length; i++) {
      var posting = packed[i];
      doc += posting >> 3;
      docs[i] = doc;
      scores[i] = scoreOf[posting & 7];
    }
  }

  // A posting's score by its weight index (its low 3 bits): weight × factor × idf, worked out once per term
  // so that the loops over postings do one lookup each.
  function postingScores(index, postings, factor) {
    var rarity = Math.log(1 + index.entry.n / Math.max(1, postings.length)), scores = new Float64Array(8);
    for (var w = 0; w < index.weights.length; w++) scores[w] = index.weights[w] * factor * rarity;
    return scores;
  }

  // The documents that match the most groups, and their scores: the sum over groups of each group's best.
  function combine(index, best) {
    if (best.length === 1) return { docs: best[0].docs, scores: best[0].scores, most: 1 };
    var scratch = index.scratch(), count = 0, size = 0, g;
    for (g = 0; g < best.length; g++) size += best[g].docs.length;
    var found = new Int32Array(size);
    for (g = 0; g < best.length; g++) {
      count = addGroup(best[g].docs, best[g].scores, scratch.score, scratch.matched, found, count);
    }
    var most = mostMatched(found, count, scratch.matched), scores = new Float64Array(count);
    var kept = keepMost(found, count, most, scratch.score, scratch.matched, scores);
    return { docs: found.subarray(0, kept), scores: scores.subarray(0, kept), most: most };
  }

  // Adds a group's scores to total[doc] and counts it in matched[doc]; the documents met for the first time
  // go to found[count…]; returns the new count.
  function addGroup(docs, scores, total, matched, found, count) {
    for (var i = 0; i < docs.length; i++) {
      var doc = docs[i];
      if (matched[doc] === 0) found[count++] = doc;
      matched[doc] += 1;
      total[doc] += scores[i];
    }
    return count;
  }

  function mostMatched(found, count, matched) {
    var most = 0;
    for (var i = 0; i < count; i++) if (matched[found[i]] > most) most = matched[found[i]];
    return most;
  }

  // Keeps in found[0…] the documents that match `most` groups, their totals in scores; clears the scratch
  // arrays; returns how many were kept.
  function keepMost(found, count, most, total, matched, scores) {
    var kept = 0;
    for (var i = 0; i < count; i++) {
      var doc = found[i];
      if (matched[doc] === most) {
        found[kept] = doc;
        scores[kept++] = total[doc];
      }
      total[doc] = 0;
      matched[doc] = 0;
    }
    return kept;
  }

  // Score = the sum over groups of each group's best alternative; the documents that match the most groups,
  // best first, ties by document number (numbered kind by kind when the index was last numbered afresh,
  // so entity pages come first).
  function search(index, groups) {
    var best = groups.map(function (group) { return bestOfGroup(index, group); });
    var found = best.length ? combine(index, best) : { docs: [], scores: [], most: 0 };
    var results = top(found.docs, found.scores, MAX_RESULTS).map(function (i) {
      return { doc: found.docs[i], score: found.scores[i], terms: [] };
    });
    withTerms(results, groups, best, index.scratch().term);
    return { groups: groups, results: results, complete: found.most === groups.length };
  }

  // Each result's terms (for highlighting): the best alternative of each group it matches, in group order.
  function withTerms(results, groups, best, position) {
    results.forEach(function (r, i) { position[r.doc] = i + 1; });
    best.forEach(function (b, g) { termsOfGroup(results, b, groups[g].terms, position); });
    results.forEach(function (r) { position[r.doc] = 0; });
  }

  function termsOfGroup(results, best, alternatives, position) {
    for (var i = 0; i < best.docs.length; i++) {
      var at = position[best.docs[i]];
      if (at) results[at - 1].terms.push(alternatives[best.terms ? best.terms[i] - 1 : 0][0]);
    }
  }

  // The positions of the `limit` best by score, best first (ties: lower document number first), in one pass
  // that keeps the best so far in a heap whose root is the worst of them: sorting tens of thousands of scores
  // to find the limit-th took 5-10 ms in a first query.
  function top(docs, scores, limit) {
    var heap = new Int32Array(Math.min(limit, docs.length));
    keepBestPositions(docs, scores, heap);
    return Array.prototype.slice.call(heap).sort(function (a, b) { return scores[b] - scores[a] || docs[a] - docs[b]; });
  }

  function keepBestPositions(docs, scores, heap) {
    for (var i = 0, size = 0; i < scores.length; i++) {
      if (size < heap.length) {
        heap[size] = i;
        siftUp(heap, size++, docs, scores);
      } else if (worse(heap[0], i, docs, scores)) {
        heap[0] = i;
        siftDown(heap, docs, scores);
      }
    }
  }

  // The result at position a is worse than the one at b: a lower score, or the same and a later document.
  function worse(a, b, docs, scores) {
    return scores[a] < scores[b] || (scores[a] === scores[b] && docs[a] > docs[b]);
  }

  function siftUp(heap, at, docs, scores) {
    while (at > 0) {
      var parent = (at - 1) >> 1;
      if (!worse(heap[at], heap[parent], docs, scores)) return;
      var swap = heap[at]; heap[at] = heap[parent]; heap[parent] = swap;
      at = parent;
    }
  }

  function siftDown(heap, docs, scores) {
    for (var at = 0; ; ) {
      var child = 2 * at + 1, worst = at;
      if (child < heap.length && worse(heap[child], heap[worst], docs, scores)) worst = child;
      if (child + 1 < heap.length && worse(heap[child + 1], heap[worst], docs, scores)) worst = child + 1;
      if (worst === at) return;
      var swap = heap[at]; heap[at] = heap[worst]; heap[worst] = swap;
      at = worst;
    }
  }

  // ---- showing results ---------------------------------------------------------------------------

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // One pattern for everything worth highlighting: the query's pieces and the terms that matched.
  function highlighter(groups, terms) {
    var pieces = [];
    groups.forEach(function (g) { if (g.surface.length > 1 || CJK.test(g.surface)) pieces.push(g.surface); });
    terms.forEach(function (t) { pieces.push(t); });
    pieces = pieces.filter(function (p, i) { return p && pieces.indexOf(p) === i; });
    pieces.sort(function (a, b) { return b.length - a.length; });
    if (!pieces.length) return null;
    var alternatives = pieces.map(function (p) {
      return /^[a-z]/.test(p) ? "\\b" + escapeRegExp(p) + "[a-z]*" : escapeRegExp(p);
    });
    return new RegExp(alternatives.join("|"), "gi");
  }

  function marked(parent, text, pattern) {
    var last = 0;
    if (pattern) {
      pattern.lastIndex = 0;
      var m;
      while ((m = pattern.exec(text)) !== null) {
        if (!m[0].length) { pattern.lastIndex += 1; continue; }
        parent.appendChild(document.createTextNode(text.slice(last, m.index)));
        var mark = document.createElement("mark");
        mark.textContent = m[0];
        parent.appendChild(mark);
        last = m.index + m[0].length;
      }
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // A window of the text around its first highlighted term.
  function excerpt(text, pattern, length) {
    if (text.length <= length) return text;
    var start = 0;
    if (pattern) {
      pattern.lastIndex = 0;
      var m = pattern.exec(text);
      if (m && m.index > length / 3) start = m.index - Math.floor(length / 4);
    }
    var end = Math.min(text.length, start + length);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function href(settings, path) {
    var hash = path.indexOf("#"), page = hash < 0 ? path : path.slice(0, hash);
    return settings.pages + page + "index.html" + (hash < 0 ? "" : path.slice(hash));
  }

  function resultItem(settings, kind, row, found, groups, snippetLength) {
    var pattern = highlighter(groups, found.terms);
    var li = document.createElement("li"), a = document.createElement("a");
    var badge = document.createElement("span"), title = document.createElement("span");
    li.className = "result kind-" + kind;
    badge.className = "type";
    badge.textContent = settings.kinds[kind];
    title.className = "title";
    a.href = href(settings, row[1]);
    marked(title, row[0], pattern);
    a.appendChild(badge); // spaced by its margin: a space inside the link would be underlined
    a.appendChild(title);
    li.appendChild(a);
    if (row[2] && snippetLength) {
      var p = document.createElement("p");
      p.className = "snippet";
      marked(p, excerpt(row[2], pattern, snippetLength), pattern);
      li.appendChild(p);
    }
    if (row[3]) {
      title.lang = "zh-Hans";
      if (li.lastChild !== a) li.lastChild.lang = "zh-Hans";
    }
    return li;
  }

  // The list items of results[from, to), in order, once their document shards are loaded.
  function resultItems(settings, index, answer, from, to, snippetLength) {
    var shown = answer.results.slice(from, to);
    return index.rows(shown.map(function (r) { return r.doc; })).then(function (rows) {
      return shown.map(function (found, i) {
        return resultItem(settings, index.kind(found.doc), rows[i], found, answer.groups, snippetLength);
      });
    });
  }

  // ---- wiring ------------------------------------------------------------------------------------

  var indexes = {};
  function loadIndex(url) {
    if (!indexes[url]) {
      var base = url.slice(0, url.lastIndexOf("/") + 1);
      indexes[url] = fetchJSON(url).then(function (entry) { return new Index(entry, base); });
    }
    return indexes[url];
  }

  // Loads what the query needs (the term shards to parse it, then the postings files of the terms it
  // uses), then answers it; `ms` is the time of parsing and searching, not of loading.
  function answer(settings, query) {
    return loadIndex(settings.index).then(function (index) {
      var groups, parsing;
      return index.prepare(normalise(query)).then(function () {
        var started = performance.now();
        groups = parse(index, query);
        parsing = performance.now() - started;
        return index.loadPostings(groups);
      }).then(function () {
        var started = performance.now(), result = search(index, groups);
        result.ms = parsing + performance.now() - started;
        result.index = index;
        return result;
      });
    });
  }

  function settingsOf(form) {
    var d = form.dataset;
    return {
      index: d.index, pages: d.pages, kinds: d.kinds.split("|"), none: d.none,
      count: d.count, offline: d.offline, all: d.all
    };
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // Arrow keys move between the box and the result links; Escape goes back to the box.
  function keyboard(input, list, onEscape) {
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && links().length) { e.preventDefault(); links()[0].focus(); }
      if (e.key === "Escape" && onEscape) onEscape();
    });
    list.addEventListener("keydown", function (e) {
      var all = links(), at = all.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && at < all.length - 1) { e.preventDefault(); all[at + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (at > 0 ? all[at - 1] : input).focus(); }
      if (e.key === "Escape") { e.preventDefault(); input.focus(); if (onEscape) onEscape(); }
    });
  }

  function searchPage(form) {
    var settings = settingsOf(form), input = form.elements.q;
    var list = document.getElementById("results"), status = document.getElementById("search-status");
    var more = document.getElementById("more-results"), timer = null, current = null;
    function show(result, from) {
      var to = from + PAGE_SIZE;
      return resultItems(settings, result.index, result, from, to, 180).then(function (items) {
        if (current !== result) return;
        items.forEach(function (item) { list.appendChild(item); });
        more.hidden = to >= result.results.length;
        more.onclick = function () { show(result, to); };
      });
    }
    function run(query, remember) {
      if (remember) history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
      if (!query.trim()) { list.textContent = ""; status.textContent = ""; more.hidden = true; return; }
      answer(settings, query).then(function (result) {
        if (input.value !== query) return; // a newer query is on its way
        current = result;
        list.textContent = "";
        list.dataset.ms = result.ms.toFixed(2);
        return show(result, 0).then(function () {
          var n = result.results.length;
          status.textContent = n ? fill(settings.count, { n: n, q: query }) : settings.none;
        });
      }).catch(function () {
        status.textContent = settings.offline;
      });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); run(input.value, true); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(input.value, true); }, 80);
    });
    keyboard(input, list, null);
    var query = new URLSearchParams(location.search).get("q");
    if (query) { input.value = query; run(query, false); }
  }

  function searchBox(form) {
    var settings = settingsOf(form), input = form.elements.q, list = form.querySelector(".suggest");
    var timer = null;
    function close() { list.hidden = true; list.textContent = ""; }
    function run() {
      var query = input.value;
      if (!query.trim()) { close(); return; }
      answer(settings, query).then(function (result) {
        return resultItems(settings, result.index, result, 0, SUGGESTIONS, 0).then(function (items) {
          if (input.value !== query) return;
          list.textContent = "";
          items.forEach(function (item) { list.appendChild(item); });
          var all = document.createElement("li"), link = document.createElement("a");
          all.className = "all";
          link.href = form.action + "?q=" + encodeURIComponent(query);
          link.textContent = result.results.length ? settings.all + " (" + result.results.length + ")" : settings.none;
          all.appendChild(link);
          list.appendChild(all);
          list.hidden = false;
        });
      }).catch(close);
    }
    input.addEventListener("focus", function () { loadIndex(settings.index).catch(function () {}); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 80); });
    form.addEventListener("focusout", function (e) { if (!form.contains(e.relatedTarget)) close(); });
    keyboard(input, list, close);
  }

  var forms = document.querySelectorAll("form[data-search]");
  for (var i = 0; i < forms.length; i++) {
    if (forms[i].dataset.search === "page") searchPage(forms[i]); else searchBox(forms[i]);
  }
})();
