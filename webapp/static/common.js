"use strict";
// Shared by both pages: Telegram's launch data, its theme, the JSON calls, and building
// elements. Text from the server is only ever set with textContent, never parsed as HTML.

const launch = new URLSearchParams(window.location.hash.slice(1));
const initData = launch.get("tgWebAppData") || "";
const cycleId = new URLSearchParams(window.location.search).get("siklus") || "";

function applyTheme() {
  let theme = {};
  try {
    theme = JSON.parse(launch.get("tgWebAppThemeParams") || "{}");
  } catch (e) {
    theme = {};
  }
  const names = ["bg_color", "text_color", "hint_color", "link_color", "button_color",
    "button_text_color", "secondary_bg_color", "destructive_text_color"];
  const bg = theme.bg_color;
  if (typeof bg === "string" && /^#[0-9a-fA-F]{6}$/.test(bg)) {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(bg.slice(i, i + 2), 16));
    // A dark Telegram theme gets the dark palette's own risk and success colours.
    document.documentElement.classList.toggle("dark", 0.299 * r + 0.587 * g + 0.114 * b < 128);
  }
  for (const name of names) {
    const value = theme[name];
    if (typeof value === "string" && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
      document.documentElement.style.setProperty("--tg-" + name.replace(/_/g, "-"), value);
    }
  }
}

function telegramEvent(type, data) {
  // The Mini App bridge without Telegram's script: the mobile webview and the web client.
  const payload = JSON.stringify(data || {});
  if (window.TelegramWebviewProxy && window.TelegramWebviewProxy.postEvent) {
    window.TelegramWebviewProxy.postEvent(type, payload);
  } else if (window.parent !== window) {
    window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }),
      "https://web.telegram.org");
  }
}

async function api(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Authorization": "tma " + initData },
    body: JSON.stringify(Object.assign({ siklus: cycleId }, body || {})),
  });
  let data = {};
  try {
    data = await response.json();
  } catch (e) {
    data = { error: "Jawaban server tidak dapat dibaca (" + response.status + ")." };
  }
  if (!response.ok) {
    const error = new Error(data.error || "Permintaan ditolak (" + response.status + ").");
    error.status = response.status;
    throw error;
  }
  return data;
}

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children || []) {
    if (child !== null && child !== undefined) node.appendChild(child);
  }
  return node;
}

function notice(text, kind) {
  const box = document.getElementById("notice");
  box.textContent = text;
  box.className = "notice " + (kind || "info");
  box.hidden = !text;
  if (text) box.scrollIntoView({ block: "nearest" });
}

function fact(label, value) {
  return el("div", { className: "fact" }, [
    el("span", { className: "hint", text: label }),
    el("strong", { text: value }),
  ]);
}

function evidenceList(files, empty) {
  if (!files.length) return el("p", { className: "hint", text: empty });
  return el("ul", { className: "files" }, files.map((f) => {
    const button = el("button", { type: "button", className: "link", text: "📎 " + f.name });
    button.addEventListener("click", async () => {
      try {
        const result = await api("api/bukti", { sha256: f.sha256 });
        notice(result.message, "ok");
      } catch (e) {
        notice(e.message, "error");
      }
    });
    return el("li", {}, [button]);
  }));
}

applyTheme();
telegramEvent("web_app_ready");
telegramEvent("web_app_expand");
