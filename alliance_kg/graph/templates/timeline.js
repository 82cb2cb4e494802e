// alliance-kg timeline view: meetings on a time axis, one lane per lineage (a commitment stated
// again over time), a mark per commitment. Drawn as plain SVG by this script; every piece of
// graph text goes in through textContent. It reuses the side panel and the commitment filters
// of network.js through window.akg.
(function () {
  "use strict";

  const akg = window.akg;
  const data = akg.data;
  const tl = data.timeline || { meetings: [], lanes: [], marks: [], types: [] };
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
  const PER_ROW = Math.floor((COL - 24) / STEP); // marks in a row of a cell

  const root = document.getElementById("akg-timeline");
  const scroller = document.getElementById("akg-tl-scroll");
  const head = document.getElementById("akg-tl-head");
  const body = document.getElementById("akg-tl-body");
  const tip = document.getElementById("akg-tl-tip");
  const tab = (name) => document.getElementById("akg-tab-" + name);
  const tabs = { network: tab("network"), timeline: tab("timeline") };
  const colours = new Map(tl.types.map((t) => [t.name, t.colour]));
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
    const t = svg("text", { x, y, class: cls }, parent);
    if (anchor) t.setAttribute("text-anchor", anchor);
    t.textContent = content;
    return t;
  }

  // Shorten a text element's content to a width, with an ellipsis.
  function fit(t, full, width) {
    t.textContent = full;
    for (let n = full.length; n > 1 && t.getComputedTextLength() > width; ) {
      n = Math.min(n - 1, Math.floor((n * width) / t.getComputedTextLength()));
      t.textContent = full.slice(0, n).trimEnd() + "\u2026";
    }
  }

  // The words of a text in lines no wider than width, measured with a scratch element.
  function wrap(parent, full, width, cls) {
    const probe = text(parent, 0, 0, "", cls);
    const lines = [];
    let line = "";
    for (const word of full.split(/\s+/).filter(Boolean)) {
      probe.textContent = line ? line + " " + word : word;
      if (line && probe.getComputedTextLength() > width) {
        lines.push(line);
        line = word;
      } else {
        line = probe.textContent;
      }
    }
    if (line) lines.push(line);
    probe.remove();
    return lines;
  }

  const day = (date) => Date.parse(date + "T00:00:00Z") / 86400000;
  const colour = (type) => colours.get(type) || "#79706e";
  const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");

  // ---- what the filters leave, and where it goes --------------------------------------------

  function visible() {
    const columns = tl.meetings
      .map((m, k) => Object.assign({ index: k }, m))
      .filter((c) => akg.inRange(c.date));
    const shown = new Set(columns.map((c) => c.index));
    const marks = tl.marks.filter((m) => {
      const n = visNodes.get(m.id);
      return n && shown.has(m.meeting) && akg.commitmentShown(n);
    });
    const used = new Set(marks.map((m) => m.lane));
    const lanes = tl.lanes.map((l, k) => Object.assign({ index: k }, l));
    return { columns, marks, lanes: lanes.filter((l) => used.has(l.index)) };
  }

  // Dated columns at their dates, kept at least COL apart; undated ones after them.
  function place(columns, width) {
    const dated = columns.filter((c) => c.date);
    const x0 = LABEL_W + PAD + COL / 2;
    const span = dated.length > 1 ? day(dated[dated.length - 1].date) - day(dated[0].date) : 0;
    const room = Math.max(width - x0 - COL / 2 - PAD, COL * (dated.length - 1));
    let last = null;
    for (const c of dated) {
      const at = span > 0 ? x0 + ((day(c.date) - day(dated[0].date)) * room) / span : x0;
      c.x = last === null ? x0 : Math.max(at, last + COL);
      last = c.x;
    }
    columns.filter((c) => !c.date).forEach((c, k) => {
      c.x = last === null ? x0 : last + COL + (k === 0 ? PAD : 0);
      last = c.x;
    });
    return (last === null ? x0 : last) + COL / 2 + PAD;
  }

  // Commitments at each meeting: how many; how many are new (in no lineage, or in one no
  // earlier meeting stated) or restated; how many of the previous meeting's were not stated
  // again (in no lineage, or in one this meeting left out).
  function count(columns, marks, lanes) {
    const chained = new Set(lanes.filter((l) => l.lineage).map((l) => l.index));
    const seen = new Set();
    let previous = null;
    for (const c of columns) {
      const here = marks.filter((m) => m.meeting === c.index);
      c.count = here.length;
      if (!c.date) continue;
      c.fresh = here.filter((m) => !chained.has(m.lane) || !seen.has(m.lane)).length;
      const kept = new Set(here.map((m) => m.lane));
      if (previous) c.dropped = previous.filter((m) => !chained.has(m.lane) || !kept.has(m.lane));
      for (const m of here) seen.add(m.lane);
      previous = here;
    }
  }

  const cellOf = (cells, lane, c) => cells.get(lane.index + "/" + c.index) || [];

  // Lane rows (and section headings); a lane is as high as its fullest cell needs.
  function layRows(lanes, columns, cells) {
    const rows = [];
    let y = 0;
    let section = null;
    for (const lane of lanes) {
      if (lane.lineage !== section) {
        section = lane.lineage;
        rows.push({ heading: section ? "Stated again (lineages)" : "Stated once", y });
        y += SECTION;
      }
      const most = Math.max(1, ...columns.map((c) => cellOf(cells, lane, c).length));
      const height = Math.max(ROW, Math.ceil(most / PER_ROW) * STEP + 10);
      rows.push({ lane, y, height });
      y += height;
    }
    return { rows, height: y + PAD };
  }

  // ---- drawing ----------------------------------------------------------------------------

  function render() {
    hideTip();
    head.replaceChildren();
    body.replaceChildren();
    const { columns, marks, lanes } = visible();
    Object.assign(view, { columns: columns.length, lanes: lanes.length, drawn: marks.length });
    if (columns.length === 0 && marks.length === 0) {
      const empty = el("p", null, "No meeting or commitment to place on a timeline.");
      empty.id = "akg-tl-empty";
      body.appendChild(empty);
      return;
    }
    const width = place(columns, scroller.clientWidth);
    count(columns, marks, lanes);
    drawHead(columns, width);
    const cells = new Map();
    for (const m of marks) {
      const key = m.lane + "/" + m.meeting;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(m);
    }
    const { rows, height } = layRows(lanes, columns, cells);
    const plot = svg("svg", { width, height, role: "group", "aria-label": "Lanes" }, body);

    // Bands and column guides under the lines, labels and marks.
    const bands = svg("g", {}, plot);
    let stripe = 0;
    for (const row of rows) {
      if (row.heading) {
        stripe = 0;
        text(bands, 8, row.y + 17, row.heading.toUpperCase(), "akg-tl-section");
        const y = row.y + 0.5;
        svg("line", { x1: 0, x2: width, y1: y, y2: y, stroke: "#d9dee3" }, bands);
      } else if (stripe++ % 2 === 1) {
        svg("rect", { x: 0, y: row.y, width, height: row.height, fill: "#f5f7f9" }, bands);
      }
    }
    for (const c of columns) {
      svg("line", { x1: c.x, x2: c.x, y1: 0, y2: height - PAD, stroke: "#e3e7eb" }, bands);
    }
    const lines = svg("g", {}, plot);
    const labels = svg("g", {}, plot);
    const dots = svg("g", {}, plot);
    const order = columns.map((c) => c.index);
    for (const { lane, y, height: h } of rows.filter((r) => r.lane)) {
      const mid = y + h / 2;
      const labelY = y + Math.min(h / 2, ROW) + 4; // by the first rows of a tall lane
      const placed = [];
      for (const c of columns) {
        const cell = cellOf(cells, lane, c);
        const top = mid - ((Math.ceil(cell.length / PER_ROW) - 1) * STEP) / 2;
        cell.forEach((m, k) => {
          const r = Math.floor(k / PER_ROW);
          const inRow = Math.min(PER_ROW, cell.length - r * PER_ROW);
          const x = c.x + ((k % PER_ROW) - (inRow - 1) / 2) * STEP;
          placed.push({ m, x, y: top + r * STEP, column: c.index });
        });
      }
      svg("circle", { cx: 12, cy: labelY - 4, r: 4, fill: colour(lane.type) }, labels);
      const named = svg("g", { class: "akg-tl-lane-name" }, labels);
      svg("title", {}, named).textContent = lane.label + laneNote(lane);
      fit(text(named, 22, labelY, "", "akg-tl-lane"), lane.label, LABEL_W - 28);
      if (lane.lineage) drawChain(lines, placed, order, mid, colour(lane.type));
      for (const p of placed) drawMark(dots, p);
    }
  }

  function laneNote(lane) {
    if (!lane.lineage) return " (commitments no other statement restates)";
    const parts = [];
    if (lane.meetings) parts.push("stated at " + plural(lane.meetings, "meeting"));
    if (lane.first) parts.push(lane.first + (lane.first === lane.last ? "" : " to " + lane.last));
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  // A lineage's marks joined meeting to meeting; dashed across meetings that left it out.
  function drawChain(group, placed, order, y, stroke) {
    const spans = [];
    for (const p of placed) {
      const last = spans[spans.length - 1];
      if (last && last.column === p.column) last.right = p.x;
      else spans.push({ column: p.column, left: p.x, right: p.x });
    }
    const thick = { y1: y, y2: y, stroke, "stroke-width": 2 };
    const segment = (x1, x2) => svg("line", Object.assign({ x1, x2 }, thick), group);
    spans.forEach((b, k) => {
      if (b.right > b.left) segment(b.left, b.right);
      if (k === 0) return;
      const a = spans[k - 1];
      const line = segment(a.right, b.left);
      line.setAttribute("stroke-opacity", "0.6");
      if (order.indexOf(b.column) - order.indexOf(a.column) > 1) {
        line.setAttribute("stroke-dasharray", "5 4");
      }
    });
  }

  function drawMark(group, p) {
    const id = p.m.id;
    const g = svg("g", { class: "akg-tl-mark", tabindex: 0, role: "button" }, group);
    g.dataset.id = id;
    g.setAttribute("aria-label", gist(id));
    if (view.selected === id) g.classList.add("akg-selected");
    const fill = colour(p.m.type);
    svg("circle", { cx: p.x, cy: p.y, r: RADIUS, fill, stroke: "rgba(0,0,0,0.35)" }, g);
    const tell = () => showTip(id, g);
    const acts = { mouseenter: tell, focus: tell, mouseleave: hideTip, blur: hideTip };
    for (const [event, act] of Object.entries(acts)) g.addEventListener(event, act);
    g.addEventListener("click", () => selectMark(id));
    g.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      selectMark(id);
    });
  }

  // Column heads (date, meeting, counts) over a time axis with the years marked.
  function drawHead(columns, width) {
    const top = svg("svg", { width, height: 10, role: "group", "aria-label": "Meetings" }, head);
    const [small, counted] = ["akg-tl-meeting-label", "akg-tl-count"];
    const wrapped = columns.map((c) => (c.id ? wrap(top, c.label, COL - 12, small) : []));
    const height = 8 + 16 + Math.max(1, ...wrapped.map((w) => w.length)) * 14 + 3 * 14 + 30;
    top.setAttribute("height", String(height));
    const axis = height - 22;
    columns.forEach((c, k) => {
      const g = svg("g", { class: "akg-tl-meeting" }, top);
      g.dataset.id = c.id || "";
      text(g, c.x, 20, c.date || (c.id ? "undated" : c.label), "akg-tl-date", "middle");
      let y = 20;
      const say = (line, cls) => text(g, c.x, (y += 14), line, cls, "middle");
      for (const line of wrapped[k]) say(line, small);
      y += 4;
      say(plural(c.count, "commitment"), counted);
      if (c.fresh !== undefined) say(`${c.fresh} new, ${c.count - c.fresh} restated`, counted);
      if (c.dropped) say(c.dropped.length + " not stated again", counted);
      svg("line", { x1: c.x, x2: c.x, y1: axis - 5, y2: axis + 5, stroke: "#5b6670" }, g);
      if (c.id && details[c.id]) {
        g.style.cursor = "pointer";
        g.addEventListener("click", () => akg.showDetails(c.id));
      }
    });
    svg("line", { x1: LABEL_W + PAD, x2: width - PAD, y1: axis, y2: axis, stroke: "#a7b1bc" }, top);
    text(top, 8, axis + 4, "Meetings", "akg-tl-section");
    // Each new year between two meetings, placed in proportion between them.
    const dated = columns.filter((c) => c.date);
    for (let k = 1; k < dated.length; k++) {
      const [a, b] = [dated[k - 1], dated[k]];
      for (let year = Number(a.date.slice(0, 4)) + 1; year <= Number(b.date.slice(0, 4)); year++) {
        const share = (day(year + "-01-01") - day(a.date)) / Math.max(1, day(b.date) - day(a.date));
        const x = a.x + share * (b.x - a.x);
        svg("line", { x1: x, x2: x, y1: axis, y2: axis + 9, stroke: "#a7b1bc" }, top);
        text(top, x, axis + 19, String(year), "akg-tl-year", "middle");
      }
    }
  }

  const gist = (id) => (details[id] ? details[id].gist || details[id].label : id);

  // ---- tooltip, selection, views ------------------------------------------------------------

  const TIP_ROWS = [["Types", "Types"], ["Made by", "Parties"], ["Meeting", "Meeting"],
    ["Date", "Date"], ["File", "File"]];

  function showTip(id, mark) {
    const d = details[id];
    if (!d) return;
    tip.replaceChildren(el("strong", null, gist(id)));
    for (const [heading, name] of TIP_ROWS) {
      const row = d.rows.find((r) => r[0] === heading);
      if (!row) continue;
      const values = row[1].map((v) => (typeof v === "string" ? v : akg.shortOf(v.ref)));
      tip.appendChild(el("div", null, name + ": " + values.join("; ")));
    }
    if (d.quote) tip.appendChild(el("div", "akg-tip-quote", d.short));
    tip.hidden = false;
    const box = root.getBoundingClientRect();
    const at = mark.getBoundingClientRect();
    let top = at.bottom - box.top + 6;
    if (top + tip.offsetHeight > box.height - 4) top = at.top - box.top - tip.offsetHeight - 6;
    const left = Math.min(at.right - box.left + 8, box.width - tip.offsetWidth - 8);
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }

  const hideTip = () => (tip.hidden = true);

  const markElement = (id) =>
    Array.from(body.querySelectorAll(".akg-tl-mark")).find((m) => m.dataset.id === id);

  function selectMark(id) {
    view.selected = id;
    for (const m of body.querySelectorAll(".akg-tl-mark")) {
      m.classList.toggle("akg-selected", m.dataset.id === id);
    }
    akg.showDetails(id);
  }

  // In the timeline, choosing a commitment (search, a link in the panel) selects its mark
  // (showing it again if a filter hid it); anything else is shown in the network view.
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
    for (const [key, button] of Object.entries(tabs)) {
      button.setAttribute("aria-selected", String(key === name));
    }
    if (name === "timeline") render();
    try {
      history.replaceState(null, "", name === "timeline" ? "#timeline" : location.pathname);
    } catch (e) {
      // A page whose address cannot change keeps it.
    }
  }
  Object.assign(view, { show, render });

  tabs.network.addEventListener("click", () => show("network"));
  tabs.timeline.addEventListener("click", () => show("timeline"));
  akg.afterRefresh.push(() => {
    if (view.name === "timeline") render();
    for (const li of legend.children) {
      li.classList.toggle("akg-off", !akg.filters.types.has(li.dataset.type));
    }
  });
  window.addEventListener("resize", () => view.name === "timeline" && render());

  // The colours of the commitment types; clicking one ticks or unticks it in the sidebar.
  const legend = document.getElementById("akg-tl-legend");
  for (const { name, colour: fill } of tl.types) {
    const li = el("li");
    li.dataset.type = name;
    li.title = "Show or hide " + name;
    li.style.cursor = "pointer";
    const s = svg("svg", { width: 12, height: 12, "aria-hidden": "true" }, li);
    svg("circle", { cx: 6, cy: 6, r: 5, fill, stroke: "rgba(0,0,0,0.35)" }, s);
    li.appendChild(el("span", null, name));
    const boxes = () => Array.from(document.querySelectorAll("#akg-types input"));
    li.addEventListener("click", () => boxes().find((b) => b.value === name)?.click());
    legend.appendChild(li);
  }

  if (tl.marks.length === 0 && tl.meetings.length === 0) tabs.timeline.disabled = true;
  if (location.hash === "#timeline" && !tabs.timeline.disabled) show("timeline");
})();
