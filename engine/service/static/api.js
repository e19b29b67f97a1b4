// The JSON API, as the pages use it. Paths are relative to the page, so the app can be mounted anywhere.
"use strict";
const api = {
  async get(path) {
    const response = await fetch("../" + path);
    return {status: response.status, digest: response.headers.get("Ratecard-Digest"), body: await response.json()};
  },
  async post(path, body) {
    const response = await fetch("../" + path, {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    return {status: response.status, digest: response.headers.get("Ratecard-Digest"), body: await response.json()};
  },
};

function show(value) {  // a value as the card writes it
  if (value === null) return "unset";  // a parameter left out (or no plan), priced so
  if (value === true) return "yes";
  if (value === false) return "no";
  return String(value);
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}
