"use strict";
// The evaluators' page: the pemda's units as a table and a chart, worst first, filtered by
// status and step in the page. Opened in Telegram (initData) or at a signed link (?tautan=).

const link = new URLSearchParams(window.location.search).get("tautan");

const STATE_LABELS = {
  terlambat: "Terlambat",
  berisiko: "Berisiko",
  berjalan: "Berjalan",
  belum_dimulai: "Belum dimulai",
  ditandatangani: "Ditandatangani",
};
const ROMAN = ["", "I", "II", "III", "IV"];
const SVG = "http://www.w3.org/2000/svg";
const ROW_HEIGHT = 40;

const filters = { state: "", step: "" };
let data = null;

async function load(year) {
  const auth = link ? "tautan " + link : "tma " + initData;
  const response = await fetch("api/pantau", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Authorization": auth },
    body: JSON.stringify(year ? { tahun: year } : {}),
  });
  let body = {};
  try {
    body = await response.json();
  } catch (e) {
    body = { error: "Jawaban server tidak dapat dibaca (" + response.status + ")." };
  }
  if (!response.ok) throw new Error(body.error || "Permintaan ditolak (" + response.status + ").");
  return body;
}

function percent(value) {
  // 84,5% as the reports write it (a decimal comma, no space before %).
  return value.toLocaleString("id-ID", { maximumFractionDigits: 2 }) + "%";
}

function overdueText(row) {
  // Under one office day, the office time itself; else begun working days.
  const minutes = row.overdue_minutes || 0;
  if (row.office_day_minutes && minutes > 0 && minutes < row.office_day_minutes) {
    const hours = Math.floor(minutes / 60), rest = minutes % 60;
    return [hours ? hours + " jam" : "", rest ? rest + " menit" : ""].filter(Boolean).join(" ");
  }
  return row.overdue_days + " hari kerja";
}

function stateText(row) {
  if (row.state === "terlambat") return "Terlambat " + overdueText(row);
  return STATE_LABELS[row.state] || row.state;
}

function stepText(row) {
  return row.step === null ? "—" : row.step + "/" + row.steps_total;
}

