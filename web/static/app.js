// finarchive pages: the page viewer (zoom, rotate, thumbnails, field boxes) and the keyboard-first
// verification desk. Plain JavaScript, nothing fetched from elsewhere.
(function () {
  "use strict";

  // The session's CSRF token (web/_security.py): every POST the page makes sends it as a header.
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const CSRF = csrfMeta ? csrfMeta.content : "";
  const JSON_HEADERS = { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": CSRF };

  function viewer(root) {
    const pages = JSON.parse(root.dataset.pages || "[]");
    const fields = JSON.parse(root.dataset.fields || "{}");
    const sheet = document.getElementById("sheet");
    const img = document.getElementById("page-img");
    const boxes = document.getElementById("boxes");
    const stage = document.getElementById("stage");
    const label = document.getElementById("page-label");
    let current = pages.length ? pages[0] : null;
    let zoom = 0; // 0: fit width
    let rotation = 0;
    let active = null;

    function scale() {
      if (!current || !current.width) return 1;
      const room = stage.clientWidth - 20;
      return zoom === 0 ? room / current.width : zoom;
    }

    function layout() {
      if (!current) return;
      const s = scale();
      const w = current.width * s, h = current.height * s;
      sheet.style.width = w + "px";
      sheet.style.height = h + "px";
      const shift = { 0: "", 90: `translate(${h}px,0)`, 180: `translate(${w}px,${h}px)`, 270: `translate(0,${w}px)` }[rotation];
      sheet.style.transform = `${shift} rotate(${rotation}deg)`;
      sheet.style.marginBottom = (rotation % 180 ? (w - h) : 0) + "px";
    }

    function drawBoxes() {
      boxes.innerHTML = "";
      if (!current) return;
      for (const [name, f] of Object.entries(fields)) {
        if (!f.box || f.page !== current.number) continue;
        const [x0, y0, x1, y1] = f.box;
        const el = document.createElement("div");
        el.className = "box" + (name === active ? " active" : "");
        el.dataset.field = name;
        el.style.left = (100 * x0 / current.width) + "%";
        el.style.top = (100 * y0 / current.height) + "%";
        el.style.width = (100 * (x1 - x0) / current.width) + "%";
        el.style.height = (100 * (y1 - y0) / current.height) + "%";
        const tag = document.createElement("span");
        tag.textContent = name;
        el.appendChild(tag);
        boxes.appendChild(el);
      }
    }

    function show(number) {
      current = pages.find((p) => p.number === number) || current;
      if (!current) return;
      if (current.image_url) img.src = current.image_url;
      label.textContent = `page ${current.number} of ${pages.length}`;
      document.querySelectorAll("#thumbs button").forEach((b) =>
        b.classList.toggle("current", Number(b.dataset.page) === current.number));
      layout();
      drawBoxes();
    }

    function highlight(name) {
      active = name;
      const f = fields[name];
      if (f && f.page && (!current || f.page !== current.number)) show(f.page);
      else drawBoxes();
      document.querySelectorAll("tr[data-row]").forEach((tr) => tr.classList.toggle("active", tr.dataset.row === name));
      const el = boxes.querySelector(".box.active");
      if (el) el.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" });
    }

    function act(what) {
      const s = scale();
      if (what === "zoom-in") zoom = s * 1.25;
      if (what === "zoom-out") zoom = s / 1.25;
      if (what === "fit") zoom = 0;
      if (what === "rotate") rotation = (rotation + 90) % 360;
      layout();
    }

    root.querySelectorAll("[data-act]").forEach((b) => b.addEventListener("click", () => act(b.dataset.act)));
    root.querySelectorAll("#thumbs button").forEach((b) => b.addEventListener("click", () => show(Number(b.dataset.page))));
    window.addEventListener("resize", layout);
    document.addEventListener("keydown", (e) => {
      if (e.target.closest("input, select, textarea") || e.ctrlKey || e.altKey || e.metaKey) return;
      const keys = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "0": "fit", "r": "rotate" };
      if (keys[e.key]) { act(keys[e.key]); e.preventDefault(); }
      if (e.key === "PageDown" || e.key === "PageUp") {
        const i = pages.indexOf(current) + (e.key === "PageDown" ? 1 : -1);
        if (pages[i]) { show(pages[i].number); e.preventDefault(); }
      }
    });
    document.querySelectorAll("tr[data-row]").forEach((tr) => {
      tr.addEventListener("mouseenter", () => highlight(tr.dataset.row));
      tr.addEventListener("focusin", () => highlight(tr.dataset.row));
    });
    if (current) show(current.number);
    return { highlight, fields, redraw: drawBoxes };
  }

  function desk(view) {
    const form = document.getElementById("fields-form");
    if (!form) return;
    const msg = document.getElementById("field-msg");
    const inputs = () => Array.from(form.querySelectorAll(".field-input"));
    const reason = document.getElementById("reject-reason");

    async function save(input) {
      let name = input.dataset.field;
      if (!name) name = (document.getElementById("new-name").value || "").trim();
      if (!name) return true;
      const original = input.defaultValue !== undefined && input.tagName === "INPUT" ? input.defaultValue : null;
      if (input.tagName === "INPUT" && input.dataset.field && input.value === original) return true;
      const response = await fetch(form.dataset.api, {
        method: "POST", credentials: "same-origin",
        headers: JSON_HEADERS,
        body: JSON.stringify({ fields: { [name]: input.value },
                               force: Boolean(document.getElementById("force")?.checked) }),
      });
      const body = await response.json();
      if (!response.ok) {
        input.classList.add("failed");
        msg.className = "msg error";
        msg.textContent = `${name}: ${body.message || response.statusText}`;
        return false;
      }
      input.classList.remove("failed");
      input.classList.add("saved");
      const f = body.fields && body.fields[name];
      if (f && input.tagName === "INPUT") { input.value = f.value; input.defaultValue = f.value; }
      if (f) view.fields[name] = f;
      msg.className = "msg";
      msg.textContent = `${name} saved`;
      if (!input.dataset.field) window.location.reload();
      return true;
    }

    form.addEventListener("submit", (e) => e.preventDefault());
    form.addEventListener("focusin", (e) => { if (e.target.dataset.field) view.highlight(e.target.dataset.field); });
    form.addEventListener("change", (e) => { if (e.target.tagName === "SELECT") save(e.target); });
    form.addEventListener("keydown", async (e) => {
      if (e.key !== "Enter" || e.ctrlKey || e.metaKey) return;
      const input = e.target.closest(".field-input");
      if (!input) return;
      e.preventDefault();
      if (await save(input)) {
        const list = inputs();
        const next = list[list.indexOf(input) + 1];
        (next || document.getElementById("accept")).focus();
      }
    });
    document.addEventListener("keydown", async (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        const input = document.activeElement && document.activeElement.closest(".field-input");
        if (input && !(await save(input))) return;
        document.getElementById("verify-form").submit();
      } else if (e.altKey && (e.key === "r" || e.key === "R")) {
        e.preventDefault();
        reason.focus();
      } else if (e.altKey && (e.key === "n" || e.key === "N")) {
        e.preventDefault();
        window.location.href = "/review";
      }
    });
    const first = inputs().find((i) => i.tagName === "INPUT");
    if (first) first.focus();
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: JSON_HEADERS,
      body: JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.message || response.statusText);
    return data;
  }

  function originalsDesk(form) {
    const input = document.getElementById("barcode");
    const log = document.getElementById("scan-log");
    const received = [];
    function line(text, kind) {
      const li = document.createElement("li");
      li.className = kind;
      li.textContent = text;
      log.prepend(li);
    }
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const code = input.value.trim();
      input.value = "";
      input.focus();
      if (!code) return;
      try {
        const r = await post(form.dataset.api, { codes: [code] });
        for (const c of r.received) { line(`${c} received`, "ok"); received.push(c); }
        for (const c of r.unexpected) { line(`${c} received, but on no register in transit`, "warn"); received.push(c); }
        for (const c of r.already) line(`${c} already at head office`, "warn");
        for (const c of r.unknown) line(`${c}: unknown barcode`, "bad");
        for (const reg of r.registers) line(`register ${reg.code} (${reg.outlet}): ${reg.received.length} of ${reg.listed.length} in, missing ${reg.missing.join(" ") || "none"}`, reg.missing.length ? "warn" : "ok");
        document.getElementById("file-codes").value = received.join(" ");
      } catch (err) { line(`${code}: ${err.message}`, "bad"); }
    });
    const msg = document.getElementById("file-msg");
    document.getElementById("file-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const box = document.getElementById("box-code").value;
      const codes = document.getElementById("file-codes").value.split(/\s+/).filter(Boolean);
      try {
        const r = await post(`/api/originals/boxes/${encodeURIComponent(box)}/file`, { codes });
        msg.className = "msg"; msg.textContent = `${r.filed.length} original(s) filed in ${r.box}`;
        received.length = 0; document.getElementById("file-codes").value = "";
      } catch (err) { msg.className = "msg error"; msg.textContent = err.message; }
    });
    document.getElementById("box-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await post("/api/originals/boxes/", { code: document.getElementById("new-box").value.trim(),
                                              location: document.getElementById("new-box-location").value.trim() || null });
        window.location.reload();
      } catch (err) { msg.className = "msg error"; msg.textContent = err.message; }
    });
  }

  const root = document.getElementById("viewer");
  if (root) desk(viewer(root));
  const receiving = document.getElementById("receive-form");
  if (receiving) originalsDesk(receiving);
})();
