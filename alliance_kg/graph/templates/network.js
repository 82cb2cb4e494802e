// alliance-kg network page. Every piece of graph text reaches the DOM through textContent
// (or an input's value), never through innerHTML, so quotes cannot inject markup.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("akg-data").textContent);
  const details = data.details;
  const colours = new Map(data.classes.map((c) => [c.name, c.color]));
  const shapes = new Map(data.classes.map((c) => [c.name, c.shape]));

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Legend symbols drawn like vis-network's shapes, as points on a 14 x 14 box.
  const SYMBOLS = {
    triangle: "7,1 13,12 1,12",
    triangleDown: "1,2 13,2 7,13",
    square: "2,2 12,2 12,12 2,12",
    diamond: "7,0.5 13.5,7 7,13.5 0.5,7",
    hexagon: "7,1 12.2,4 12.2,10 7,13 1.8,10 1.8,4",
    star: "7,0.5 8.8,5 13.5,5.2 9.8,8.2 11.1,13 7,10.3 2.9,13 4.2,8.2 0.5,5.2 5.2,5",
  };
  const SVG = "http://www.w3.org/2000/svg";

  function swatch(cls) {
    const shape = shapes.get(cls);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "akg-swatch");
    svg.setAttribute("viewBox", "0 0 14 14");
    svg.setAttribute("aria-hidden", "true");
    let mark;
    if (SYMBOLS[shape]) {
      mark = document.createElementNS(SVG, "polygon");
      mark.setAttribute("points", SYMBOLS[shape]);
    } else {
      mark = document.createElementNS(SVG, "circle");
      mark.setAttribute("cx", "7");
      mark.setAttribute("cy", "7");
      mark.setAttribute("r", "6");
    }
    mark.setAttribute("fill", colours.get(cls) || "#ccc");
    mark.setAttribute("stroke", "rgba(0,0,0,0.35)");
    svg.appendChild(mark);
    return svg;
  }

  function shortOf(id) {
    const d = details[id];
    return d ? d.short : id;
  }

  // vis-network shows an Element title as is, so the tooltip is built like the panel.
  function tooltip(id) {
    const d = details[id];
    const tip = el("div", "akg-tip");
    tip.appendChild(el("strong", null, d.label));
    tip.appendChild(el("span", "akg-tip-class", d.cls));
    if (d.quote) tip.appendChild(el("div", null, d.short));
    const docs = d.rows.find((row) => row[0] === "Mentioned in");
    if (docs) {
      const names = docs[1].map((v) => shortOf(v.ref));
      tip.appendChild(el("div", null, "Mentioned in: " + names.join("; ")));
    }
    return tip;
  }

  // A large page builds each tooltip when its node is first hovered, not all at load.
  const nodes = new vis.DataSet(
    data.fixed ? data.nodes : data.nodes.map((n) => Object.assign({}, n, { title: tooltip(n.id) }))
  );
  // Party -> entity edges stand in for commitments when the page hides them; a large page
  // adds them only when that view is first asked for.
  const edges = new vis.DataSet(data.fixed ? data.edges : data.edges.concat(hiddenDerived()));

  function hiddenDerived() {
    return data.derived.map((e) => Object.assign({}, e, { hidden: true }));
  }
  const container = document.getElementById("akg-network");
  const status = document.getElementById("akg-status");
  const panel = document.getElementById("akg-panel");
  // The timeline view (timeline.js) reuses the panel and filters through this object, and may
  // wrap select; afterRefresh holds what to run when a filter changes.
  const state = {
    nodes, edges, network: null, data, stabilized: false, select: selectNode, refresh: null,
    el, swatch, shortOf, showDetails, afterRefresh: [],
  };
  window.akg = state;

  const summary = document.getElementById("akg-summary");
  const totals = data.nodes.length + " nodes, " + data.edges.length + " edges";
  summary.textContent = totals;

  const network = new vis.Network(container, { nodes, edges }, data.options);
  state.network = network;

  network.on("stabilizationProgress", (p) => {
    status.textContent = "Laying out the graph\u2026 " + Math.round((100 * p.iterations) / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", () => {
    // Stop the physics so the drawing stays still while it is read.
    network.setOptions({ physics: { enabled: false } });
    status.textContent = "";
    state.stabilized = true;
  });
  if (data.fixed) {
    // Large graphs come with their layout: nothing to settle once drawn.
    network.once("afterDrawing", () => {
      network.fit();
      state.stabilized = true;
    });
    status.textContent = "Large graph: fixed layout; edges are hidden while you drag or zoom.";
  }
  if (data.nodes.length === 0) {
    status.textContent = "The graph is empty: build it first with \"akg build\".";
    state.stabilized = true;
  }

  if (data.fixed) {
    network.on("hoverNode", (params) => {
      const node = nodes.get(params.node);
      if (node && !node.title) nodes.update({ id: params.node, title: tooltip(params.node) });
    });
  }

  network.on("click", (params) => {
    if (params.nodes.length > 0) showDetails(params.nodes[0]);
  });

  // ---- side panel ----------------------------------------------------------------------

  function refButton(id) {
    const b = el("button", "akg-ref", shortOf(id));
    b.type = "button";
    b.addEventListener("click", () => state.select(id));
    return b;
  }

  function value(v) {
    return typeof v === "string" ? document.createTextNode(v) : refButton(v.ref);
  }

  function showDetails(id) {
    const d = details[id];
    if (!d) return;
    panel.replaceChildren();
    panel.appendChild(el("h3", null, d.label));
    const cls = el("div", "akg-class");
    cls.appendChild(swatch(d.cls));
    cls.appendChild(el("span", null, d.cls));
    panel.appendChild(cls);
    if (d.quote) {
      panel.appendChild(el("blockquote", "akg-quote", d.quote));
      if (d.span) panel.appendChild(el("div", "akg-span", d.span));
    }
    const dl = el("dl");
    for (const [heading, values] of d.rows) {
      dl.appendChild(el("dt", null, heading));
      const dd = el("dd");
      if (values.length === 1) {
        dd.appendChild(value(values[0]));
      } else {
        const ul = el("ul");
        for (const v of values) {
          const li = el("li");
          li.appendChild(value(v));
          ul.appendChild(li);
        }
        dd.appendChild(ul);
      }
      dl.appendChild(dd);
    }
    panel.appendChild(dl);
    panel.appendChild(el("div", "akg-iri", id));
  }

  // Centre on a node, zoomed so that its neighbours are in view too, and select it (its
  // edges are highlighted).
  function selectNode(id) {
    const node = nodes.get(id);
    if (!node) return false;
    if (node.hidden) {
      filters.classes.add(node.cls);
      const box = checkboxes.get(node.cls);
      if (box) box.checked = true;
      refresh();
    }
    if (nodes.get(id).hidden) resetFilters();
    const near = network.getConnectedNodes(id).filter((n) => !nodes.get(n).hidden);
    state.neighbourhood = near;
    const all = network.getPositions([id].concat(near));
    const centre = all[id];
    let reach = 60;
    for (const n of near) {
      reach = Math.max(reach, Math.abs(all[n].x - centre.x), Math.abs(all[n].y - centre.y));
    }
    const box = container.getBoundingClientRect();
    const scale = Math.max(0.2, Math.min(1.5, (Math.min(box.width, box.height) / 2 - 40) / reach));
    network.selectNodes([id]);
    network.focus(id, { scale, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showDetails(id);
    return true;
  }

  // ---- legend and class filters --------------------------------------------------------

  const checkboxes = new Map();
  const filters = {
    classes: new Set(data.classes.map((c) => c.name)),
    types: new Set(data.types),
    from: data.dates[0] || "",
    to: data.dates[1] || "",
    direct: false,
  };
  state.filters = filters;

  function inRange(date) {
    return !date || ((!filters.from || date >= filters.from) && (!filters.to || date <= filters.to));
  }

  function commitmentShown(n) {
    return n.types.some((t) => filters.types.has(t)) && inRange(n.date);
  }

  function nodeShown(n) {
    if (!filters.classes.has(n.cls)) return false;
    if (n.cls === "Commitment") return !filters.direct && commitmentShown(n);
    return inRange(n.date);
  }

  // One pass over every node and derived edge; vis-network hides the edges of hidden nodes.
  function refresh() {
    const shown = new Set();
    const nodeUpdates = [];
    nodes.forEach((n) => {
      const visible = nodeShown(n);
      if (visible) shown.add(n.id);
      if (!!n.hidden === visible) nodeUpdates.push({ id: n.id, hidden: !visible });
    });
    nodes.update(nodeUpdates);
    summary.textContent =
      shown.size === data.nodes.length ? totals : totals + " (" + shown.size + " nodes shown)";
    const edgeUpdates = [];
    for (const d of data.derived) {
      const visible =
        filters.direct &&
        shown.has(d.from) &&
        shown.has(d.to) &&
        d.commitments.some((c) => commitmentShown(nodes.get(c)));
      const current = edges.get(d.id);
      if ((current === null ? true : !!current.hidden) === visible) {
        edgeUpdates.push({ id: d.id, hidden: !visible });
      }
    }
    if (edgeUpdates.length && edges.get(data.derived[0].id) === null) edges.add(hiddenDerived());
    edges.update(edgeUpdates);
    for (const after of state.afterRefresh) after();
  }
  Object.assign(state, { refresh, resetFilters, inRange, commitmentShown });

  function setClassVisible(cls, visible) {
    const box = checkboxes.get(cls);
    if (box) box.checked = visible;
    if (visible) filters.classes.add(cls);
    else filters.classes.delete(cls);
    refresh();
  }

  function resetFilters() {
    filters.types = new Set(data.types);
    filters.from = data.dates[0] || "";
    filters.to = data.dates[1] || "";
    filters.direct = false;
    for (const box of typeBoxes) box.checked = true;
    dateFrom.value = filters.from;
    dateTo.value = filters.to;
    direct.checked = false;
    refresh();
  }

  const legend = document.getElementById("akg-legend");
  for (const c of data.classes) {
    const li = el("li");
    li.dataset.cls = c.name;
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = c.name;
    box.addEventListener("change", () => setClassVisible(c.name, box.checked));
    checkboxes.set(c.name, box);
    label.appendChild(box);
    label.appendChild(swatch(c.name));
    label.appendChild(el("span", "akg-class-name", c.name));
    label.appendChild(el("span", "akg-count", "(" + c.count + ")"));
    li.appendChild(label);
    legend.appendChild(li);
  }
  if (data.measured) {
    document.getElementById("akg-classes").appendChild(el("p", "akg-hint akg-measured",
      "Entities sized by betweenness and coloured by community (akg analyze)."));
  }

  const typeList = document.getElementById("akg-types");
  const typeBoxes = [];
  for (const t of data.types) {
    const li = el("li");
    li.dataset.type = t;
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = t;
    box.addEventListener("change", () => {
      if (box.checked) filters.types.add(t);
      else filters.types.delete(t);
      refresh();
    });
    typeBoxes.push(box);
    label.appendChild(box);
    label.appendChild(el("span", null, t));
    li.appendChild(label);
    typeList.appendChild(li);
  }
  const dateFrom = document.getElementById("akg-date-from");
  const dateTo = document.getElementById("akg-date-to");
  for (const [input, key] of [[dateFrom, "from"], [dateTo, "to"]]) {
    input.value = filters[key];
    if (data.dates.length) {
      input.min = data.dates[0];
      input.max = data.dates[1];
    } else {
      input.disabled = true;
    }
    input.addEventListener("change", () => {
      filters[key] = input.value;
      refresh();
    });
  }
  const direct = document.getElementById("akg-direct");
  direct.disabled = data.derived.length === 0;
  direct.addEventListener("change", () => {
    filters.direct = direct.checked;
    refresh();
  });
  if (data.types.length === 0) document.getElementById("akg-filters").hidden = true;

  // ---- search --------------------------------------------------------------------------

  const list = document.getElementById("akg-search-list");
  const names = [];
  for (const n of data.nodes) {
    const d = details[n.id];
    if (d.cls !== "Commitment") names.push(d.label);
  }
  for (const name of Array.from(new Set(names)).sort()) {
    const option = el("option");
    option.value = name;
    list.appendChild(option);
  }

  function alsoCalled(d) {
    const row = d.rows.find((r) => r[0] === "Also called");
    return row ? row[1] : [];
  }

  // Best match first: the exact name, another name, then a name starting or containing it.
  function findNode(text) {
    const q = text.trim().toLowerCase();
    if (!q) return null;
    const tests = [
      (d) => d.label.toLowerCase() === q,
      (d) => alsoCalled(d).some((a) => a.toLowerCase() === q),
      (d) => d.label.toLowerCase().startsWith(q),
      (d) => d.label.toLowerCase().includes(q) || (d.quote || "").toLowerCase().includes(q),
    ];
    for (const test of tests) {
      const hit = data.nodes.find((n) => test(details[n.id]));
      if (hit) return hit.id;
    }
    return null;
  }

  const searchStatus = document.getElementById("akg-search-status");
  document.getElementById("akg-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = document.getElementById("akg-search").value;
    const id = findNode(text);
    searchStatus.textContent = id || !text.trim() ? "" : "No match";
    if (id) state.select(id);
  });
})();
