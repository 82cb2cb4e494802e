// alliance-kg timeline view: meetings on a time axis, one lane per lineage (a commitment stated
// again over time), a mark per commitment. Drawn as plain SVG by this script; every piece of
// graph text goes in through textContent. It reuses the side panel and the commitment filters
// of network.js through window.akg.
(function () {
  "use strict";

  const akg = window.akg;
  const data = akg.data;
  const tl = data.timeline || { meetings: [], lanes: [], marks: [], types: [] };
  const colours = new Map(tl.types.map((t) => [t.name, t.colour]));
  const details = data.details;
  const el = akg.el;
  const SVG = "http://www.w3.org/2000/svg";

  const LABEL_W = 300; // lane labels
  const COL = 150; // least distance between two meeting columns
  const STEP = 13; // distance between marks in a cell
  const RADIUS = 5.5;
  const ROW = 22; // height of a lane with one row of marks
  const SECTION = 26; // height of a section heading
  const PAD = 16;

  const root = document.getElementById("akg-timeline");
  const scroller = document.getElementById("akg-tl-scroll");
  const head = document.getElementById("akg-tl-head");
  const body = document.getElementById("akg-tl-body");
  const tip = document.getElementById("akg-tl-tip");
  const tabs = {
    network: document.getElementById("akg-tab-network"),
    timeline: document.getElementById("akg-tab-timeline"),
  };
  const visNodes = new Map(data.nodes.map((n) => [n.id, n]));
  const markOf = new Map(tl.marks.map((m) => [m.id, m]));
  const view = { name: "network", selected: null, drawn: 0, lanes: 0, columns: 0 };
  akg.timeline = view;

  function svg(tag, attrs, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, content, cls, anchor) {
    const t = svg("text", { x, y, class: cls || "" }, parent);
    if (anchor) t.setAttribute("text-anchor", anchor);
    t.textContent = content;
    return t;
  }

  // Shorten a text element's content to a width, with an ellipsis.
  function fit(t, full, width) {
    t.textContent = full;
    if (t.getComputedTextLength() <= width) return;
    let lo = 0;
    let hi = full.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      t.textContent = full.slice(0, mid).trimEnd() + "\u2026";
      if (t.getComputedTextLength() <= width) lo = mid;
      else hi = mid - 1;
    }
    t.textContent = full.slice(0, lo).trimEnd() + "\u2026";
  }

  // Words of a text in lines no wider than width, measured with a scratch text element.
  function wrap(parent, full, width, cls) {
    const probe = text(parent, 0, 0, "", cls);
    const lines = [];
    let line = "";
    for (const word of full.split(/\s+/).filter(Boolean)) {
      const next = line ? line + " " + word : word;
      probe.textContent = next;
      if (line && probe.getComputedTextLength() > width) {
        lines.push(line);
        line = word;
      } else {
        line = next;
      }
    }
    if (line) lines.push(line);
    probe.remove();
    return lines;
  }

  function day(date) {
    return Date.parse(date + "T00:00:00Z") / 86400000;
  }

  function colour(type) {
    return colours.get(type) || "#79706e";
  }

  // ---- which columns, lanes and marks the filters leave ----------------------------------

  function visible() {
    const columns = tl.meetings.map((m, k) => Object.assign({ index: k }, m));
    const shownColumns = columns.filter((c) => akg.inRange(c.date));
    const shownIndex = new Set(shownColumns.map((c) => c.index));
    const marks = tl.marks.filter((m) => {
      const n = visNodes.get(m.id);
      return n && shownIndex.has(m.meeting) && akg.commitmentShown(n);
    });
    const laneIds = new Set(marks.map((m) => m.lane));
    const lanes = tl.lanes.map((l, k) => Object.assign({ index: k }, l));
    return { columns: shownColumns, marks, lanes: lanes.filter((l) => laneIds.has(l.index)) };
  }

  // Dated columns at their dates, kept at least COL apart; undated ones after them.
  function place(columns, width) {
    const dated = columns.filter((c) => c.date);
    const x0 = LABEL_W + PAD + COL / 2;
    const span = dated.length > 1 ? day(dated[dated.length - 1].date) - day(dated[0].date) : 0;
    const room = Math.max(width - x0 - COL / 2 - PAD, COL * (dated.length - 1));
    const scale = span > 0 ? room / span : 0;
    let last = null;
    for (const c of dated) {
      const at = x0 + (day(c.date) - day(dated[0].date)) * scale;
      c.x = last === null ? x0 : Math.max(at, last + COL);
      last = c.x;
    }
    for (const c of columns.filter((c) => !c.date)) {
      c.x = last === null ? x0 : last + COL + (c === columns.find((d) => !d.date) ? PAD : 0);
      last = c.x;
    }
    return (last === null ? x0 : last) + COL / 2 + PAD;
  }

  // Commitments at each meeting: how many, how many are new (in no lane of an earlier meeting
  // shown), restated, and how many of the previous meeting's were not stated again.
  function counts(columns, marks, lanes) {
    const chained = new Set(lanes.filter((l) => l.lineage).map((l) => l.index));
    const byColumn = new Map(columns.map((c) => [c.index, []]));
    for (const m of marks) byColumn.get(m.meeting).push(m);
    const seen = new Set();
    let previous = null;
    for (const c of columns) {
      const here = byColumn.get(c.index);
      c.count = here.length;
      if (!c.date) continue;
      c.fresh = here.filter((m) => !chained.has(m.lane) || !seen.has(m.lane)).length;
      const lanesHere = new Set(here.map((m) => m.lane));
      if (previous !== null) {
        c.dropped = previous.filter((m) => !chained.has(m.lane) || !lanesHere.has(m.lane)).length;
      }
      for (const m of here) seen.add(m.lane);
      previous = here;
    }
  }

  // ---- drawing ---------------------------------------------------------------------------

  function render() {
    hideTip();
    head.replaceChildren();
    body.replaceChildren();
    const { columns, marks, lanes } = visible();
    view.columns = columns.length;
    view.lanes = lanes.length;
    view.drawn = marks.length;
    if (columns.length === 0 && marks.length === 0) {
      const empty = el("p", null, "No meeting or commitment to place on a timeline.");
      empty.id = "akg-tl-empty";
      body.appendChild(empty);
      return;
    }
    const width = place(columns, scroller.clientWidth);
    counts(columns, marks, lanes);
    drawHead(columns, width);

    // Lane heights: marks in a cell wrap into rows no wider than a column.
    const perRow = Math.max(1, Math.floor((COL - 24) / STEP));
    const cells = new Map();
    for (const m of marks) {
      const key = m.lane + "/" + m.meeting;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(m);
    }
    let y = 0;
    const rows = [];
    let section = null;
    for (const lane of lanes) {
      if (lane.lineage !== section) {
        section = lane.lineage;
        rows.push({ heading: section ? "Stated again (lineages)" : "Stated once", y });
        y += SECTION;
      }
      let most = 1;
      for (const c of columns) most = Math.max(most, (cells.get(lane.index + "/" + c.index) || []).length);
      const height = Math.max(ROW, Math.ceil(most / perRow) * STEP + 10);
      rows.push({ lane, y, height });
      y += height;
    }
    const total = y + PAD;
    const plot = svg("svg", { width, height: total, role: "img", "aria-label": "Timeline lanes" }, body);

    // Bands, column guides, then lines and marks above them.
    const bands = svg("g", {}, plot);
    let stripe = 0;
    for (const row of rows) {
      if (row.heading) {
        stripe = 0;
        text(bands, 8, row.y + 17, row.heading.toUpperCase(), "akg-tl-section");
        svg("line", { x1: 0, x2: width, y1: row.y + 0.5, y2: row.y + 0.5, stroke: "#d9dee3" }, bands);
        continue;
      }
      if (stripe++ % 2 === 1) {
        svg("rect", { x: 0, y: row.y, width, height: row.height, fill: "#f5f7f9" }, bands);
      }
    }
    for (const c of columns) {
      svg("line", { x1: c.x, x2: c.x, y1: 0, y2: total - PAD, stroke: "#e3e7eb" }, bands);
    }
    const lines = svg("g", {}, plot);
    const labels = svg("g", { class: "akg-tl-labels" }, plot);
    const dots = svg("g", {}, plot);
    const shownColumns = columns.map((c) => c.index);
    for (const row of rows) {
      if (!row.lane) continue;
      const lane = row.lane;
      const mid = row.y + row.height / 2;
      const placed = [];
      for (const c of columns) {
        const cell = cells.get(lane.index + "/" + c.index) || [];
        const rowsHere = Math.ceil(cell.length / perRow);
        cell.forEach((m, k) => {
          const r = Math.floor(k / perRow);
          const inRow = Math.min(perRow, cell.length - r * perRow);
          const x = c.x + ((k % perRow) - (inRow - 1) / 2) * STEP;
          const top = mid - ((rowsHere - 1) * STEP) / 2;
          placed.push({ m, x, y: top + r * STEP, column: c.index });
        });
      }
      const dot = svg("circle", { cx: 12, cy: mid, r: 4, fill: colour(lane.type) }, labels);
      dot.setAttribute("aria-hidden", "true");
      const label = text(labels, 22, mid + 4, "", "akg-tl-lane");
      fit(label, lane.label, LABEL_W - 28);
      const title = svg("title", {}, label);
      title.textContent = lane.label + laneNote(lane);
      if (lane.lineage) drawChain(lines, placed, shownColumns, mid, colour(lane.type));
      for (const p of placed) drawMark(dots, p);
    }
  }

  function laneNote(lane) {
    if (!lane.lineage) return " (commitments no other statement restates)";
    const parts = [];
    if (lane.meetings) parts.push("stated at " + lane.meetings + " meeting" + (lane.meetings === 1 ? "" : "s"));
    if (lane.first) parts.push(lane.first === lane.last ? lane.first : lane.first + " to " + lane.last);
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  // A lineage's marks joined meeting to meeting; dashed across meetings that left it out.
  function drawChain(group, placed, shownColumns, y, stroke) {
    const byColumn = [];
    for (const p of placed) {
      const last = byColumn[byColumn.length - 1];
      if (last && last.column === p.column) last.right = p.x;
      else byColumn.push({ column: p.column, left: p.x, right: p.x });
    }
    for (let k = 1; k < byColumn.length; k++) {
      const a = byColumn[k - 1];
      const b = byColumn[k];
      const skipped = shownColumns.indexOf(b.column) - shownColumns.indexOf(a.column) > 1;
      const line = svg("line", { x1: a.right, x2: b.left, y1: y, y2: y, stroke, "stroke-width": 2 }, group);
      line.setAttribute("stroke-opacity", "0.6");
      if (skipped) line.setAttribute("stroke-dasharray", "5 4");
    }
    for (const c of byColumn) {
      if (c.right > c.left) {
        svg("line", { x1: c.left, x2: c.right, y1: y, y2: y, stroke, "stroke-width": 2 }, group);
      }
    }
  }

  function drawMark(group, p) {
    const g = svg("g", { class: "akg-tl-mark", tabindex: 0, role: "button" }, group);
    g.dataset.id = p.m.id;
    g.setAttribute("aria-label", gist(p.m.id));
    if (view.selected === p.m.id) g.classList.add("akg-selected");
    svg("circle", { cx: p.x, cy: p.y, r: RADIUS, fill: colour(p.m.type), stroke: "rgba(0,0,0,0.35)" }, g);
    g.addEventListener("mouseenter", () => showTip(p.m.id, g));
    g.addEventListener("mouseleave", hideTip);
    g.addEventListener("focus", () => showTip(p.m.id, g));
    g.addEventListener("blur", hideTip);
    g.addEventListener("click", () => selectMark(p.m.id));
    g.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        selectMark(p.m.id);
      }
    });
  }

  function drawHead(columns, width) {
    const probe = svg("svg", { width, height: 10 }, head);
    const wrapped = columns.map((c) => wrap(probe, c.label, COL - 12, "akg-tl-meeting-label"));
    const lineCount = Math.max(1, ...wrapped.map((w) => w.length));
    const height = 8 + 16 + lineCount * 14 + 3 * 14 + 30;
    probe.setAttribute("height", String(height));
    probe.setAttribute("aria-label", "Meetings");
    const axis = height - 22;
    columns.forEach((c, k) => {
      const g = svg("g", { class: "akg-tl-meeting" }, probe);
      g.dataset.id = c.id || "";
      text(g, c.x, 20, c.date || (c.id ? "undated" : c.label), "akg-tl-date", "middle");
      let y = 20;
      for (const line of wrapped[k]) text(g, c.x, (y += 14), line, "akg-tl-meeting-label", "middle");
      y += 4;
      const stated = c.count + " commitment" + (c.count === 1 ? "" : "s");
      text(g, c.x, (y += 14), stated, "akg-tl-count", "middle");
      if (c.date && c.fresh !== undefined) {
        text(g, c.x, (y += 14), c.fresh + " new, " + (c.count - c.fresh) + " restated", "akg-tl-count", "middle");
      }
      if (c.dropped !== undefined) {
        text(g, c.x, (y += 14), c.dropped + " not stated again", "akg-tl-count", "middle");
      }
      svg("line", { x1: c.x, x2: c.x, y1: axis - 5, y2: axis + 5, stroke: "#5b6670" }, g);
      if (c.id && details[c.id]) {
        g.style.cursor = "pointer";
        g.addEventListener("click", () => akg.showDetails(c.id));
      }
    });
    const dated = columns.filter((c) => c.date);
    const left = LABEL_W + PAD;
    svg("line", { x1: left, x2: width - PAD, y1: axis, y2: axis, stroke: "#a7b1bc" }, probe);
    // Years between the first and the last meeting, placed like the meetings around them.
    for (let k = 1; k < dated.length; k++) {
      const a = dated[k - 1];
      const b = dated[k];
      const from = Number(a.date.slice(0, 4)) + 1;
      const to = Number(b.date.slice(0, 4));
      for (let year = from; year <= to; year++) {
        const t = day(year + "-01-01");
        const x = a.x + ((t - day(a.date)) / Math.max(1, day(b.date) - day(a.date))) * (b.x - a.x);
        svg("line", { x1: x, x2: x, y1: axis, y2: axis + 9, stroke: "#a7b1bc" }, probe);
        text(probe, x, axis + 19, String(year), "akg-tl-year", "middle");
      }
    }
    text(probe, 8, axis + 4, "Meetings", "akg-tl-section");
  }

  function gist(id) {
    const d = details[id];
    return d ? d.gist || d.label : id;
  }

  function rowText(d, heading) {
    const row = d.rows.find((r) => r[0] === heading);
    if (!row) return null;
    return row[1].map((v) => (typeof v === "string" ? v : akg.shortOf(v.ref))).join("; ");
  }

  // ---- tooltip, selection ----------------------------------------------------------------

  function showTip(id, mark) {
    const d = details[id];
    if (!d) return;
    tip.replaceChildren();
    tip.appendChild(el("strong", null, gist(id)));
    for (const [heading, name] of [
      ["Types", "Types"], ["Made by", "Parties"], ["Meeting", "Meeting"], ["Date", "Date"], ["File", "File"],
    ]) {
      const value = rowText(d, heading);
      if (value) tip.appendChild(el("div", null, name + ": " + value));
    }
    if (d.quote) tip.appendChild(el("div", "akg-tip-quote", d.short));
    tip.hidden = false;
    const box = root.getBoundingClientRect();
    const at = mark.getBoundingClientRect();
    const left = Math.min(at.right - box.left + 8, box.width - tip.offsetWidth - 8);
    let top = at.bottom - box.top + 6;
    if (top + tip.offsetHeight > box.height - 4) top = at.top - box.top - tip.offsetHeight - 6;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }

  function hideTip() {
    tip.hidden = true;
  }

  function selectMark(id) {
    view.selected = id;
    for (const m of body.querySelectorAll(".akg-tl-mark")) {
      m.classList.toggle("akg-selected", m.dataset.id === id);
    }
    akg.showDetails(id);
  }

  function markElement(id) {
    return Array.from(body.querySelectorAll(".akg-tl-mark")).find((m) => m.dataset.id === id);
  }

  // In the timeline, choosing a commitment (search, a link in the panel) selects its mark;
  // anything else is shown in the network view.
  const networkSelect = akg.select;
  akg.select = function (id) {
    if (view.name === "timeline" && markOf.has(id)) {
      if (!markElement(id)) akg.resetFilters();
      const mark = markElement(id);
      if (mark) {
        selectMark(id);
        mark.scrollIntoView({ block: "nearest", inline: "nearest" });
        return true;
      }
    }
    if (view.name === "timeline") show("network");
    return networkSelect(id);
  };

  function show(name) {
    view.name = name;
    root.hidden = name !== "timeline";
    document.body.classList.toggle("akg-timeline-on", name === "timeline");
    for (const [key, tab] of Object.entries(tabs)) tab.setAttribute("aria-selected", String(key === name));
    if (name === "timeline") render();
    try {
      history.replaceState(null, "", name === "timeline" ? "#timeline" : location.pathname);
    } catch (e) {
      // A page opened where the address cannot change keeps its address.
    }
  }
  view.show = show;
  view.render = render;

  tabs.network.addEventListener("click", () => show("network"));
  tabs.timeline.addEventListener("click", () => show("timeline"));
  akg.afterRefresh.push(() => {
    if (view.name === "timeline") render();
    legendState();
  });
  let pending = false;
  window.addEventListener("resize", () => {
    if (view.name !== "timeline" || pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
    });
  });

  // The colours of the commitment types, greyed when the type filter hides them.
  const legend = document.getElementById("akg-tl-legend");
  // Clicking a type here ticks or unticks it in the sidebar's type filter.
  for (const { name, colour: fill } of tl.types) {
    const li = el("li");
    li.dataset.type = name;
    li.title = "Show or hide " + name;
    li.style.cursor = "pointer";
    const s = svg("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "aria-hidden": "true" }, li);
    svg("circle", { cx: 6, cy: 6, r: 5, fill, stroke: "rgba(0,0,0,0.35)" }, s);
    li.appendChild(el("span", null, name));
    li.addEventListener("click", () => {
      const box = Array.from(document.querySelectorAll("#akg-types input")).find((b) => b.value === name);
      if (box) box.click();
    });
    legend.appendChild(li);
  }
  function legendState() {
    for (const li of legend.children) li.classList.toggle("akg-off", !akg.filters.types.has(li.dataset.type));
  }

  if (tl.marks.length === 0 && tl.meetings.length === 0) tabs.timeline.disabled = true;
  if (location.hash === "#timeline" && !tabs.timeline.disabled) show("timeline");
})();
