"use strict";
// The member's form: every indicator of the quarter, capaian computed by the server with the
// report's own rules as the member types, the draft kept on the server, one Kirim for all.

const FIELDS = ["value", "kendala", "tindak_lanjut"];
let form = null;
let saveTimer = null;
let saving = Promise.resolve();

function valuesOf() {
  const rows = {};
  for (const card of document.querySelectorAll("[data-code]")) {
    rows[card.dataset.code] = {
      value: card.querySelector("[name=value]").value,
      kendala: card.querySelector("[name=kendala]").value,
      tindak_lanjut: card.querySelector("[name=tindak_lanjut]").value,
    };
  }
  return rows;
}

function showCapaian(card, c) {
  const out = card.querySelector(".capaian");
  out.className = "capaian";
  if (c.error) {
    out.textContent = c.error;
    out.classList.add("bad");
    return;
  }
  out.textContent = "Capaian: " + c.label + (c.rating ? " · " + c.rating : "") +
    (c.note ? " (" + c.note + ")" : "");
  if (c.at_risk) {
    out.classList.add("risk");
    out.textContent += " · ⚠ berisiko";
  }
}

function field(label, name, value, multiline, disabled) {
  const id = "f-" + Math.random().toString(36).slice(2);
  const input = multiline
    ? el("textarea", { id, name, rows: "3", maxlength: "1000" })
    : el("input", { id, name, type: "text", inputmode: "decimal", autocomplete: "off",
      enterkeyhint: "next" });
  input.value = value;
  input.disabled = disabled;
  input.addEventListener("input", scheduleSave);
  return el("div", { className: "field" }, [el("label", { for: id, text: label }), input]);
}

function card(row, closed) {
  const facts = el("div", { className: "facts" }, [
    fact("Target", withUnit(row.target, row.satuan)),
    fact("Arah", row.direction + (row.lower_is_better ? " (makin rendah makin baik)" : "")),
    fact("TW sebelumnya", row.previous),
    fact("Perhitungan", row.counting),
  ]);
  const cardNode = el("section", { className: "card", "data-code": row.code }, [
    el("div", { className: "head" }, [
      el("strong", { text: row.code }),
      el("span", { className: "badge state", text: stateOf(row, row.values) }),
    ]),
    el("p", { className: "indikator", text: row.indikator }),
    el("p", { className: "hint", text: row.sasaran }),
    facts,
    row.fix ? el("p", { className: "fix", text: "Perlu perbaikan: " + row.fix }) : null,
    field("Realisasi (" + row.satuan + ")" + (row.cumulative ? ", kumulatif s.d. triwulan ini" : ""),
      "value", row.values.value, false, closed),
    el("p", { className: "capaian", "aria-live": "polite" }),
    field("Kendala", "kendala", row.values.kendala, true, closed),
    field("Tindak lanjut", "tindak_lanjut", row.values.tindak_lanjut, true, closed),
    el("h3", { text: "Bukti dukung" }),
    evidenceList(row.evidence, "Belum ada bukti dukung.",
      !closed && form.evidence_open ? manageEvidence(row.code) : null),
    closed ? null : uploader(row.code),
  ]);
  showCapaian(cardNode, row.capaian);
  return cardNode;
}

function changed(row, values) {
  // Typed (and kept as a draft) but not what was sent.
  return FIELDS.some((k) => (values[k] || "").trim() !== (row.sent[k] || "").trim());
}

function stateOf(row, values) {
  // The card's status: what was sent, a draft typed since, or nothing yet.
  if (changed(row, values) && FIELDS.some((k) => (values[k] || "").trim())) {
    return "Draf tersimpan";
  }
  if (row.sent.value) return row.state === "Lengkap" ? "Terkirim" : "Terkirim · " + row.state;
  return row.state;
}

const ACCEPT = ".pdf,.xlsx,.docx,.jpg,.jpeg,.png,.csv,image/jpeg,image/png";

function uploader(code) {
  // Pick a file or take a photo: checked by the server as a file sent in chat.
  const input = el("input", { type: "file", name: "bukti", accept: ACCEPT });
  input.addEventListener("change", () => {
    if (input.files.length) upload(code, input.files[0], input);
  });
  return el("div", { className: "upload" }, [
    el("label", { className: "upload-pick" }, [el("span", { text: "📎 Tambah bukti dukung" }), input]),
  ]);
}

