// The mtlint editor page: check a text through this server's API, review each finding in
// place, accept or reject its fix, copy the corrected text. Offsets from the API are Unicode
// code points, so the text is handled as an array of code points, never as UTF-16 indices.
"use strict";

const $ = (id) => document.getElementById(id);
const SEVERITY_ORDER = ["error", "warning", "info"];
const state = { cps: [], findings: [], safe: new Set(), decision: new Map() };

const key = (f) => `${f.rule}:${f.start}:${f.end}`;
const overlaps = (a, b) => (a.start < b.end && b.start < a.end) || (a.start === b.start && a.end === b.end);
const slice = (s, e) => state.cps.slice(s, e).join("");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function setStatus(message, kind) {
  $("status").textContent = message;
  $("status").dataset.state = kind;
}

async function api(path, body) {
  const headers = { "Content-Type": "application/json" };
  const token = $("token").value.trim();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data && data.error ? data.error.message : `HTTP ${response.status}`);
  return data;
}

async function runCheck() {
  const text = $("text").value;
  setStatus("Checking…", "busy");
  $("check").disabled = true;
  try {
    const body = { text };
    const [checked, fixed] = await Promise.all([
      api("/v1/check", { ...body, model: $("model").checked }),
      api("/v1/fix", body),
    ]);
    state.cps = Array.from(text);
    state.findings = checked.files[0].findings;
    state.safe = new Set(fixed.applied.map(key));
    state.decision = new Map();
    const n = state.findings.length;
    setStatus(`${n} finding${n === 1 ? "" : "s"}${$("model").checked ? "" : " (rules only)"}.`, "done");
  } catch (error) {
    setStatus(`Check failed: ${error.message}`, "error");
  } finally {
    $("check").disabled = false;
    update();
  }
}

function accept(i) {
  const f = state.findings[i];
  state.findings.forEach((g, j) => {
    if (j !== i && state.decision.get(j) === "accepted" && overlaps(f, g)) state.decision.delete(j);
  });
  state.decision.set(i, "accepted");
}

function toggle(i, decision) {
  if (state.decision.get(i) === decision) state.decision.delete(i);
  else if (decision === "accepted") accept(i);
  else state.decision.set(i, decision);
  update();
}

function acceptAllSafe() {
  state.findings.forEach((f, i) => { if (state.safe.has(key(f))) accept(i); });
  update();
}

function acceptedIndices() {
  return [...state.decision].filter(([, d]) => d === "accepted").map(([i]) => i)
    .sort((a, b) => state.findings[a].start - state.findings[b].start);
}

function correctedText() {
  const cps = state.cps.slice();
  for (const i of acceptedIndices().reverse()) {
    const f = state.findings[i];
    cps.splice(f.start, f.end - f.start, ...Array.from(f.replacements[0]));
  }
  return cps.join("");
}

function severest(indices) {
  return SEVERITY_ORDER.find((s) => indices.some((i) => state.findings[i].severity === s)) || "info";
}

function markFor(indices, text, extra = "") {
  const all = indices.map((i) => state.findings[i]);
  const rejected = indices.every((i) => state.decision.get(i) === "rejected");
  const mark = el("mark", {
    class: `${severest(indices)}${rejected ? " rejected" : ""}${extra}`,
    tabindex: "0",
    title: all.map((f) => `${f.rule} ${f.message}`).join("\n"),
    "data-index": String(indices[0]),
  }, text);
  mark.addEventListener("click", () => focusFinding(indices[0]));
  mark.addEventListener("keydown", (e) => { if (e.key === "Enter") focusFinding(indices[0]); });
  return mark;
}