function visible(row) {
  if (filters.state && row.state !== filters.state) return false;
  if (filters.step && String(row.step) !== filters.step) return false;
  return true;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function chart(rows) {
  // One bar per unit over the SOP steps: the track is every step, the mark the steps reached
  // (a signed quarter: all of them), its colour the unit's state; widths in percent, so the
  // text keeps its size at any width.
  const box = document.getElementById("chart");
  box.replaceChildren();
  if (!rows.length) return;
  const height = rows.length * ROW_HEIGHT;
  // The characters a unit's name may take beside its step ("2/8" at the right).
  const room = Math.max(12, Math.floor(box.clientWidth / 7.2) - 6);
  const fit = (text) => (text.length > room ? text.slice(0, room - 1) + "…" : text);
  const root = svg("svg", {
    width: "100%", height: String(height), role: "img", class: "progress",
    "aria-label": "Kemajuan tiap unit per tahap SOP",
  });
  rows.forEach((row, i) => {
    const y = i * ROW_HEIGHT;
    const group = svg("g", { "data-unit": row.unit, "data-state": row.state });
    group.appendChild(svg("text", { x: "0", y: String(y + 14), class: "bar-label" }, fit(row.name)));
    group.appendChild(svg("text", {
      x: "100%", y: String(y + 14), "text-anchor": "end", class: "bar-label",
    }, stepText(row)));
    group.appendChild(svg("rect", {
      x: "0", y: String(y + 20), width: "100%", height: "12", rx: "3", class: "track",
    }));
    const total = row.steps_total || 1;
    const reached = row.step === null ? 0 : (row.state === "ditandatangani" ? total : row.step);
    const mark = svg("rect", {
      x: "0", y: String(y + 20), width: (100 * reached / total).toFixed(2) + "%", height: "12",
      rx: "3", class: "unit-bar " + row.state, "data-unit": row.unit,
    });
    mark.appendChild(svg("title", {}, row.name + ": " + stateText(row) + ", tahap " + stepText(row)));
    group.appendChild(mark);
    for (let s = 1; s < total; s++) {
      group.appendChild(svg("line", {
        x1: (100 * s / total).toFixed(2) + "%", x2: (100 * s / total).toFixed(2) + "%",
        y1: String(y + 20), y2: String(y + 32), class: "tick",
      }));
    }
    root.appendChild(group);
  });
  box.appendChild(root);
}

function compliance(row) {
  // SOP compliance of the quarter so far: the steps finished by their deadline.
  if (!row.steps_done) return "";
  return (row.steps_done - row.steps_late) + "/" + row.steps_done + " tahap tepat waktu";
}

function sasaranList(row) {
  // Capaian per sasaran, once something of the quarter is reported.
  if (!row.reported || !row.sasaran.length) return null;
  return el("ul", { className: "sasaran" }, row.sasaran.map((s) => el("li", {}, [
    el("span", { text: s.sasaran + ": " }),
    el("strong", { text: s.capaian === null ? "—" : percent(s.capaian) }),
    el("span", { className: "hint", text: " (" + s.reported + "/" + s.indicators + " IKU)" }),
  ])));
}

function cell(children, className) {
  return el("td", className ? { className } : {}, children);
}

function tableRow(row) {
  const badge = el("span", { className: "badge state " + row.state, text: stateText(row) });
  const who = row.holders.length ? row.role + ": " + row.holders.join(", ") : row.role;
  const facts = [];
  if (row.triwulan) facts.push("TW " + ROMAN[row.triwulan]);
  if (row.state !== "ditandatangani" && who) facts.push(who);
  if (row.since) facts.push("sejak " + row.since.label);
  if (compliance(row)) facts.push(compliance(row));
  const capaian = row.capaian === null ? "—" : percent(row.capaian);
  const capaianClass = "capaian" + (row.at_risk_indicators ? " risk" : "");
  return el("tr", { "data-unit": row.unit, "data-state": row.state, "data-step": String(row.step) }, [
    cell([
      el("div", { className: "unit-name", text: row.name }),
      el("div", { className: "row-facts" }, [badge]),
      el("div", { className: "hint narrow", text: facts.join(" · ") }),
      sasaranList(row),
    ]),
    cell([el("span", { text: row.triwulan ? ROMAN[row.triwulan] : "—" })], "wide"),
    cell([
      el("strong", { text: stepText(row) }),
      row.activity ? el("div", { className: "hint wide-block", text: row.activity }) : null,
      compliance(row) ? el("div", { className: "hint wide-block compliance", text: compliance(row) }) : null,
    ]),
    cell([el("span", { text: row.state === "ditandatangani" ? "—" : who || "—" }),
      row.since ? el("div", { className: "hint", text: "sejak " + row.since.label }) : null], "wide"),
    cell([el("span", { text: row.deadline ? row.deadline.label : "—" })], "wide"),
    cell([
      el("span", { className: row.capaian === null ? "" : capaianClass, text: capaian }),
      row.indicators ? el("div", { className: "hint", text: row.reported + "/" + row.indicators + " IKU" }) : null,
    ], "num"),
  ]);
}

function render() {
  const rows = data.units.filter(visible);
  const body = document.querySelector("#units tbody");
  body.replaceChildren(...rows.map(tableRow));
  document.getElementById("units").hidden = !rows.length;
  document.getElementById("empty").hidden = rows.length > 0;
  document.getElementById("shown").textContent =
    rows.length + " dari " + data.units.length + " unit ditampilkan";
  chart(rows);
  for (const button of document.querySelectorAll("#counts button")) {
    button.setAttribute("aria-pressed", String(button.dataset.state === filters.state));
  }
}

function heading() {
  document.getElementById("title").textContent = "Pemantauan LKj " + data.pemda;
  document.getElementById("subtitle").textContent =
    data.evaluator.name + " (" + data.evaluator.body + ") · Tahun " + data.year + " · per " + data.at;
  for (const [state, label] of Object.entries(STATE_LABELS)) {
    const button = document.querySelector('#counts button[data-state="' + state + '"]');
    button.replaceChildren(el("strong", { text: String(data.counts[state] || 0) }), el("span", { text: label }));
  }
  // The steps of the year's SOP tables (a chosen step stays chosen if the year has it).
  const steps = document.getElementById("filter-step");
  steps.replaceChildren(el("option", { value: "", text: "Semua tahap" }), ...data.steps.map((step) =>
    el("option", { value: String(step.number), text: step.number + ". " + step.activity })));
  steps.value = data.steps.some((step) => String(step.number) === filters.step) ? filters.step : "";
  filters.step = steps.value;
}

function setup() {
  const years = document.getElementById("filter-year");
  for (const year of data.years) years.appendChild(el("option", { value: String(year), text: String(year) }));
  years.value = String(data.year);
  years.addEventListener("change", async () => {
    try {
      data = await load(Number(years.value));
      notice("", "info");
      heading();
      render();
    } catch (e) {
      notice(e.message, "error");
    }
  });
  const states = document.getElementById("filter-state");
  const counts = document.getElementById("counts");
  const legend = document.getElementById("legend");
  for (const [state, label] of Object.entries(STATE_LABELS)) {
    states.appendChild(el("option", { value: state, text: label }));
    const button = el("button", { type: "button", className: "count " + state, "data-state": state });
    button.addEventListener("click", () => {
      filters.state = filters.state === state ? "" : state;
      states.value = filters.state;
      render();
    });
    counts.appendChild(button);
    legend.appendChild(el("li", {}, [el("span", { className: "swatch " + state }), el("span", { text: label })]));
  }
  const steps = document.getElementById("filter-step");
  states.addEventListener("change", () => { filters.state = states.value; render(); });
  steps.addEventListener("change", () => { filters.step = steps.value; render(); });
  document.getElementById("view").hidden = false;
  heading();
  render();
}

window.addEventListener("resize", () => data && chart(data.units.filter(visible)));

load().then((body) => {
  data = body;
  setup();
}).catch((e) => {
  document.getElementById("subtitle").textContent = "";
  notice(e.message, "error");
});
