"use strict";
// The signing page: the Kasat (or the Plh) types the passphrase of the certified electronic
// signature here, so it never enters the chat. The passphrase is sent once, with the act, and
// never kept by the page: the field is emptied after every attempt.

const year = new URLSearchParams(window.location.search).get("tahunan") || "";
const target = year ? { tahunan: year } : {};
let view = null;
let signing = false;

function render(data) {
  view = data;
  document.getElementById("title").textContent = "Tanda Tangan Elektronik";
  document.getElementById("subtitle").textContent = data.title;
  const box = document.getElementById("document");
  box.replaceChildren(
    el("h2", { text: data.title }),
    el("div", { className: "facts" }, [
      fact("Unit kerja", data.unit),
      fact("Versi", String(data.version)),
      fact("Penanda tangan", data.signer),
      fact("NIP", data.nip || "—"),
    ]),
    data.certificate ? el("p", { className: "hint", text: data.certificate }) : null,
  );
  box.hidden = false;
  const open = !data.signed;
  // The signature, or a paraf signed too (LKJ_TTE_PARAF).
  const label = data.act === "paraf" ? "Paraf dengan TTE" : "Tandatangani";
  document.getElementById("sign").textContent = label;
  document.getElementById("sign-form").hidden = !open;
  document.getElementById("actions").hidden = !open || !!TG;
  mainAct.set(open ? label : "", open ? signNow : null, document.getElementById("sign"));
  if (data.signed) notice(data.message, "ok");
}

async function signNow() {
  if (signing || !view || view.signed) return;
  const field = document.getElementById("passphrase");
  const secret = field.value;
  if (!secret.trim()) {
    notice("Passphrase belum diisi. Ketik passphrase sertifikat elektronik Anda.", "error");
    field.focus();
    return;
  }
  signing = true;
  field.disabled = true;
  document.getElementById("sign").disabled = true;
  mainAct.busy(true);
  notice("Tanda tangan sedang dibuat…", "info");
  try {
    const result = await api("api/ttd/tandatangani",
      Object.assign({ versi: view.version, passphrase: secret }, target));
    field.value = "";
    render(result.view);
    notice(result.message, "ok");
    haptic("success");
  } catch (e) {
    field.value = "";
    haptic("error");
    notice(e.message, "error");
  } finally {
    signing = false;
    field.disabled = false;
    document.getElementById("sign").disabled = false;
    mainAct.busy(false);
  }
}

document.getElementById("sign").addEventListener("click", signNow);
document.getElementById("sign-form").addEventListener("submit", (event) => {
  event.preventDefault();  // Enter on the phone's keyboard signs, the page is not reloaded
  signNow();
});

async function load() {
  try {
    render(await api("api/ttd", target));
  } catch (e) {
    document.getElementById("subtitle").textContent = "";
    notice(e.message, "error");
  }
}

load();
