// The price sheet as the seed lays it out: per tool, a row per model and setting, a column per duration
// (or images, characters); the rows are /sheet's, so what is shown is what /quote answers.
"use strict";
const RESERVED = new Set(["tool", "model", "credits", "reason"]);

function grids(rows) {
  const shapes = new Map();  // tool|down|across|columns -> {tool, down, across, columns, lines}
  const byModel = new Map();
  for (const row of rows) {
    const key = row.tool + "\u0000" + row.model;
    if (!byModel.has(key)) byModel.set(key, []);
    byModel.get(key).push(row);
  }
  for (const modelRows of byModel.values()) {
    const first = modelRows[0];
    const names = Object.keys(first).filter((k) => !RESERVED.has(k));
    const down = names.slice(0, -1);
    const across = names.length ? names[names.length - 1] : null;
    const columns = across ? [...new Set(modelRows.map((r) => r[across]))] : [null];
    const shape = JSON.stringify([first.tool, first.model !== null, down, across, columns]);
    if (!shapes.has(shape)) {
      shapes.set(shape, {tool: first.tool, hasModels: first.model !== null, down, across, columns, lines: []});
    }
    const grid = shapes.get(shape);
    for (let start = 0; start < modelRows.length; start += columns.length) {
      const cells = modelRows.slice(start, start + columns.length);
      grid.lines.push({model: first.model, labels: down.map((n) => cells[0][n]), cells});
    }
  }
  return [...shapes.values()];
}

function table(grid) {
  const notes = new Map();
  const head = [...(grid.hasModels ? ["Model"] : []), ...grid.down,
                ...(grid.across ? grid.columns.map((v) => `${grid.across} ${show(v)}`) : ["credits"])];
  const body = grid.lines.map((line) => element("tr", {},
    ...(grid.hasModels ? [element("th", {scope: "row"}, line.model)] : []),
    ...line.labels.map((v) => element("td", {}, show(v))),
    ...line.cells.map((cell) => {
      if (cell.credits !== undefined) return element("td", {class: "num", "data-credits": cell.credits}, String(cell.credits));
      if (!notes.has(cell.reason)) notes.set(cell.reason, notes.size + 1);
      return element("td", {class: "num refused", title: cell.reason}, `[${notes.get(cell.reason)}]`);
    })));
  const out = element("section", {"data-tool": grid.tool},
    element("h2", {}, grid.tool),
    element("table", {}, element("thead", {}, element("tr", {}, ...head.map((h) => element("th", {scope: "col"}, h)))),
            element("tbody", {}, ...body)));
  for (const [reason, n] of notes) out.append(element("p", {class: "note"}, `[${n}] ${reason}`));
  return out;
}

async function load() {
  const tool = document.getElementById("tool").value;
  const sheet = document.getElementById("sheet");
  sheet.dataset.loaded = "false";
  const {body, digest} = await api.get("sheet" + (tool ? "?tool=" + encodeURIComponent(tool) : ""));
  document.getElementById("digest").textContent = (digest || "").slice(0, 12);
  sheet.replaceChildren(...grids(body).map(table));
  sheet.dataset.loaded = "true";
}

async function start() {
  const {body} = await api.get("catalog");
  for (const t of body.tools) document.getElementById("tool").append(element("option", {value: t.name}, t.name));
  document.getElementById("tool").addEventListener("change", load);
  await load();
}

start();
