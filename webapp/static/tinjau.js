"use strict";
// The review of a report on a phone: summary, the performance by sasaran with risk flags,
// kendala and tindak lanjut, evidence, what changed, the SOP timing; Paraf in one tap and
// Tandatangani with a confirming second one (as in chat), or a return that marks indicators
// (the chat's own actions). Inside Telegram the act is its MainButton, the confirmation its
// popup and the return form has a BackButton.

let review = null;
let confirming = false;
const LABELS = { paraf: "Paraf", sign: "Tandatangani" };
const CONFIRM = { sign: "Ya, tandatangani" };
const CONFIRM_TEXT = "Tandatangani laporan ini? Tanda tangan tidak dapat dibatalkan.";

function indicatorCard(row, canMark) {
  const parts = [
    el("div", { className: "head" }, [
      el("strong", { text: row.code }),
      row.at_risk ? el("span", { className: "badge risk", text: "⚠ Berisiko" }) : null,
    ]),
    el("p", { className: "indikator", text: row.indikator }),
    el("div", { className: "facts" }, [
      fact("Target", withUnit(row.target, row.satuan)),
      fact("Realisasi", row.realisasi),
      fact("Capaian", row.capaian),
      fact("Kategori", row.rating),
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
      el("label", { className: "check", for: id }, [box, el("span", { text: "Perlu perbaikan" })]),
      why,
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
  closeReturn();
  setDecision(decision, false);
}

function returnOpen() {
  return !document.getElementById("return-box").hidden;
}

function mainForState() {
  // Telegram's MainButton: the decision, or the return while its form is open.
  const decide = document.getElementById("decide");
  if (returnOpen()) mainAct.set("Kirim pengembalian", sendReturn, null);
  else if (decide.dataset.action) mainAct.set(LABELS[decide.dataset.action], decideNow, decide);
  else mainAct.set("", null, decide);
}

function openReturn() {
  const box = document.getElementById("return-box");
  box.hidden = false;
  box.scrollIntoView({ block: "start" });
  if (TG) TG.BackButton.show();
  mainForState();
}

function closeReturn() {
  document.getElementById("return-box").hidden = true;
  if (TG) {
    TG.BackButton.hide();
    unsaved(false);
  }
  if (review) mainForState();
}

function setDecision(decision, confirm) {
  confirming = confirm;
  const button = document.getElementById("decide");
  button.hidden = !decision;
  if (!decision) {
    button.dataset.action = "";
    mainForState();
    return;
  }
  button.textContent = confirm ? CONFIRM[decision] : LABELS[decision];
  button.dataset.action = decision;
  document.getElementById("cancel").hidden = !confirm;
  document.getElementById("give-back").hidden = confirm || !review.actions.includes("return");
  mainForState();
}

let acting = false;

async function act(body) {
  if (acting) return;
  acting = true;
  for (const b of document.querySelectorAll("footer button, #return-box button")) b.disabled = true;
  mainAct.busy(true);
  try {
    const result = await api("api/tinjau/aksi", Object.assign({ versi: review.version }, body));
    render(result.review);
    notice(result.message, "ok");
    haptic("success");
  } catch (e) {
    haptic("error");
    // Decided elsewhere (in chat) meanwhile: show the report's state as it is now.
    try {
      render(await api("api/tinjau"));
    } catch (ignored) {
      // the refusal below says why
    }
    notice(e.message, "error");
  } finally {
    acting = false;
    mainAct.busy(false);
    for (const b of document.querySelectorAll("footer button, #return-box button")) b.disabled = false;
  }
}

async function decideNow() {
  const action = document.getElementById("decide").dataset.action;
  const page = action === "sign" ? review.sign_page : action === "paraf" ? review.paraf_page : null;
  if (page) {
    // A certified signature: its passphrase is typed in the signing page (ttd.html).
    window.location.href = page + window.location.hash;
    return;
  }
  if (!(action in CONFIRM)) {
    act({ aksi: action });  // Paraf: one tap, as the chat's button
    return;
  }
  if (TG) {
    if (await confirmed(CONFIRM_TEXT)) act({ aksi: action });
    return;
  }
  if (!confirming) {
    setDecision(action, true);
    notice("Tekan sekali lagi untuk mengonfirmasi.", "info");
    return;
  }
  act({ aksi: action });
}

function sendReturn() {
  const marks = [];
  for (const box of document.querySelectorAll("input[name=mark]:checked")) {
    const why = box.closest(".mark").querySelector("input[name=why]").value;
    marks.push({ code: box.value, reason: why });
  }
  act({ aksi: "return", alasan: document.getElementById("alasan").value, tanda: marks });
}

document.getElementById("decide").addEventListener("click", decideNow);
document.getElementById("cancel").addEventListener("click", () => {
  setDecision(document.getElementById("decide").dataset.action, false);
  notice("Dibatalkan; belum ada yang dicatat.", "info");
});
document.getElementById("give-back").addEventListener("click", openReturn);
document.getElementById("return-cancel").addEventListener("click", closeReturn);
document.getElementById("return-send").addEventListener("click", sendReturn);
document.getElementById("alasan").addEventListener("input", (event) => unsaved(!!event.target.value));
if (TG) TG.BackButton.onClick(closeReturn);

// Back on the page after the chat: show what was decided there meanwhile.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && review && !acting && !returnOpen()) load();
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