function manageEvidence(code) {
  // Hapus and Ganti on each of the member's files, as /bukti allows in chat.
  return {
    remove: async (f) => {
      if (!(await askConfirm("Hapus bukti dukung “" + f.name + "” untuk " + code + "?"))) return;
      try {
        const result = await api("api/isi/bukti/hapus", { siklus: cycleId, kode: code, sha256: f.sha256 });
        render(result.form);
        notice(result.message, "ok");
        haptic("success");
      } catch (e) {
        notice(e.message, "error");
        haptic("error");
      }
    },
    replace: (f) => {
      const input = el("input", { type: "file", accept: ACCEPT, hidden: true });
      input.addEventListener("change", () => {
        if (input.files.length) upload(code, input.files[0], input, f.sha256);
        input.remove();
      });
      document.body.append(input);
      input.click();
    },
  };
}

async function upload(code, file, input, replaces) {
  const params = { siklus: cycleId, kode: code, nama: file.name || "foto.jpg" };
  if (replaces) params.ganti = replaces;
  const query = new URLSearchParams(params);
  document.getElementById("status").textContent = "Mengunggah " + (file.name || "foto") + "…";
  try {
    const response = await fetch("api/isi/bukti?" + query.toString(), {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream", "Authorization": "tma " + initData },
      body: file,
    });
    let data = {};
    try {
      data = await response.json();
    } catch (e) {
      data = { error: "Jawaban server tidak dapat dibaca (" + response.status + ")." };
    }
    if (!response.ok) throw new Error(data.error || "Permintaan ditolak (" + response.status + ").");
    render(data.form);
    notice(data.message, "ok");
    haptic("success");
  } catch (e) {
    document.getElementById("status").textContent = "";
    notice(e.message, "error");
    haptic("error");
  } finally {
    input.value = "";
  }
}

function render(data) {
  form = data;
  document.getElementById("title").textContent = "Data Kinerja " + data.title;
  document.getElementById("subtitle").textContent = data.member + " · " + data.unit +
    (data.deadline ? " · Batas waktu: " + data.deadline : "");
  const main = document.getElementById("rows");
  main.replaceChildren(...data.rows.map((row) => card(row, !!data.closed)));
  const kirim = document.getElementById("kirim");
  kirim.hidden = !!data.closed;
  mainAct.set(data.closed ? "" : "Kirim", send, kirim);
  for (const area of main.querySelectorAll("textarea")) grow(area);
  if (data.closed) notice(data.closed, "info");
  const drafts = data.rows.filter((r) => r.draft).length;
  document.getElementById("status").textContent = drafts ? "Draf tersimpan." : "";
}

function scheduleSave(event) {
  document.getElementById("status").textContent = "Menyimpan draf…";
  const cardNode = event && event.target.closest("[data-code]");
  if (cardNode) cardNode.querySelector(".state").textContent = "Menyimpan…";
  unsaved(true);
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => { saving = saveDraft(); }, 400);
}

async function saveDraft() {
  try {
    const result = await api("api/isi/draf", { rows: valuesOf() });
    for (const [code, c] of Object.entries(result.capaian)) {
      const cardNode = document.querySelector('[data-code="' + CSS.escape(code) + '"]');
      if (cardNode) showCapaian(cardNode, c);
    }
    const values = valuesOf();
    for (const row of form.rows) {
      const cardNode = document.querySelector('[data-code="' + CSS.escape(row.code) + '"]');
      if (cardNode) cardNode.querySelector(".state").textContent = stateOf(row, values[row.code]);
    }
    document.getElementById("status").textContent = "Draf tersimpan.";
    unsaved(false);
  } catch (e) {
    document.getElementById("status").textContent = "";
    notice(e.message, "error");
  }
}

async function send() {
  const button = document.getElementById("kirim");
  if (button.disabled) return;
  button.disabled = true;
  mainAct.busy(true);
  clearTimeout(saveTimer);
  await saving;
  try {
    const result = await api("api/isi/kirim", { rows: valuesOf() });
    unsaved(false);
    render(result.form);
    notice(result.message, "ok");
    haptic("success");
  } catch (e) {
    notice(e.message, "error");
    haptic("error");
  } finally {
    button.disabled = false;
    mainAct.busy(false);
  }
}

async function load() {
  try {
    render(await api("api/isi"));
  } catch (e) {
    document.getElementById("subtitle").textContent = "";
    notice(e.message, "error");
  }
}

document.getElementById("kirim").addEventListener("click", send);
load();
