"use strict";
// Shared by both pages: Telegram's launch data, its theme, the JSON calls, and building
// elements. Text from the server is only ever set with textContent, never parsed as HTML.

const launch = new URLSearchParams(window.location.hash.slice(1));
const initData = launch.get("tgWebAppData") || "";
const cycleId = new URLSearchParams(window.location.search).get("siklus") || "";

// --- colours -------------------------------------------------------------------------------
// Telegram's theme parameters are the page's colours; where one of them would make text hard
// to read (under 4.5:1, as Telegram's own dark hint colour on its secondary background is),
// it is moved toward the text colour until it reads.

function rgbOf(hex) {
  let h = hex.slice(1);
  if (h.length === 3) h = h.split("").map((c) => c + c).join("");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

function hexOf(rgb) {
  return "#" + rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
}

function readable(fg, backgrounds, toward) {
  // The colour fg, mixed toward `toward` in small steps until it reads on every background.
  let rgb = rgbOf(fg);
  const target = rgbOf(toward);
  for (let step = 0; step < 40 && backgrounds.some((bg) => contrast(rgb, rgbOf(bg)) < 4.6); step++) {
    rgb = rgb.map((v, i) => v + (target[i] - v) * 0.1);
  }
  return hexOf(rgb);
}

function cssColour(name) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return /^#[0-9a-fA-F]{6}$|^#[0-9a-fA-F]{3}$/.test(value) ? value : null;
}

function ensureContrast() {
  const root = document.documentElement.style;
  for (const name of ["--hint", "--link", "--risk", "--ok", "--danger", "--button"]) {
    root.removeProperty(name);
  }
  const bg = cssColour("--bg"), card = cssColour("--card"), text = cssColour("--text");
  if (!bg || !card || !text) return;
  for (const name of ["--hint", "--link", "--risk", "--ok"]) {
    const colour = cssColour(name);
    if (colour) root.setProperty(name, readable(colour, [bg, card], text));
  }
  const buttonText = cssColour("--button-text");
  const button = cssColour("--button");
  if (button && buttonText) {
    const away = luminance(rgbOf(buttonText)) > 0.5 ? "#000000" : "#ffffff";
    root.setProperty("--button", readable(button, [buttonText], away));
  }
  const danger = cssColour("--danger");
  if (danger) root.setProperty("--danger", readable(danger, ["#ffffff"], "#000000"));
}

const THEME_NAMES = ["bg_color", "text_color", "hint_color", "link_color", "button_color",
  "button_text_color", "secondary_bg_color", "destructive_text_color"];

function applyThemeParams(theme) {
  const bg = theme.bg_color;
  if (typeof bg === "string" && /^#[0-9a-fA-F]{6}$/.test(bg)) {
    // A dark Telegram theme gets the dark palette's own risk and success colours.
    document.documentElement.classList.toggle("dark", luminance(rgbOf(bg)) < 0.2);
  }
  for (const name of THEME_NAMES) {
    const value = theme[name];
    if (typeof value === "string" && /^#[0-9a-fA-F]{3}$|^#[0-9a-fA-F]{6}$/.test(value)) {
      document.documentElement.style.setProperty("--tg-" + name.replace(/_/g, "-"), value);
    }
  }
  ensureContrast();
}

function applyTheme() {
  let theme = {};
  try {
    theme = JSON.parse(launch.get("tgWebAppThemeParams") || "{}");
  } catch (e) {
    theme = {};
  }
  applyThemeParams(theme);
}

// --- Telegram's own controls ---------------------------------------------------------------
// window.Telegram.WebApp when Telegram's script (or a test) provides it; inside Telegram
// without that script, a small object of the same shape over the raw Mini App bridge (the
// page loads only its own files); outside Telegram, null, and the page's own buttons act.

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

