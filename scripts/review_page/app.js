"use strict";
// Review page. All data goes into the DOM through textContent / attributes only:
// labels and notes come from datasets and reviewers and may hold markup.

const PAGE_SIZE = 50;
const MAX_MEMBERS_IN_LIST = 6;
const $ = (id) => document.getElementById(id);

const app = {
  meta: null,
  classes: [],          // [{index, wnid, name, key}]
  classByIndex: new Map(),
  items: [],
  total: 0,
  selected: -1,
  filters: { offset: 0, issue_type: "", label: "", state: "" },
  drafts: new Map(),    // queue_item_id -> {tags:Set, note, newLabel}: unsent edits survive moving around
  request: 0,
  matchIndex: 0,
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function className(index) {
  if (index === null || index === undefined || index === "") return null;
  const c = app.classByIndex.get(Number(index));
  return c ? c.name : null;
}

function labelText(index, name) {
  if (index === null || index === undefined || index === "") return name || "—";
  return `${name || className(index) || "?"} (${index})`;
}

function imageUrl(path) {
  return "/images/" + String(path).split("/").map(encodeURIComponent).join("/");
}

function thumb(path, caption) {
  const fig = el("figure");
  if (path) {
    const img = el("img", { src: imageUrl(path), alt: caption || path, loading: "lazy", decoding: "async" });
    // once: the placeholder is plain text, so a missing file can never trigger another load.
    img.addEventListener("error", () => img.replaceWith(el("div", { class: "placeholder" }, "image not available")), { once: true });
    fig.append(img);
  } else {
    fig.append(el("div", { class: "placeholder" }, "no image"));
  }
  if (caption) fig.append(el("figcaption", {}, caption));
  return fig;
}

function memberCaption(m) {
  return `${m.split || "?"} · ${labelText(m.label, m.label_name)}`;
}

function decisionText(d) {
  if (!d) return "";
  let s = `Your decision: ${d.action}`;
  if (d.action === "relabel") s += ` → ${labelText(d.new_label, className(d.new_label))}`;
  if (d.tags) s += ` · tags: ${d.tags.split(";").join(", ")}`;
  if (d.note) s += ` · note: ${d.note}`;
  return s + ` (${d.decided_at})`;
}

function evidenceList(item, full) {
  const dl = el("dl", { class: "evidence" });
  const row = (k, v) => { if (v !== null && v !== undefined && v !== "") dl.append(el("dt", {}, k), el("dd", {}, v)); };
  row("issue", item.issue_type);
  row("confidence", typeof item.confidence === "number" ? item.confidence.toFixed(2) : "—");
  if (item.item_kind !== "cluster") {
    row("label", labelText(item.label, item.label_name));
    row("split", item.split);
  }
  if (item.suggested_label !== null && item.suggested_label !== undefined)
    row("suggested", labelText(item.suggested_label, item.suggested_label_name));
  row("reason", item.reason);
  if (full) row(item.item_kind === "cluster" ? "cluster" : "image", item.cluster_id || item.image_id);
  return dl;
}

function badges(item) {
  return el("div", { class: "badges" },
    el("span", { class: `badge ${item.priority}` }, `#${item.priority_rank} ${item.priority || ""}`),
    el("span", { class: `badge state-${item.state}` }, String(item.state).replace(/_/g, " ")),
    item.item_kind === "cluster" ? el("span", { class: "badge" }, `cluster of ${item.members.length}`) : null);
}

function imagesOf(item, limit) {
  const box = el("div", { class: "members" });
  if (item.item_kind === "cluster") {
    const shown = item.members.slice(0, limit);
    for (const m of shown) box.append(thumb(m.image_path, memberCaption(m)));
    if (item.members.length > shown.length) box.append(el("span", { class: "more" }, `+${item.members.length - shown.length} more`));
  } else {
    box.append(thumb(item.image_path, `${item.split || "?"} · ${labelText(item.label, item.label_name)}`));
  }
  return box;
}

// ---------------------------------------------------------------- list
function renderCard(i) {
  const item = app.items[i];
  const card = el("li", { class: `card state-${item.state}`, "data-id": item.queue_item_id, "data-index": i });
  if (i === app.selected) card.classList.add("selected");
  const info = el("div", { class: "info" }, badges(item), evidenceList(item, false));
  if (item.my_decision) info.append(el("p", { class: "mine" }, decisionText(item.my_decision)));
  card.append(imagesOf(item, MAX_MEMBERS_IN_LIST), info);
  card.addEventListener("click", () => select(i));
  return card;
}

function renderList() {
  $("queue").replaceChildren(...app.items.map((_, i) => renderCard(i)));
  if (!app.items.length) $("queue").append(el("li", { class: "card" }, "No items match these filters."));
  const f = app.filters;
  $("page-info").textContent = app.total
    ? `${f.offset + 1}–${f.offset + app.items.length} of ${app.total}` : "0 items";
  $("prev").disabled = f.offset <= 0;
  $("next").disabled = f.offset + PAGE_SIZE >= app.total;
}

function refreshCard(i) {
  const old = $("queue").children[i];
  if (old) old.replaceWith(renderCard(i));
}

// ---------------------------------------------------------------- decision panel
function draftFor(item) {
  let d = app.drafts.get(item.queue_item_id);
  if (!d) {
    const mine = item.my_decision;
    d = mine
      ? { tags: new Set(mine.tags ? mine.tags.split(";") : []), note: mine.note || "",
          newLabel: mine.new_label !== "" ? Number(mine.new_label) : item.suggested_label ?? null }
      : { tags: new Set(), note: "", newLabel: item.suggested_label ?? null };
    app.drafts.set(item.queue_item_id, d);
  }
  return d;
}

function currentItem() { return app.items[app.selected] || null; }

function renderPanel() {
  const item = currentItem();
  $("panel").hidden = !item;
  if (!item) return;
  const d = draftFor(item);
  $("p-title").textContent = item.item_kind === "cluster"
    ? `Cluster ${item.cluster_id} · ${item.members.length} images` : `Image ${item.image_id}`;
  const images = imagesOf(item, 48);
  $("p-images").replaceChildren(...images.childNodes);
  $("p-images").classList.toggle("single", item.item_kind !== "cluster");
  $("p-evidence").replaceWith(Object.assign(evidenceList(item, true), { id: "p-evidence" }));
  const hasTrain = item.split === "train" || item.members.some((m) => m.split === "train");
  $("p-policy").hidden = !hasTrain;
  $("p-mine").textContent = decisionText(item.my_decision);
  for (const b of document.querySelectorAll(".tag")) b.setAttribute("aria-pressed", String(d.tags.has(b.dataset.tag)));
  for (const b of document.querySelectorAll("#p-actions button"))
    b.classList.toggle("current", !!item.my_decision && item.my_decision.action === b.dataset.action);
  $("p-note").value = d.note;
  setChosen(d.newLabel);
  $("p-matches").replaceChildren();
  status("");
}

function setChosen(index) {
  const item = currentItem();
  if (item) draftFor(item).newLabel = index;
  const c = index === null || index === undefined ? null : app.classByIndex.get(Number(index));
  $("p-class").value = c ? `${c.index} · ${c.name} · ${c.wnid}` : "";
  $("p-chosen").textContent = c ? `Relabel target: ${c.name} (${c.index}, ${c.wnid})` : "Relabel target: none chosen";
}

function status(text, isError = false) {
  $("p-status").textContent = text;
  $("p-status").className = isError ? "error" : "";
}

function buildTagButtons() {
  const groups = new Map();
  for (const row of app.meta.tag_schema) {
    if (row.tag_name.includes("{")) continue;  // relabel_to_{class}: the class picker covers it
    if (!groups.has(row.category)) groups.set(row.category, []);
    groups.get(row.category).push(row);
  }
  const box = $("p-tags");
  for (const [category, rows] of groups) {
    const fs = el("fieldset", {}, el("legend", {}, category || "other"));
    for (const row of rows) {
      const b = el("button", { type: "button", class: "tag", "data-tag": row.tag_name, "aria-pressed": "false",
        title: row.description + (row.implied_action ? ` (implies ${row.implied_action})` : "") }, row.tag_name);
      b.addEventListener("click", () => toggleTag(row.tag_name));
      fs.append(b);
    }
    box.append(fs);
  }
}

function toggleTag(tag) {
  const item = currentItem();
  if (!item) return;
  const tags = draftFor(item).tags;
  tags.has(tag) ? tags.delete(tag) : tags.add(tag);
  const b = document.querySelector(`.tag[data-tag="${CSS.escape(tag)}"]`);
  if (b) b.setAttribute("aria-pressed", String(tags.has(tag)));
}

// ---------------------------------------------------------------- class search
function searchClasses(query, limit = 10) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const exact = [], prefix = [], rest = [];
  for (const c of app.classes) {
    if (String(c.index) === q || c.wnid === q || c.name.toLowerCase() === q) exact.push(c);
    else if (c.name.toLowerCase().startsWith(q) || String(c.index).startsWith(q)) prefix.push(c);
    else if (c.key.includes(q)) rest.push(c);
  }
  return exact.concat(prefix, rest).slice(0, limit);
}

