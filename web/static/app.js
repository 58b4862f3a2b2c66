// finarchive pages: the page viewer (zoom, rotate, thumbnails, field boxes) and the keyboard-first
// verification desk. Plain JavaScript, nothing fetched from elsewhere.
(function () {
  "use strict";

  // The session's CSRF token (web/_security.py): every POST the page makes sends it as a header.
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const CSRF = csrfMeta ? csrfMeta.content : "";
  const JSON_HEADERS = { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": CSRF };
  // The page's messages in the user's language (web/_i18n.py JS_MESSAGES, rendered into <body data-i18n>).
  const MESSAGES = JSON.parse(document.body.dataset.i18n || "{}");
  function T(key, args) {
    let text = MESSAGES[key] || key;
    for (const [k, v] of Object.entries(args || {})) text = text.split(`{${k}}`).join(String(v));
    return text;
  }

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
      label.textContent = T("page_of", { n: current.number, total: pages.length });
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
    const newName = document.getElementById("new-name");
    const newValue = document.getElementById("new-value");
    const verifyForm = document.getElementById("verify-form");

    function say(text, kind) {
      msg.className = "msg " + kind;
      msg.textContent = text;
    }

    // What the server holds for an input: a text field's defaultValue, the type selector's data-saved.
    function saved(input) {
      return input.tagName === "SELECT" ? input.dataset.saved : input.defaultValue;
    }
    function changed(input) {
      return input.dataset.field ? input.value !== saved(input) : input.value.trim() !== "";
    }

    function addRow(name, f) {
      // a field added at the desk gets its own row, in place: no reload, the focus stays where it is
      const row = document.createElement("tr");
      row.dataset.row = name;
      const th = document.createElement("th");
      const label = document.createElement("label");
      label.htmlFor = "f-" + name;
      label.textContent = name;
      th.appendChild(label);
      const td = document.createElement("td");
      const input = document.createElement("input");
      input.id = "f-" + name;
      input.className = "field-input saved";
      input.dataset.field = name;
      input.autocomplete = "off";
      input.value = f.value;
      input.defaultValue = f.value;
      td.appendChild(input);
      const src = document.createElement("td");
      src.className = "src";
      src.textContent = f.source;
      row.append(th, td, src);
      row.addEventListener("mouseenter", () => view.highlight(name));
      form.querySelector("tr.add").before(row);
    }

    async function save(input) {
      const adding = !input.dataset.field;
      const name = adding ? (newName.value || "").trim() : input.dataset.field;
      if (!name || !changed(input)) return true;
      if (adding && form.querySelector(`[data-field="${CSS.escape(name)}"]`)) {
        return save(Object.assign(form.querySelector(`[data-field="${CSS.escape(name)}"]`), { value: input.value }));
      }
      const response = await fetch(form.dataset.api, {
        method: "POST", credentials: "same-origin",
        headers: JSON_HEADERS,
        body: JSON.stringify({ fields: { [name]: input.value },
                               force: Boolean(document.getElementById("force")?.checked) }),
      });
      const body = await response.json();
      if (!response.ok) {
        input.classList.add("failed");
        say(`${name}: ${body.message || response.statusText}`, "error");
        return false;
      }
      input.classList.remove("failed", "dirty");
      input.classList.add("saved");
      const f = body.fields && body.fields[name];
      if (input.tagName === "SELECT") input.dataset.saved = input.value;
      else if (f && !adding) { input.value = f.value; input.defaultValue = f.value; }
      if (f) view.fields[name] = f;
      if (adding && f) { addRow(name, f); newName.value = ""; newValue.value = ""; view.redraw(); }
      problems(body.problems || []);
      say(T("saved", { name }), "ok");
      return true;
    }

    // The validation list follows every correction (the server re-ran it).
    function problems(list) {
      const ul = document.getElementById("problems");
      if (!ul) return;
      ul.innerHTML = "";
      for (const p of list) {
        const li = document.createElement("li");
        li.className = "sev-" + p.severity;
        li.textContent = p.message + (p.fields && p.fields.length ? ` (${p.fields.join(", ")})` : "");
        ul.appendChild(li);
      }
      ul.closest("section").querySelector("#problems-empty")?.classList.toggle("hidden", list.length > 0);
    }

    async function saveChanged() {
      for (const input of inputs()) if (changed(input) && !(await save(input))) return false;
      return true;
    }

    form.addEventListener("submit", (e) => e.preventDefault());
    form.addEventListener("focusin", (e) => { if (e.target.dataset.field) view.highlight(e.target.dataset.field); });
    // Choosing a type (arrow keys, the mouse) only marks it: Enter saves it, like every other field.
    form.addEventListener("change", (e) => {
      if (e.target.tagName === "SELECT" && changed(e.target)) {
        e.target.classList.add("dirty");
        say(T("type_pending"), "pending");
      }
    });
    form.addEventListener("keydown", async (e) => {
      if (e.key !== "Enter" || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target === newName) { e.preventDefault(); newValue.focus(); return; }
      const input = e.target.closest(".field-input");
      if (!input) return;
      e.preventDefault();
      if (await save(input)) {
        if (input === newValue) { newName.focus(); return; }  // ready for another new field
        const list = inputs();
        const next = list[list.indexOf(input) + 1];
        (next || document.getElementById("accept")).focus();
      }
    });
    verifyForm.addEventListener("submit", async (e) => {
      if (verifyForm.dataset.checked === "yes") return;
      e.preventDefault();
      if (!(await saveChanged())) return;  // a refused value stays on screen with its reason
      verifyForm.dataset.checked = "yes";
      verifyForm.requestSubmit();
    });
    document.addEventListener("keydown", async (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        verifyForm.requestSubmit();
      } else if (e.altKey && (e.key === "r" || e.key === "R")) {
        e.preventDefault();
        reason.focus();
      } else if (e.altKey && (e.key === "n" || e.key === "N")) {
        e.preventDefault();
        window.location.href = "/review";
      }
    });
    const confirmBox = document.getElementById("confirm-accept");
    const first = inputs().find((i) => i.tagName === "INPUT");
    if (confirmBox) confirmBox.focus();
    else if (first) first.focus();
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
    const codesInput = document.getElementById("file-codes");
    const boxSelect = document.getElementById("box-code");
    const msg = document.getElementById("file-msg");
    // The scan log and the codes waiting to be filed live in the tab's sessionStorage: opening a box or
    // coming back to the page keeps them.
    const STORE = "finarchive.originals";
    const state = JSON.parse(sessionStorage.getItem(STORE) || '{"log": [], "pending": []}');
    const keep = () => sessionStorage.setItem(STORE, JSON.stringify(state));

    function draw(entry) {
      const li = document.createElement("li");
      li.className = entry.kind;
      li.textContent = entry.text;
      log.prepend(li);
    }
    function line(text, kind) {
      const entry = { text, kind };
      state.log.push(entry);
      state.log = state.log.slice(-200);
      draw(entry);
    }
    function pending(codes) {
      state.pending = Array.from(new Set(codes));
      codesInput.value = state.pending.join(" ");
      keep();
    }
    state.log.forEach(draw);
    pending(state.pending);

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const code = input.value.trim();
      input.value = "";
      input.focus();
      if (!code) return;
      try {
        const r = await post(form.dataset.api, { codes: [code] });
        // one outcome per code: the report lists an unexpected original among the received ones too
        const unexpected = new Set(r.unexpected);
        for (const c of r.received) {
          if (unexpected.has(c)) line(T("scan_unexpected", { code: c }), "warn");
          else line(T("scan_received", { code: c }), "ok");
        }
        for (const c of r.already) line(T("scan_already", { code: c }), "warn");
        for (const c of r.unknown) line(T("scan_unknown", { code: c }), "bad");
        for (const reg of r.registers) {
          line(T("scan_register", { code: reg.code, outlet: reg.outlet, received: reg.received.length,
                                    listed: reg.listed.length, missing: reg.missing.join(" ") || T("none") }),
               reg.missing.length ? "warn" : "ok");
        }
        pending([...state.pending, ...r.received]);
      } catch (err) { line(`${code}: ${err.message}`, "bad"); keep(); }
    });
    codesInput.addEventListener("change", () => pending(codesInput.value.split(/\s+/).filter(Boolean)));
    document.getElementById("file-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const box = boxSelect.value;
      const codes = codesInput.value.split(/\s+/).filter(Boolean);
      try {
        const r = await post(`/api/originals/boxes/${encodeURIComponent(box)}/file`, { codes });
        msg.className = "msg ok"; msg.textContent = T("filed", { n: r.filed.length, box: r.box });
        line(msg.textContent, "ok");
        pending([]);
      } catch (err) { msg.className = "msg error"; msg.textContent = err.message; }
    });
    document.getElementById("box-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const box = await post("/api/originals/boxes/", { code: document.getElementById("new-box").value.trim(),
                                                          location: document.getElementById("new-box-location").value.trim() || null });
        const option = document.createElement("option");  // no reload: the scan log stays
        option.value = box.code;
        option.textContent = box.location ? `${box.code} — ${box.location}` : box.code;
        boxSelect.appendChild(option);
        boxSelect.value = box.code;
        document.getElementById("new-box").value = "";
        document.getElementById("new-box-location").value = "";
        msg.className = "msg ok"; msg.textContent = T("box_opened", { box: box.code });
        input.focus();
      } catch (err) { msg.className = "msg error"; msg.textContent = err.message; }
    });
  }

  // The document list (/documents): j/k move the cursor row, x selects it, Enter opens it, / goes to the
  // search box; the bulk bar shows the inputs of the chosen action and how many rows are selected.
  function documentList(table) {
    const rows = Array.from(table.querySelectorAll("tbody tr[data-id]"));
    const boxes = rows.map((r) => r.querySelector("input[name=ids]"));
    const count = document.getElementById("selected-count");
    const action = document.getElementById("bulk-action");
    const all = document.getElementById("pick-all");
    let cursor = -1;

    function counted() {
      const n = boxes.filter((b) => b.checked).length;
      if (count) count.textContent = T("selected", { n });
      rows.forEach((r, i) => r.classList.toggle("picked", boxes[i].checked));
      if (all) all.checked = n > 0 && n === boxes.length;
    }
    function moveTo(i) {
      if (!rows.length) return;
      cursor = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach((r, j) => r.classList.toggle("cursor", j === cursor));
      rows[cursor].scrollIntoView({ block: "nearest" });
    }
    function showInputs() {
      if (!action) return;
      for (const el of document.querySelectorAll("#bulk-bar [class^=for-]")) {
        el.classList.toggle("hidden", el.className.split(" ")[0] !== "for-" + action.value);
      }
    }
    boxes.forEach((b) => b.addEventListener("change", counted));
    if (all) all.addEventListener("change", () => { boxes.forEach((b) => { b.checked = all.checked; }); counted(); });
    if (action) action.addEventListener("change", showInputs);
    document.addEventListener("keydown", (e) => {
      const typing = e.target.closest("input, select, textarea") && e.target.type !== "checkbox";
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "j") { moveTo(cursor + 1); e.preventDefault(); }
      else if (e.key === "k") { moveTo(cursor - 1); e.preventDefault(); }
      else if (e.key === "x" && cursor >= 0) { boxes[cursor].checked = !boxes[cursor].checked; counted(); e.preventDefault(); }
      else if (e.key === "Enter" && cursor >= 0 && e.target.type !== "checkbox") { window.location.href = rows[cursor].dataset.url; e.preventDefault(); }
      else if (e.key === "/") { document.querySelector("#list-search input[type=search]").focus(); e.preventDefault(); }
    });
    counted();
    showInputs();
    // on a phone the filters fold away, unless some are set, so the list is on the first screen
    const filters = document.getElementById("list-filters");
    if (filters && !filters.dataset.active && window.matchMedia("(max-width: 800px)").matches) filters.open = false;
  }

  // The order page's link for the CRM: copied to the clipboard, or selected for Ctrl-C where that is refused.
  const crmCopy = document.getElementById("crm-link-copy");
  if (crmCopy) {
    const field = document.getElementById("crm-link-url");
    crmCopy.addEventListener("click", () => {
      field.select();
      const done = () => { crmCopy.textContent = crmCopy.dataset.copied; };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, () => {});
      else if (document.execCommand("copy")) done();
    });
  }

  const root = document.getElementById("viewer");
  if (root) desk(viewer(root));
  const receiving = document.getElementById("receive-form");
  if (receiving) originalsDesk(receiving);
  const listing = document.getElementById("doclist");
  if (listing) documentList(listing);
})();
