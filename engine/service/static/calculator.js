// The calculator: the form is built from /catalog (what each model offers); every change asks /explain.
"use strict";
let catalog = null;
let asked = 0;
const $ = (id) => document.getElementById(id);

function toolOf() { return catalog.tools.find((t) => t.name === JSON.parse($("tool").value)); }
function modelOf() {
  const tool = toolOf();
  return tool.has_models ? tool.models.find((m) => m.name === JSON.parse($("model").value)) : tool.models[0];
}

function fill(select, values, labels = values.map(show)) {
  select.replaceChildren(...values.map((v, i) => element("option", {value: JSON.stringify(v)}, labels[i])));
}

function paramField(param) {
  const label = element("label", {"data-param": param.name}, param.name + (param.unit ? ` (${param.unit})` : "") + " ");
  if (!param.taken) {
    label.append(element("span", {class: "note"}, param.reason || "not taken by this model"));
    return label;
  }
  let input;
  if (param.values) {
    input = element("select", {name: param.name, id: "param-" + param.name});
    fill(input, param.values);
    if (param.unset) input.prepend(element("option", {value: ""}, "(not set)"));  // left out, and priced so
    if (param.values.length === 1 && !param.unset) input.disabled = true;
    input.value = param.default !== null ? JSON.stringify(param.default) : param.unset ? "" : input.value;
  } else {
    const low = param.ranges[0][0];
    const high = param.ranges[param.ranges.length - 1][1];
    const start = param.default !== null ? param.default : param.unset ? "" : Math.max(low, 100);
    input = element("input", {type: "number", name: param.name, id: "param-" + param.name, min: low,
                              step: param.measure ? "any" : 1, value: start});
    if (high !== null) input.max = high;
  }
  label.append(input);
  return label;
}

function buildModels() {
  const tool = toolOf();
  $("model-field").hidden = !tool.has_models;
  if (tool.has_models) fill($("model"), tool.models.map((m) => m.name), tool.models.map((m) => m.name));
  buildParams();
}

function buildParams() {
  $("params").replaceChildren(...modelOf().params.map(paramField));
  quote();
}

function request() {
  const tool = toolOf();
  const out = {tool: tool.name};
  if (tool.has_models) out.model = modelOf().name;
  for (const param of modelOf().params) {
    const input = $("param-" + param.name);
    if (!input) continue;
    if (input.value === "") continue;  // left out (a parameter the model prices unset)
    out[param.name] = input.tagName === "SELECT" ? JSON.parse(input.value) : Number(input.value);
  }
  if ($("plan").value) out.plan = JSON.parse($("plan").value);
  return out;
}

async function quote() {
  const mine = ++asked;
  const box = $("result");
  box.dataset.asked = mine;
  box.dataset.state = "pending";
  const {body, digest} = await api.post("explain", request());
  if (mine !== asked) return;  // a later change is on its way: show only the latest answer
  const result = body.result || body;  // a refusal of the request itself has the result's shape
  $("digest").textContent = (digest || "").slice(0, 12);
  $("credits").textContent = result.ok ? `${result.credits} credits` : "refused";
  $("rule").textContent = result.ok ? `priced by ${result.rule}` : "";
  $("reason").textContent = result.ok ? "" : `${result.code}: ${result.message}`;
  $("explanation").textContent = body.explanation || "";
  box.dataset.state = result.ok ? "priced" : "refused";
  box.dataset.answered = mine;
}

async function start() {
  const {body} = await api.get("catalog");
  catalog = body;
  fill($("tool"), catalog.tools.map((t) => t.name));
  for (const plan of Object.keys(catalog.plans)) $("plan").append(element("option", {value: JSON.stringify(plan)}, plan));
  $("tool").addEventListener("change", buildModels);
  $("model").addEventListener("change", buildParams);
  $("params").addEventListener("change", quote);
  $("params").addEventListener("input", (event) => { if (event.target.tagName === "INPUT") quote(); });
  $("plan").addEventListener("change", quote);
  buildModels();
  document.body.dataset.ready = "true";
}

start();