function resolveClass(text) {
  const t = text.trim();
  if (!t) return null;
  const lead = t.match(/^(\d+)(\s|$)/);  // "207 · golden retriever · n02099601" from the lists
  if (lead && app.classByIndex.has(Number(lead[1]))) return Number(lead[1]);
  const hits = searchClasses(t, 2);
  const low = t.toLowerCase();
  const exact = hits[0] && (hits[0].wnid === low || hits[0].name.toLowerCase() === low || String(hits[0].index) === low);
  return exact || hits.length === 1 ? hits[0].index : null;  // an exact hit, or the only one
}

function showMatches() {
  const matches = searchClasses($("p-class").value);
  app.matchIndex = 0;
  $("p-matches").replaceChildren(...matches.map((c, i) => {
    const li = el("li", { role: "option", "data-index": c.index, class: i === 0 ? "active" : null }, `${c.index} · ${c.name} · ${c.wnid}`);
    li.addEventListener("mousedown", (e) => { e.preventDefault(); pickClass(c.index); });
    return li;
  }));
  $("p-class").setAttribute("aria-expanded", String(matches.length > 0));
}

function pickClass(index) {
  setChosen(index);
  $("p-matches").replaceChildren();
  $("p-class").setAttribute("aria-expanded", "false");
  $("p-class").blur();
}

