// lls-graph viz page. All data comes from the JSON block and is only ever shown with
// textContent, option.text or DOM nodes: never innerHTML, so no label can run as code.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lls-data").textContent);
  var ui = data.ui;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fold(s) {
    return String(s).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function tooltip(tip) {
    var box = el("div");
    box.appendChild(el("div", "lls-tip-title", tip.label));
    tip.rows.forEach(function (row) {
      var line = el("div", "lls-tip-row");
      line.appendChild(el("span", "lls-tip-key", row[0] + ": "));
      line.appendChild(el("span", row[2] ? "lls-tip-quote" : "", row[1]));
      box.appendChild(line);
    });
    return box;
  }
  var byId = {}, hiddenNode = {}, hiddenEdge = {};
  data.nodes.forEach(function (n) {
    byId[n.id] = n;
    n.folded = n.names.map(fold);
    n.familyId = data.legend[n.family].family;
    n.hubIds = n.hubs.map(function (i) { return data.nodes[i].id; });
    n.specIds = n.specs.map(function (i) { return data.nodes[i].id; });
  });
  function nodeTip(n) {
    return { label: n.label, rows: [n.rows[0], [ui.id, n.id]].concat(n.rows.slice(1)) };
  }
  function edgeTip(e) {
    var relation = data.relations[e[2]];
    var rows = [[ui.relation, relation.id]].concat(e[3].map(function (s) { return [ui.source, s, true]; }));
    return { label: data.nodes[e[0]].label + " \u2014 " + relation.label + " \u2192 " + data.nodes[e[1]].label,
             rows: rows };
  }
  // Tooltips are built on first hover: building 40,000 of them up front doubled a 10 k-node page's first drawing.
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var family = data.legend[n.family];
    var v = { id: n.id, label: n.label, shape: family.shape, size: n.size, color: family.color };
    if (n.x !== undefined) { v.x = n.x; v.y = n.y; }
    return v;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return { id: i, from: data.nodes[e[0]].id, to: data.nodes[e[1]].id, label: data.relations[e[2]].label,
             arrows: "to" };
  }));
  var big = !data.physics;
  var options = {
    autoResize: true,
    layout: { randomSeed: data.seed, improvedLayout: false },
    physics: data.physics ? { enabled: true, solver: "forceAtlas2Based", stabilization: { iterations: 300 } } : false,
    nodes: { font: { size: 12 }, borderWidth: 1, scaling: { label: { drawThreshold: 6 } } },
    edges: { font: { size: 9, align: "middle", color: "#555" }, color: { color: "#aaa", highlight: "#333" },
             smooth: big ? false : { type: "continuous" }, width: 1 },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big }
  };
  var network = new vis.Network(document.getElementById("lls-network"), { nodes: nodes, edges: edges }, options);
  var titledNodes = {}, titledEdges = {};
  network.on("hoverNode", function (p) {
    if (titledNodes[p.node]) return;
    titledNodes[p.node] = true;
    nodes.update({ id: p.node, title: tooltip(nodeTip(byId[p.node])) });
  });
  network.on("hoverEdge", function (p) {
    if (titledEdges[p.edge]) return;
    titledEdges[p.edge] = true;
    edges.update({ id: p.edge, title: tooltip(edgeTip(data.edges[p.edge])) });
  });

  var status = document.getElementById("lls-status");
  document.getElementById("lls-search").placeholder = ui.search;
  document.getElementById("lls-search-go").textContent = ui.go;
  document.getElementById("lls-legend-title").textContent = ui.legend;
  var names = document.getElementById("lls-names");
  if (data.nodes.length <= 3000) {
    var seen = {};
    data.nodes.forEach(function (n) {
      n.names.forEach(function (name) {
        if (seen[name]) return;
        seen[name] = true;
        var o = document.createElement("option");
        o.value = name;
        names.appendChild(o);
      });
    });
  }

  function search(query) {
    var q = fold(query);
    if (!q) return [];
    var exact = [], partial = [];
    data.nodes.forEach(function (n) {
      if (hiddenNode[n.id]) return;
      if (n.folded.indexOf(q) >= 0 || fold(n.id) === q) exact.push(n.id);
      else if (n.folded.some(function (f) { return f.indexOf(q) >= 0; })) partial.push(n.id);
    });
    var found = exact.length ? exact : partial;
    network.unselectAll();
    if (found.length) {
      network.selectNodes(found);
      network.focus(found[0], { scale: 1.2, animation: false });
    }
    status.textContent = ui.found.replace("{n}", String(found.length));
    return found;
  }
  document.getElementById("lls-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("lls-search").value);
  });

  var filters = [["class", ui.filterClass, data.filters.classes], ["hub", ui.filterHub, data.filters.hubs],
                 ["spec", ui.filterSpec, data.filters.specialisations]];
  filters.forEach(function (f) {
    document.getElementById("lls-filter-" + f[0] + "-label").textContent = f[1];
    var select = document.getElementById("lls-filter-" + f[0]);
    var all = document.createElement("option");
    all.value = "";
    all.text = ui.all;
    select.appendChild(all);
    f[2].forEach(function (item) {
      var o = document.createElement("option");
      o.value = item.id;
      o.text = item.label;
      select.appendChild(o);
    });
    select.addEventListener("change", applyFilters);
  });
  function visible(n, cls, hub, spec) {
    if (cls && n.familyId !== cls) return false;
    if (hub && n.id !== hub && n.hubIds.indexOf(hub) < 0) return false;
    if (spec && n.id !== spec && n.specIds.indexOf(spec) < 0) return false;
    return true;
  }
  // Only what changes is sent to vis-network: at 10 k nodes, updating every item took seconds.
  function applyFilters() {
    var cls = document.getElementById("lls-filter-class").value;
    var hub = document.getElementById("lls-filter-hub").value;
    var spec = document.getElementById("lls-filter-spec").value;
    var nodeChanges = [], edgeChanges = [], count = 0;
    data.nodes.forEach(function (n) {
      var hide = !visible(n, cls, hub, spec);
      if (!hide) count++;
      if (hide !== !!hiddenNode[n.id]) nodeChanges.push({ id: n.id, hidden: hide });
      hiddenNode[n.id] = hide;
    });
    data.edges.forEach(function (e, i) {
      var hide = hiddenNode[data.nodes[e[0]].id] || hiddenNode[data.nodes[e[1]].id];
      if (hide !== !!hiddenEdge[i]) edgeChanges.push({ id: i, hidden: hide });
      hiddenEdge[i] = hide;
    });
    nodes.update(nodeChanges);
    edges.update(edgeChanges);
    status.textContent = ui.shown.replace("{n}", String(count)).replace("{t}", String(data.nodes.length));
    return count;
  }

  var legend = document.getElementById("lls-legend-list");
  data.legend.forEach(function (item) {
    var li = el("li");
    var sw = el("span", "lls-swatch lls-shape-" + item.shape);
    sw.style.background = item.color;
    li.appendChild(sw);
    li.appendChild(el("span", "", item.label + " (" + item.count + ")"));
    legend.appendChild(li);
  });

  function ready() {
    window.llsViz.ready = true;
    window.llsViz.readyAt = performance.now();
  }
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", ready);
  }
  window.llsViz = {
    network: network, nodes: nodes, edges: edges, search: search, applyFilters: applyFilters, ready: false,
    visibleNodes: function () { return nodes.get({ filter: function (n) { return !n.hidden; } }).length; },
    visibleEdges: function () { return edges.get({ filter: function (e) { return !e.hidden; } }).length; }
  };
})();