function bridgeWebApp() {
  const listeners = {};
  const emit = (name) => (listeners[name] || []).forEach((fn) => fn());
  let popupCallback = null;
  const app = {
    themeParams: {},
    safeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
    contentSafeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
    viewportStableHeight: window.innerHeight,
    onEvent(name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
    ready() { telegramEvent("web_app_ready"); },
    expand() { telegramEvent("web_app_expand"); },
    enableClosingConfirmation() {
      telegramEvent("web_app_setup_closing_behavior", { need_confirmation: true });
    },
    disableClosingConfirmation() {
      telegramEvent("web_app_setup_closing_behavior", { need_confirmation: false });
    },
    showPopup(params, callback) {
      popupCallback = callback || null;
      telegramEvent("web_app_open_popup", params);
    },
    showConfirm(message, callback) {
      app.showPopup({ message, buttons: [{ id: "ok", type: "ok" }, { id: "cancel", type: "cancel" }] },
        (id) => callback && callback(id === "ok"));
    },
    HapticFeedback: {
      notificationOccurred(type) {
        telegramEvent("web_app_trigger_haptic_feedback", { type: "notification", notification_type: type });
      },
    },
  };
  function button(event, pressed, withText) {
    const state = { is_visible: false, is_active: true, is_progress_visible: false, text: "" };
    const clicks = [];
    const send = () => telegramEvent(event, withText ? state : { is_visible: state.is_visible });
    const api = {
      get isVisible() { return state.is_visible; },
      setText(text) { state.text = text; send(); return api; },
      show() { state.is_visible = true; send(); return api; },
      hide() { state.is_visible = false; send(); return api; },
      enable() { state.is_active = true; send(); return api; },
      disable() { state.is_active = false; send(); return api; },
      showProgress() { state.is_progress_visible = true; send(); return api; },
      hideProgress() { state.is_progress_visible = false; send(); return api; },
      setParams(params) {
        if ("text" in params) state.text = params.text;
        if ("color" in params) state.color = params.color;
        if ("text_color" in params) state.text_color = params.text_color;
        if ("is_visible" in params) state.is_visible = params.is_visible;
        if ("is_active" in params) state.is_active = params.is_active;
        send();
        return api;
      },
      onClick(fn) { clicks.push(fn); return api; },
      offClick(fn) { const i = clicks.indexOf(fn); if (i >= 0) clicks.splice(i, 1); return api; },
    };
    listeners[pressed] = [() => clicks.slice().forEach((fn) => fn())];
    return api;
  }
  app.MainButton = button("web_app_setup_main_button", "main_button_pressed", true);
  app.BackButton = button("web_app_setup_back_button", "back_button_pressed", false);
  function receive(type, data) {
    data = data || {};
    if (type === "main_button_pressed" || type === "back_button_pressed") emit(type);
    else if (type === "popup_closed") {
      const callback = popupCallback;
      popupCallback = null;
      if (callback) callback(data.button_id || null);
    } else if (type === "theme_changed") {
      app.themeParams = data.theme_params || {};
      emit("themeChanged");
    } else if (type === "viewport_changed") {
      if (data.is_state_stable) app.viewportStableHeight = data.height;
      emit("viewportChanged");
    } else if (type === "safe_area_changed") {
      app.safeAreaInset = Object.assign(app.safeAreaInset, data);
      emit("safeAreaChanged");
    } else if (type === "content_safe_area_changed") {
      app.contentSafeAreaInset = Object.assign(app.contentSafeAreaInset, data);
      emit("contentSafeAreaChanged");
    }
  }
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = { receiveEvent: receive };
  window.addEventListener("message", (event) => {
    if (event.origin !== "https://web.telegram.org") return;
    try {
      const message = JSON.parse(event.data);
      receive(message.eventType, message.eventData);
    } catch (e) {
      // not a bridge message
    }
  });
  for (const request of ["web_app_request_theme", "web_app_request_viewport",
    "web_app_request_safe_area", "web_app_request_content_safe_area"]) {
    telegramEvent(request);
  }
  return app;
}

const TG = (window.Telegram && window.Telegram.WebApp) ||
  (window.TelegramWebviewProxy || window.parent !== window ? bridgeWebApp() : null);

function haptic(kind) {
  // "success" or "error": felt on the phone when an act is recorded or refused.
  if (TG && TG.HapticFeedback) TG.HapticFeedback.notificationOccurred(kind);
}

function confirmed(message) {
  // Telegram's own confirmation popup; resolves true when the person confirms.
  return new Promise((resolve) => TG.showConfirm(message, (ok) => resolve(!!ok)));
}

function unsaved(yes) {
  // Telegram asks before closing the page while something typed is not yet on the server.
  if (!TG) return;
  if (yes) TG.enableClosingConfirmation();
  else TG.disableClosingConfirmation();
}

function followInsets() {
  const style = document.documentElement.style;
  const safe = TG.safeAreaInset || {}, content = TG.contentSafeAreaInset || {};
  for (const side of ["top", "bottom", "left", "right"]) {
    style.setProperty("--tg-safe-" + side, ((safe[side] || 0) + (content[side] || 0)) + "px");
  }
}

// The main act of a page: Telegram's MainButton inside Telegram, the page's own button outside.
const mainAct = {
  handler: null,
  set(text, handler, htmlButton) {
    this.handler = handler;
    if (!TG) return;
    if (htmlButton) htmlButton.hidden = true;
    if (!text) {
      TG.MainButton.hide();
      return;
    }
    TG.MainButton.setParams({ text, is_visible: true, is_active: true });
  },
  busy(yes) {
    if (!TG) return;
    if (yes) TG.MainButton.showProgress(false);
    else TG.MainButton.hideProgress();
  },
};

// Text areas as high as their text: nothing typed is hidden behind a scroll bar.
function grow(area) {
  area.style.height = "auto";
  const border = area.offsetHeight - area.clientHeight;
  area.style.height = (area.scrollHeight + border) + "px";
}

document.addEventListener("input", (event) => {
  if (event.target instanceof HTMLTextAreaElement) grow(event.target);
});

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

function withUnit(value, unit) {
  // "84%" as the PDFs write it; "12 kegiatan" with its space.
  return unit === "%" ? value + "%" : value + " " + unit;
}

function fact(label, value) {
  return el("div", { className: "fact" }, [
    el("span", { className: "hint", text: label }),
    el("strong", { text: value }),
  ]);
}

function evidenceList(files, empty, manage) {
  // ``manage``: Hapus/Ganti per file (the member's own form, while evidence may change).
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
    if (!manage) return el("li", {}, [button]);
    const remove = el("button", { type: "button", className: "file-act", text: "Hapus" });
    remove.addEventListener("click", () => manage.remove(f));
    const replace = el("button", { type: "button", className: "file-act", text: "Ganti" });
    replace.addEventListener("click", () => manage.replace(f));
    return el("li", { className: "managed" }, [button, el("span", { className: "file-acts" }, [replace, remove])]);
  }));
}

function askConfirm(message) {
  // Telegram's popup inside Telegram, the browser's own outside it (tests, desktop).
  return TG ? confirmed(message) : Promise.resolve(window.confirm(message));
}

applyTheme();
if (TG) {
  document.documentElement.classList.add("telegram");
  TG.MainButton.onClick(() => mainAct.handler && mainAct.handler());
  TG.onEvent("themeChanged", () => applyThemeParams(TG.themeParams || {}));
  TG.onEvent("viewportChanged", () => {
    document.documentElement.style.setProperty("--tg-viewport-height",
      (TG.viewportStableHeight || window.innerHeight) + "px");
  });
  TG.onEvent("safeAreaChanged", followInsets);
  TG.onEvent("contentSafeAreaChanged", followInsets);
  followInsets();
  TG.ready();
  TG.expand();
} else {
  telegramEvent("web_app_ready");
  telegramEvent("web_app_expand");
}