function onPickerKey(e) {
  const options = [...$("p-matches").children];
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    if (!options.length) return;
    e.preventDefault();
    app.matchIndex = (app.matchIndex + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
    options.forEach((o, i) => o.classList.toggle("active", i === app.matchIndex));
    options[app.matchIndex].scrollIntoView({ block: "nearest" });
  } else if (e.key === "Enter") {
    e.preventDefault();
    if (options.length) pickClass(Number(options[app.matchIndex].dataset.index));
    else { const idx = resolveClass($("p-class").value); if (idx !== null) pickClass(idx); }
  }
}

// ---------------------------------------------------------------- decisions
async function decide(action) {
  const item = currentItem();
  if (!item) return;
  const d = draftFor(item);
  d.note = $("p-note").value;
  if (action === "relabel") {
    if (d.newLabel === null || d.newLabel === undefined) {
      status("Pick the new class first (c, type, Enter), then Relabel.", true);
      $("p-class").focus();
      return;
    }
  }
  const body = { queue_item_id: item.queue_item_id, action, tags: [...d.tags], note: d.note,
                 new_label: action === "relabel" ? d.newLabel : null };
  let res, data;
  try {
    res = await fetch("/api/decisions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    data = await res.json();
  } catch (err) {
    status(`Not saved: ${err}`, true);
    return;
  }
  if (!res.ok) { status(`Not saved: ${data.error || res.status}`, true); return; }
  item.my_decision = data.decision;
  item.state = "decided";
  showProgress(data.progress);
  const index = app.items.indexOf(item);
  refreshCard(index);
  if (index === app.selected && app.selected < app.items.length - 1) select(app.selected + 1);
  else if (index === app.selected) renderPanel();
  status(`Saved: ${action} for ${item.queue_item_id}`);
}

function showProgress(p) {
  $("progress").textContent = `${p.decided} / ${p.total} decided`;
}

// ---------------------------------------------------------------- navigation and loading
function select(i) {
  if (i < 0 || i >= app.items.length) return;
  const cards = $("queue").children;
  if (cards[app.selected]) cards[app.selected].classList.remove("selected");
  app.selected = i;
  if (cards[i]) { cards[i].classList.add("selected"); cards[i].scrollIntoView({ block: "nearest" }); }
  renderPanel();
}

function move(step) {
  const next = app.selected + step;
  if (next >= 0 && next < app.items.length) return select(next);
  if (step > 0 && app.filters.offset + PAGE_SIZE < app.total) return load(app.filters.offset + PAGE_SIZE, 0);
  if (step < 0 && app.filters.offset > 0) return load(Math.max(0, app.filters.offset - PAGE_SIZE), PAGE_SIZE - 1);
}

function writeHash() {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(app.filters)) if (v !== "" && v !== 0) p.set(k, v);
  history.replaceState(null, "", p.toString() ? `#${p}` : location.pathname);
}

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  app.filters.offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
  for (const k of ["issue_type", "label", "state"]) app.filters[k] = p.get(k) || "";
}

