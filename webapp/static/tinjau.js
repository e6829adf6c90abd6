"use strict";
// The review of a report on a phone: summary, the performance by sasaran with risk flags,
// kendala and tindak lanjut, evidence, what changed, the SOP timing; Paraf or Tandatangani
// with a confirming second tap, or a return that marks indicators (the chat's own actions).

let review = null;
let confirming = false;
const LABELS = { paraf: "Paraf", sign: "Tandatangani" };
const CONFIRM = { paraf: "Ya, paraf laporan ini", sign: "Ya, tandatangani" };

function indicatorCard(row, canMark) {
  const parts = [
    el("div", { className: "head" }, [
      el("strong", { text: row.code }),
      row.at_risk ? el("span", { className: "badge risk", text: "⚠ Berisiko" }) : null,
    ]),
    el("p", { className: "indikator", text: row.indikator }),
    el("div", { className: "facts" }, [
      fact("Target", row.target + " " + row.satuan),
      fact("Realisasi", row.realisasi),
      fact("Capaian", row.capaian),
      fact("Predikat", row.rating),
    ]),
    row.note ? el("p", { className: "hint", text: row.note }) : null,
    el("p", {}, [el("span", { className: "hint", text: "Kendala: " }),
      el("span", { text: row.kendala || "—" })]),
    el("p", {}, [el("span", { className: "hint", text: "Tindak lanjut: " }),
      el("span", { text: row.tindak_lanjut || "—" })]),
    el("p", { className: "hint", text: "Pelaksana: " + row.member_name }),
    evidenceList(row.evidence, "Tidak ada bukti dukung."),
  ];
  if (canMark) {
    const id = "m-" + row.code;
    const box = el("input", { type: "checkbox", id, name: "mark", value: row.code });
    const why = el("input", { type: "text", name: "why", maxlength: "500",
      placeholder: "Alasan untuk " + row.code + " (opsional)" });
    why.hidden = true;
    box.addEventListener("change", () => { why.hidden = !box.checked; });
    parts.push(el("div", { className: "mark" }, [
      box, el("label", { for: id, text: "Perlu perbaikan" }), why,
    ]));
  }
  return el("section", { className: "card" + (row.at_risk ? " at-risk" : ""),
    "data-code": row.code }, parts);
}

function changesSection(changes) {
  if (changes.previous === null) {
    return el("p", { className: "hint", text: "Ini versi pertama laporan." });
  }
  const items = [];
  for (const c of changes.rows) {
    items.push(el("li", { text: c.code + ": realisasi " + c.old + " → " + c.new +
      (c.kendala_changed ? ", kendala diubah" : "") + " (" + c.by + ", " + c.at + ")" }));
  }
  if (!changes.rows.length) items.push(el("li", { text: "Tidak ada data yang berubah." }));
  return el("div", {}, [
    el("p", { className: "hint", text: "Dibandingkan dengan draf versi " + changes.previous + ":" }),
    el("ul", {}, items),
  ]);
}

function returnsSection(returns) {
  const items = [];
  for (const r of returns) {
    items.push(el("li", { text: r.by + " (" + r.at + "): " + r.reason }));
    for (const m of r.marks) items.push(el("li", { className: "mark-line", text: m.code + ": " + m.reason }));
  }
  return el("ul", {}, items);
}

function sopSection(sop) {
  const rows = sop.steps.map((s) => el("li", { className: s.over_time ? "late" : "" }, [
    el("strong", { text: s.step + ". " + s.activity }),
    el("span", { className: "hint", text: " · " + s.holder + " · standar " + s.standard_time +
      (s.allowed ? " (batas " + s.allowed + ")" : "") +
      " · " + (s.reached ? s.duration : "belum") + (s.over_time ? " · melebihi batas" : "") }),
  ]));
  return el("div", {}, [
    el("p", { text: "Tepat waktu: " + sop.on_time + " · Melebihi batas: " + sop.over_time +
      " · Total: " + sop.total }),
    el("ul", { className: "sop" }, rows),
  ]);
}