function renderPlain(view, s, e) {
  const open = state.findings.map((f, i) => i).filter((i) => state.decision.get(i) !== "accepted");
  const cuts = new Set([s, e]);
  for (const i of open) {
    const f = state.findings[i];
    if (f.start > s && f.start < e) cuts.add(f.start);
    if (f.end > s && f.end < e) cuts.add(f.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  points.forEach((a, k) => {
    const inserts = open.filter((i) => state.findings[i].start === a && state.findings[i].end === a);
    if (inserts.length) view.append(markFor(inserts, "", " insert"));
    if (k === points.length - 1) return;
    const b = points[k + 1];
    const covering = open.filter((i) => state.findings[i].start <= a && state.findings[i].end >= b && state.findings[i].start < state.findings[i].end);
    view.append(covering.length ? markFor(covering, slice(a, b)) : document.createTextNode(slice(a, b)));
  });
}

function renderView() {
  const view = $("view");
  view.textContent = "";
  let pos = 0;
  for (const i of acceptedIndices()) {
    const f = state.findings[i];
    renderPlain(view, pos, f.start);
    const mark = markFor([i], "", " accepted");
    mark.append(el("del", { text: slice(f.start, f.end) }), el("ins", { text: f.replacements[0] }));
    view.append(mark);
    pos = f.end;
  }
  renderPlain(view, pos, state.cps.length);
}

function suggestion(f) {
  if (!f.replacements.length) return "no automatic fix";
  return f.replacements[0] === "" ? "→ delete" : `→ “${f.replacements[0]}”`;
}

function renderList() {
  const list = $("findings");
  list.textContent = "";
  state.findings.forEach((f, i) => {
    const decision = state.decision.get(i) || "";
    const acceptButton = el("button", { type: "button", class: "accept", "aria-pressed": String(decision === "accepted") }, decision === "accepted" ? "Undo" : "Accept");
    const rejectButton = el("button", { type: "button", class: "reject", "aria-pressed": String(decision === "rejected") }, decision === "rejected" ? "Undo" : "Reject");
    acceptButton.disabled = !f.replacements.length;
    acceptButton.addEventListener("click", () => toggle(i, "accepted"));
    rejectButton.addEventListener("click", () => toggle(i, "rejected"));
    const item = el("li", { class: `finding ${f.severity} ${decision}`, "data-index": String(i), id: `finding-${i}` },
      el("span", { class: "code", text: `${f.rule} ${f.name}` }), " ",
      el("span", { class: "where", text: `line ${f.line}, column ${f.column}` }), " ",
      state.safe.has(key(f)) ? el("span", { class: "safe", text: "safe fix" }) : "",
      el("div", {}, el("span", { class: "quote", text: f.text || "‸" }), " ", suggestion(f)),
      el("div", { class: "message", text: f.message }),
      el("div", {}, acceptButton, rejectButton));
    list.append(item);
  });
  $("count").textContent = state.findings.length ? `(${state.findings.length})` : "";
}

function focusFinding(i) {
  const item = $(`finding-${i}`);
  item.scrollIntoView({ block: "nearest" });
  item.querySelector("button:not(:disabled)")?.focus();
}

function update() {
  renderView();
  renderList();
  $("corrected").value = correctedText();
  const has = state.findings.length > 0;
  $("accept-all").disabled = !state.findings.some((f) => state.safe.has(key(f)));
  $("reset").disabled = !has;
  $("copy").disabled = !state.cps.length;
}

async function copyCorrected() {
  const text = $("corrected").value;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    $("corrected").select();
    document.execCommand("copy");
  }
  setStatus("Corrected text copied.", "done");
}

function loadFile(event) {
  const file = event.target.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => { $("text").value = reader.result; runCheck(); };
  reader.onerror = () => setStatus(`Cannot read ${file.name}.`, "error");
  reader.readAsText(file);
}

async function init() {
  $("token").value = sessionStorage.getItem("mtlint-token") || "";
  $("token").addEventListener("change", () => sessionStorage.setItem("mtlint-token", $("token").value.trim()));
  $("check").addEventListener("click", runCheck);
  $("accept-all").addEventListener("click", acceptAllSafe);
  $("reset").addEventListener("click", () => { state.decision = new Map(); update(); });
  $("copy").addEventListener("click", copyCorrected);
  $("file").addEventListener("change", loadFile);
  try {
    const health = await (await fetch("/health")).json();
    $("model").checked = health.model.enabled;
    $("model").disabled = !health.model.enabled;
  } catch {
    $("model").disabled = true;
  }
  setStatus("Ready.", "ready");
}

init();
