/* newsgraph: draws the view embedded in this page with vis-network.
 *
 * Text from the data is only ever shown through textContent (never innerHTML), and only http(s)
 * URLs become links. Positions come with the data (computed by newsgraph), so physics is off and
 * the page is usable as soon as it is drawn. window.newsgraph exposes the network for tests.
 */
(function () {
  "use strict";

  var KINDS = ["a", "p", "t"];
  var KIND_NAMES = { a: "article", p: "provider", t: "topic" };
  var EDGE_NAMES = {
    published_by: "published by (article \u2192 provider)",
    has_topic: "has topic (article \u2192 topic)",
    related_to: "related to (article \u2192 the article it lists)",
  };

  var data = JSON.parse(document.getElementById("newsgraph-data").textContent);
  var nodes = data.nodes;
  var count = nodes.length;
  var api = (window.newsgraph = { data: data, ready: false, network: null });

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, text, className) {
    var element = document.createElement(tag);
    if (text !== undefined && text !== null) element.textContent = String(text);
    if (className) element.className = className;
    return element;
  }

  function webLink(url) {
    if (typeof url !== "string") return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function styleOf(node) {
    if (node.k === "a") return node.st ? data.nodeStyles.stub : data.nodeStyles.article;
    return node.k === "p" ? data.nodeStyles.provider : data.nodeStyles.topic;
  }

  // Who links to whom, in this view.
  var neighbours = nodes.map(function () {
    return [];
  });
  data.edges.forEach(function (edge) {
    neighbours[edge[0]].push(edge[1]);
    neighbours[edge[1]].push(edge[0]);
  });

  function providerNames(node) {
    if (node.p) return node.p.map(function (i) { return data.providers[i]; });
    return node.pn ? [node.pn] : [];
  }

  function topicNames(node) {
    return (node.tp || []).map(function (i) { return data.topics[i]; });
  }

  // ---- the network -------------------------------------------------------------------------
  var visNodes = new vis.DataSet(
    nodes.map(function (node, i) {
      var style = styleOf(node);
      return {
        id: i,
        x: node.x,
        y: node.y,
        label: node.l,
        shape: style.shape,
        size: node.s,
        font: { size: node.f },
        color: {
          background: style.color,
          border: "rgba(0,0,0,0.35)",
          highlight: { background: style.color, border: "#000000" },
          hover: { background: style.color, border: "#000000" },
        },
      };
    })
  );
  var visEdges = new vis.DataSet(
    data.edges.map(function (edge, i) {
      var style = data.edgeStyles[edge[2]];
      return {
        id: i,
        from: edge[0],
        to: edge[1],
        dashes: style.dashes,
        color: { color: style.color, highlight: "#111111", hover: "#111111", inherit: false },
        arrows: { to: { enabled: style.arrows, scaleFactor: 0.5 } },
      };
    })
  );
  var big = count > 1500;
  var container = $("graph");
  var network = new vis.Network(
    container,
    { nodes: visNodes, edges: visEdges },
    {
      autoResize: true,
      physics: { enabled: false },
      layout: { improvedLayout: false },
      interaction: {
        hover: true,
        hideEdgesOnDrag: big,
        hideEdgesOnZoom: big,
        keyboard: false,
        multiselect: false,
        navigationButtons: false,
      },
      nodes: {
        borderWidth: 1,
        borderWidthSelected: 3,
        font: {
          face: "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif",
          color: "#1f2328",
          strokeWidth: 3,
          strokeColor: "#ffffff",
        },
        scaling: { label: { enabled: false, drawThreshold: 7 } },
      },
      edges: { smooth: false, width: 1, selectionWidth: 1.5, hoverWidth: 0.5 },
    }
  );
  api.network = network;
  api.nodes = visNodes;
  api.edges = visEdges;
  // The labels of the most central nodes stay readable at any zoom; the others show once
  // zoomed in far enough for their own size (vis-network skips labels drawn too small).
  var READABLE = 11;
  var labelled = [];
  for (var n = count - 1; n >= 0 && labelled.length < 25; n -= 1) labelled.push(n);
  var fontNow = nodes.map(function (node) { return node.f; });
  function keepLabelsReadable() {
    var scale = network.getScale();
    var changes = [];
    labelled.forEach(function (i) {
      var size = Math.max(nodes[i].f, READABLE / scale);
      if (Math.abs(size - fontNow[i]) > 0.05 * size) {
        fontNow[i] = size;
        changes.push({ id: i, font: { size: size } });
      }
    });
    if (changes.length) visNodes.update(changes);
  }
  network.on("zoom", keepLabelsReadable);
  network.once("afterDrawing", function () {
    keepLabelsReadable();
    api.ready = true;
    api.readyAt = performance.now();
    document.body.setAttribute("data-ready", "true");
  });

  /** The ids of the nodes vis-network draws (not hidden). */
  api.drawnNodes = function () {
    var body = network.body;
    return body.nodeIndices.filter(function (id) {
      return body.nodes[id] && !body.nodes[id].options.hidden;
    });
  };
  /** The ids of the edges vis-network draws (both ends drawn). */
  api.drawnEdges = function () {
    var body = network.body;
    return body.edgeIndices.filter(function (id) {
      var edge = body.edges[id];
      return edge && edge.connected && !edge.options.hidden && !edge.from.options.hidden && !edge.to.options.hidden;
    });
  };
  /** Where node i is on the page (CSS pixels), e.g. to hover or click it. */
  api.pagePoint = function (i) {
    var point = network.canvasToDOM(network.getPosition(i));
    var box = container.getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  };

  // ---- tooltip -----------------------------------------------------------------------------
  var tooltip = $("tooltip");
  var main = $("main");

  function describe(node) {
    var parts = [KIND_NAMES[node.k] + (node.st ? " (known only from related lists)" : "")];
    if (node.k === "a") {
      var names = providerNames(node);
      if (names.length) parts.push(names.join(", "));
      if (node.d) parts.push(node.d.slice(0, 10));
    } else {
      parts.push(node.n + (node.n === 1 ? " article" : " articles"));
    }
    return parts.join(" \u00b7 ");
  }

  function showTooltip(i, pointer) {
    var node = nodes[i];
    tooltip.replaceChildren(el("strong", node.t), el("span", describe(node)));
    tooltip.hidden = false;
    var graphBox = container.getBoundingClientRect();
    var mainBox = main.getBoundingClientRect();
    var left = graphBox.left - mainBox.left + pointer.x + 14;
    var top = graphBox.top - mainBox.top + pointer.y + 14;
    left = Math.max(0, Math.min(left, mainBox.width - tooltip.offsetWidth - 4));
    if (top + tooltip.offsetHeight > mainBox.height) top = Math.max(0, top - tooltip.offsetHeight - 28);
    tooltip.style.left = left + "px";
    tooltip.style.top = top + "px";
  }

  function hideTooltip() {
    tooltip.hidden = true;
  }

  network.on("hoverNode", function (params) {
    showTooltip(params.node, params.pointer.DOM);
  });
  network.on("blurNode", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // ---- side panel --------------------------------------------------------------------------
  var panel = $("panel");
  var panelBody = $("panel-body");

  function row(list, term, value) {
    if (value === null || value === undefined || value === "") return;
    list.appendChild(el("dt", term));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    list.appendChild(dd);
  }

  function linkTo(url) {
    var href = webLink(url);
    if (!href) return null;
    var a = el("a", url);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function filterButton(text, select, value) {
    var button = el("button", text);
    button.type = "button";
    button.addEventListener("click", function () {
      select.value = String(value);
      applyFilters();
    });
    return button;
  }

  function showPanel(i) {
    var node = nodes[i];
    var parts = [el("p", KIND_NAMES[node.k], "kind"), el("h2", node.t)];
    var list = el("dl");
    if (node.k === "a") {
      row(list, "Provider", providerNames(node).join(", ") || "unknown");
      row(list, "Published", node.d ? node.d.replace("T", " ").replace("Z", " UTC") : "unknown");
      row(list, "Topics", topicNames(node).join(", ") || "none");
      row(list, "Link", linkTo(node.u) || "none (no http(s) URL)");
    } else if (node.k === "p") {
      row(list, "Domain", node.dom || "unknown");
      if (node.names && node.names.length > 1) row(list, "Names", node.names.join("; "));
    } else if (node.names && node.names.length > 1) {
      row(list, "Spellings", node.names.join("; "));
    }
    if (node.k !== "a") {
      var shown = neighbours[i].filter(function (j) { return nodes[j].k === "a"; }).length;
      row(list, "Articles", node.n + " in the graph, " + shown + " in this view");
    }
    row(list, "Links here", neighbours[i].length);
    parts.push(list);
    if (node.e) parts.push(el("p", node.e, "excerpt"));
    if (node.st) parts.push(el("p", "Known only from other articles' related lists.", "note"));
    if (node.k === "p") parts.push(filterButton("Show only this provider's articles", providerSelect, node.pi));
    if (node.k === "t") parts.push(filterButton("Show only this topic's articles", topicSelect, node.ti));
    if (hidden[i]) parts.push(el("p", "Hidden by the current filters.", "note"));
    panelBody.replaceChildren.apply(panelBody, parts);
    panel.hidden = false;
  }

  function hidePanel() {
    panel.hidden = true;
  }

  network.on("click", function (params) {
    hideTooltip();
    if (params.nodes.length) showPanel(params.nodes[0]);
    else hidePanel();
  });
  $("panel-close").addEventListener("click", function () {
    network.unselectAll();
    hidePanel();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hidePanel();
  });

  function selectNode(i) {
    network.selectNodes([i]);
    network.focus(i, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showPanel(i);
  }

  // ---- filters -----------------------------------------------------------------------------
  var hidden = new Uint8Array(count);
  var kindBoxes = {};
  var topicSelect = $("topic-filter");
  var providerSelect = $("provider-filter");
  var dateFrom = $("date-from");
  var dateTo = $("date-to");
  var status = $("status");

  var kindCounts = { a: 0, p: 0, t: 0 };
  var topicCounts = data.topics.map(function () { return 0; });
  var providerCounts = data.providers.map(function () { return 0; });
  var firstDay = "";
  var lastDay = "";
  nodes.forEach(function (node) {
    kindCounts[node.k] += 1;
    (node.tp || []).forEach(function (t) { topicCounts[t] += 1; });
    (node.p || []).forEach(function (p) { providerCounts[p] += 1; });
    if (node.d) {
      var day = node.d.slice(0, 10);
      if (!firstDay || day < firstDay) firstDay = day;
      if (!lastDay || day > lastDay) lastDay = day;
    }
  });

  KINDS.forEach(function (kind) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = "kind-" + KIND_NAMES[kind];
    box.addEventListener("change", applyFilters);
    kindBoxes[kind] = box;
    label.append(box, KIND_NAMES[kind] + "s (" + kindCounts[kind] + ")");
    $("kind-filter").appendChild(label);
  });

  function fillSelect(select, names, counts) {
    names
      .map(function (name, i) { return i; })
      .filter(function (i) { return counts[i] > 0; })
      .forEach(function (i) {
        select.appendChild(new Option(names[i] + " (" + counts[i] + ")", String(i)));
      });
    select.addEventListener("change", applyFilters);
  }
  fillSelect(topicSelect, data.topics, topicCounts);
  fillSelect(providerSelect, data.providers, providerCounts);
  [dateFrom, dateTo].forEach(function (input) {
    if (firstDay) input.min = firstDay;
    if (lastDay) input.max = lastDay;
    input.addEventListener("change", applyFilters);
  });
  $("reset").addEventListener("click", function () {
    KINDS.forEach(function (kind) { kindBoxes[kind].checked = true; });
    topicSelect.value = "";
    providerSelect.value = "";
    dateFrom.value = "";
    dateTo.value = "";
    applyFilters();
  });

  function applyFilters() {
    var topic = topicSelect.value === "" ? -1 : Number(topicSelect.value);
    var provider = providerSelect.value === "" ? -1 : Number(providerSelect.value);
    var from = dateFrom.value;
    var to = dateTo.value;
    var narrowed = topic >= 0 || provider >= 0 || from !== "" || to !== "";
    var matches = new Uint8Array(count);
    var visible = new Uint8Array(count);
    nodes.forEach(function (node, i) {
      if (node.k !== "a") return;
      var day = node.d ? node.d.slice(0, 10) : "";
      matches[i] =
        (topic < 0 || (node.tp || []).indexOf(topic) >= 0) &&
        (provider < 0 || (node.p || []).indexOf(provider) >= 0) &&
        ((from === "" && to === "") || (day !== "" && (from === "" || day >= from) && (to === "" || day <= to)))
          ? 1
          : 0;
      visible[i] = matches[i] && kindBoxes.a.checked ? 1 : 0;
    });
    nodes.forEach(function (node, i) {
      if (node.k === "a" || !kindBoxes[node.k].checked) return;
      visible[i] =
        !narrowed ||
        (node.k === "t" && node.ti === topic) ||
        (node.k === "p" && node.pi === provider) ||
        neighbours[i].some(function (j) { return matches[j] === 1; })
          ? 1
          : 0;
    });
    var changes = [];
    var shown = 0;
    for (var i = 0; i < count; i += 1) {
      var hide = visible[i] ? 0 : 1;
      shown += visible[i];
      if (hidden[i] !== hide) {
        hidden[i] = hide;
        changes.push({ id: i, hidden: hide === 1 });
      }
    }
    if (changes.length) visNodes.update(changes);
    status.textContent = "Showing " + shown + " of " + count + " nodes";
  }
  api.applyFilters = applyFilters;

  // ---- search ------------------------------------------------------------------------------
  var search = $("search");
  var results = $("search-results");
  var haystack = null;
  var MAX_RESULTS = 15;

  function find(query) {
    query = query.trim().toLowerCase();
    if (!query) return [];
    if (!haystack) {
      haystack = nodes.map(function (node) {
        return (node.t + "\n" + (node.names || []).join("\n") + "\n" + (node.u || "")).toLowerCase();
      });
    }
    var found = [];
    for (var i = count - 1; i >= 0; i -= 1) {  // most central first
      if (haystack[i].indexOf(query) >= 0) found.push(i);
    }
    return found;
  }
  api.find = find;

  search.addEventListener("input", function () {
    var found = find(search.value);
    var items = found.slice(0, MAX_RESULTS).map(function (i) {
      var item = el("li");
      var button = el("button", nodes[i].l + " \u00b7 " + KIND_NAMES[nodes[i].k]);
      button.type = "button";
      button.title = nodes[i].t;
      button.addEventListener("click", function () { selectNode(i); });
      item.appendChild(button);
      return item;
    });
    if (found.length > MAX_RESULTS) items.push(el("li", (found.length - MAX_RESULTS) + " more: type more", "more"));
    if (search.value.trim() && !found.length) items.push(el("li", "no node matches", "more"));
    results.replaceChildren.apply(results, items);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var found = find(search.value);
    if (found.length) selectNode(found[0]);
  });

  // ---- legend ------------------------------------------------------------------------------
  var legendNodes = $("legend-nodes");
  var hasStubs = nodes.some(function (node) { return node.st; });
  ["article", "stub", "provider", "topic"].forEach(function (name) {
    if (name === "stub" && !hasStubs) return;
    var style = data.nodeStyles[name];
    var swatch = el("span", null, "swatch " + style.shape);
    swatch.style.backgroundColor = style.color;
    var item = el("li");
    item.append(swatch, style.name);
    legendNodes.appendChild(item);
  });
  var legendEdges = $("legend-edges");
  data.edgeKinds.forEach(function (kind, i) {
    var style = data.edgeStyles[i];
    var line = el("span", null, "line" + (style.dashes ? " dashed" : "") + (style.arrows ? " arrow" : ""));
    line.style.borderTopColor = style.color;
    line.style.color = style.color;
    var item = el("li");
    item.append(line, EDGE_NAMES[kind] || kind);
    legendEdges.appendChild(item);
  });

  applyFilters();
  if (data.centre !== null && data.centre !== undefined) network.selectNodes([data.centre]);
})();