async function load(offset = app.filters.offset, selectIndex = 0) {
  app.filters.offset = offset;
  writeHash();
  const ticket = ++app.request;  // only the latest request may render
  const q = new URLSearchParams({ offset, limit: PAGE_SIZE });
  for (const k of ["issue_type", "label", "state"]) if (app.filters[k] !== "") q.set(k, app.filters[k]);
  const res = await fetch(`/api/queue?${q}`);
  const data = await res.json();
  if (ticket !== app.request) return;
  if (!res.ok) { $("filter-msg").textContent = data.error || "could not load the queue"; return; }
  $("filter-msg").textContent = "";
  app.items = data.items;
  app.total = data.total;
  app.selected = -1;
  showProgress(data.progress);
  renderList();
  select(Math.min(selectIndex, app.items.length - 1));
  if (!app.items.length) renderPanel();
}

function applyFilters() {
  app.filters.issue_type = $("f-issue").value;
  app.filters.state = $("f-state").value;
  const text = $("f-class").value;
  const idx = resolveClass(text);
  if (text.trim() && idx === null) { $("filter-msg").textContent = "Unknown class: pick one from the list"; return; }
  app.filters.label = idx === null ? "" : String(idx);
  load(0);
}

function classOption(c) { return `${c.index} · ${c.name} · ${c.wnid}`; }

function isTyping(target) {
  return target instanceof HTMLElement && (target.matches("input, textarea, select") || target.isContentEditable);
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "Escape") { document.activeElement.blur(); $("p-matches").replaceChildren(); return; }
  if (isTyping(e.target)) return;
  const actions = { 1: "keep", 2: "remove", 3: "relabel", 4: "defer" };
  const handlers = {
    j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
    "]": () => !$("next").disabled && load(app.filters.offset + PAGE_SIZE),
    "[": () => !$("prev").disabled && load(Math.max(0, app.filters.offset - PAGE_SIZE)),
    c: () => { $("p-class").focus(); $("p-class").select(); showMatches(); },
    n: () => $("p-note").focus(),
  };
  if (actions[e.key]) { e.preventDefault(); decide(actions[e.key]); }
  else if (handlers[e.key]) { e.preventDefault(); handlers[e.key](); }
}

async function init() {
  const res = await fetch("/api/meta");
  app.meta = await res.json();
  $("dataset").textContent = app.meta.dataset;
  $("reviewer").textContent = app.meta.reviewer;
  document.title = `Review ${app.meta.dataset} · ${app.meta.reviewer}`;
  showProgress(app.meta.progress);
  app.classes = app.meta.classes.map((c) => ({ ...c, key: `${c.index} ${c.wnid} ${c.name} ${c.synonyms || ""}`.toLowerCase() }));
  for (const c of app.classes) app.classByIndex.set(c.index, c);
  $("class-list").replaceChildren(...app.classes.map((c) => el("option", { value: classOption(c) })));
  for (const t of app.meta.issue_types) $("f-issue").append(el("option", { value: t }, t));
  buildTagButtons();

  readHash();
  $("f-issue").value = app.filters.issue_type;
  $("f-state").value = app.filters.state;
  const c = app.classByIndex.get(Number(app.filters.label));
  $("f-class").value = app.filters.label !== "" && c ? classOption(c) : "";

  $("f-issue").addEventListener("change", applyFilters);
  $("f-state").addEventListener("change", applyFilters);
  $("f-class").addEventListener("change", applyFilters);
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); applyFilters(); });
  $("f-clear").addEventListener("click", () => {
    $("f-issue").value = ""; $("f-state").value = ""; $("f-class").value = ""; applyFilters();
  });
  $("prev").addEventListener("click", () => load(Math.max(0, app.filters.offset - PAGE_SIZE)));
  $("next").addEventListener("click", () => load(app.filters.offset + PAGE_SIZE));
  for (const b of document.querySelectorAll("#p-actions button")) b.addEventListener("click", () => decide(b.dataset.action));
  $("p-class").addEventListener("input", showMatches);
  $("p-class").addEventListener("keydown", onPickerKey);
  $("p-class").addEventListener("focus", () => $("p-class").select());
  $("p-class").addEventListener("blur", () => { $("p-matches").replaceChildren(); const item = currentItem(); if (item) setChosen(draftFor(item).newLabel); });
  $("p-note").addEventListener("input", () => { const item = currentItem(); if (item) draftFor(item).note = $("p-note").value; });
  document.addEventListener("keydown", onKey);
  await load(app.filters.offset);
}

init().catch((err) => { $("page-info").textContent = `Could not load: ${err}`; });