function render(data) {
  review = data;
  confirming = false;
  const canMark = data.actions.includes("return");
  document.getElementById("title").textContent = data.title;
  document.getElementById("subtitle").textContent = data.unit + " · " + data.period +
    " · " + data.status + " versi " + data.version;
  const s = data.summary;
  const summary = el("section", { className: "card summary" }, [
    el("h2", { text: "Ringkasan" }),
    el("div", { className: "facts" }, [
      fact("Rata-rata capaian", s.average + (s.rating ? " · " + s.rating : "")),
      fact("Indikator dilaporkan", s.reported + " dari " + s.indicators),
      fact("Berisiko (< " + s.risk_label + ")", s.at_risk.length ? s.at_risk.join(", ") : "tidak ada"),
    ]),
  ]);
  const groups = data.groups.map((g) => el("div", { className: "group" }, [
    el("h2", { text: g.sasaran }),
    el("p", { className: "hint", text: "Rata-rata capaian sasaran: " + g.average }),
    ...g.rows.map((row) => indicatorCard(row, canMark)),
  ]));
  const sections = [
    summary,
    el("h2", { text: "Kinerja per sasaran" }),
    ...groups,
    el("section", { className: "card" }, [el("h2", { text: "Perubahan sejak versi sebelumnya" }),
      changesSection(data.changes)]),
    data.returns.length ? el("section", { className: "card" }, [
      el("h2", { text: "Riwayat pengembalian" }), returnsSection(data.returns)]) : null,
    el("section", { className: "card" }, [el("h2", { text: "Waktu pelaksanaan SOP" }),
      sopSection(data.sop)]),
    el("p", { className: "hint", text: "Dokumen resmi tetap berkas PDF yang dikirim di percakapan." }),
  ];
  document.getElementById("report").replaceChildren(...sections.filter((node) => node));
  const decision = data.actions.find((a) => a in LABELS);
  document.getElementById("actions").hidden = !decision;
  document.getElementById("give-back").hidden = !canMark;
  document.getElementById("return-box").hidden = true;
  setDecision(decision, false);
}

function setDecision(decision, confirm) {
  confirming = confirm;
  const button = document.getElementById("decide");
  button.hidden = !decision;
  if (!decision) return;
  button.textContent = confirm ? CONFIRM[decision] : LABELS[decision];
  button.dataset.action = decision;
  document.getElementById("cancel").hidden = !confirm;
  document.getElementById("give-back").hidden = confirm || !review.actions.includes("return");
}

async function act(body) {
  for (const b of document.querySelectorAll("footer button, #return-box button")) b.disabled = true;
  try {
    const result = await api("api/tinjau/aksi", Object.assign({ versi: review.version }, body));
    render(result.review);
    notice(result.message, "ok");
  } catch (e) {
    notice(e.message, "error");
  } finally {
    for (const b of document.querySelectorAll("footer button, #return-box button")) b.disabled = false;
  }
}

document.getElementById("decide").addEventListener("click", () => {
  const action = document.getElementById("decide").dataset.action;
  if (!confirming) {
    setDecision(action, true);
    notice("Tekan sekali lagi untuk mengonfirmasi.", "info");
    return;
  }
  act({ aksi: action });
});
document.getElementById("cancel").addEventListener("click", () => {
  setDecision(document.getElementById("decide").dataset.action, false);
  notice("Dibatalkan; belum ada yang dicatat.", "info");
});
document.getElementById("give-back").addEventListener("click", () => {
  const box = document.getElementById("return-box");
  box.hidden = false;
  box.scrollIntoView({ block: "start" });
});
document.getElementById("return-cancel").addEventListener("click", () => {
  document.getElementById("return-box").hidden = true;
});
document.getElementById("return-send").addEventListener("click", () => {
  const marks = [];
  for (const box of document.querySelectorAll("input[name=mark]:checked")) {
    const why = box.parentNode.querySelector("input[name=why]").value;
    marks.push({ code: box.value, reason: why });
  }
  act({ aksi: "return", alasan: document.getElementById("alasan").value, tanda: marks });
});

async function load() {
  try {
    render(await api("api/tinjau"));
  } catch (e) {
    document.getElementById("subtitle").textContent = "";
    notice(e.message, "error");
  }
}

load();
