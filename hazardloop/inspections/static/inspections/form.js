/* The phone inspection form (Alpine.js, CSP build: the template's expressions stay simple — one
 * call, comparison or assignment each — and everything else is a method here). The draft lives
 * in localStorage and photo blobs in IndexedDB, so a reload or a dropped connection loses
 * nothing; photos upload as soon as the phone is online, and the inspection is submitted once,
 * idempotently, with its client_id. */
(function () {
  "use strict";
  const boot = JSON.parse(document.getElementById("hl-boot").textContent);
  const T = JSON.parse(document.getElementById("hl-strings").textContent);
  const EN = (document.documentElement.lang || "").startsWith("en");
  const KEY = "hl-inspection-draft-" + boot.user.id;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function localIso() {
    const d = new Date(), off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + sign + pad(off / 60) + ":" + pad(off % 60);
  }

  // --- IndexedDB: photo blobs waiting for upload -------------------------------------------
  function idb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("hl-evidence", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("blobs");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  async function idbDo(mode, fn) {
    const db = await idb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("blobs", mode), store = tx.objectStore("blobs");
      const req = fn(store);
      tx.oncomplete = () => resolve(req && req.result);
      tx.onerror = () => reject(tx.error);
    });
  }
  const blobPut = (k, v) => idbDo("readwrite", (s) => s.put(v, k));
  const blobGet = (k) => idbDo("readonly", (s) => s.get(k));
  const blobDel = (k) => idbDo("readwrite", (s) => s.delete(k));

  async function thumbOf(blob) {
    try {
      const bitmap = await createImageBitmap(blob);
      const scale = 160 / Math.max(bitmap.width, bitmap.height);
      const c = document.createElement("canvas");
      c.width = Math.max(1, Math.round(bitmap.width * scale));
      c.height = Math.max(1, Math.round(bitmap.height * scale));
      c.getContext("2d").drawImage(bitmap, 0, 0, c.width, c.height);
      return c.toDataURL("image/jpeg", 0.7);
    } catch (e) {
      return "";
    }
  }
  function dataUrlToBlob(url) {
    const [head, body] = url.split(",");
    const bytes = atob(body), arr = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) arr[i] = bytes.charCodeAt(i);
    return new Blob([arr], { type: head.split(":")[1].split(";")[0] });
  }
  function newDraft(unit) {
    return {
      client_id: uuid4(), unit: unit, version: null, section: 0, notes: "",
      mode: boot.mode, campaign_id: boot.campaign || null,
      team: [{ name: boot.user.name, role: "cadre", user_id: boot.user.id }],
      answers: {}, signatures: [
        { role: "inspector", name: boot.user.name, data: "", photo_id: null, refused: false, witness_name: "" },
        { role: "unit", name: "", data: "", photo_id: null, refused: false, witness_name: "" },
      ],
      started_at: localIso(), location: null,
    };
  }

  function inspectionForm() {
    return {
      boot: boot, step: "unit", draft: null, online: navigator.onLine, savedAt: "", busy: false,
      message: "", messageKind: "alert-info", errors: [], unitQuery: "", unitResults: [],
      templates: [], templateId: "", openHazards: [], sections: [], guide: {}, notes: {},

      init() {
        const stored = localStorage.getItem(KEY);
        this.draft = stored ? JSON.parse(stored) : newDraft(boot.unit);
        const otherCampaign = (this.draft.campaign_id || null) !== (boot.campaign || null);
        if (boot.unit && (!this.draft.unit || this.draft.unit.id !== boot.unit.id || otherCampaign) && !this.draft.version) {
          this.draft = newDraft(boot.unit);
        }
        // Changing the mode keeps the draft: a mode asked for in the address applies to it, and a
        // mode this user may not choose (a unit's own people only self-inspect) gives way.
        if (boot.mode_asked || !boot.modes.some((m) => m.value === this.draft.mode)) this.draft.mode = boot.mode;
        window.addEventListener("online", () => { this.online = true; this.message = ""; this.uploadPending(); });
        window.addEventListener("offline", () => { this.online = false; this.flash(T.offline, "alert-warning"); });
        if (!this.online) this.flash(T.offline, "alert-warning");
        if (this.draft.version) {
          this.buildSections(); this.step = this.draft.step === "sign" ? "sign" : "items";
          this.$nextTick(() => this.setupPads());
          if (this.online) this.uploadPending();
        } else if (this.draft.unit) {
          this.enterSetup();
        }
        this.locate();
      },
      flash(text, kind) { this.message = text; this.messageKind = kind || "alert-info"; },
      save() {
        this.draft.step = this.step;
        localStorage.setItem(KEY, JSON.stringify(this.draft));
        this.savedAt = new Date().toLocaleTimeString();
      },
      async api(url, options) {
        options = options || {};
        options.headers = Object.assign({ "X-CSRFToken": csrf(), Accept: "application/json" }, options.headers || {});
        options.credentials = "same-origin";
        const response = await fetch(url, options);
        let body = null;
        try { body = await response.json(); } catch (e) { body = null; }
        return { ok: response.ok, status: response.status, body: body };
      },
      locate() {
        if (!navigator.geolocation) return;
        navigator.geolocation.getCurrentPosition((pos) => {
          this.draft.location = { lat: +pos.coords.latitude.toFixed(6), lon: +pos.coords.longitude.toFixed(6), acc: Math.round(pos.coords.accuracy) };
          this.save();
        }, () => {}, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      },

      // --- the unit ---------------------------------------------------------------------
      async searchUnits() {
        const q = this.unitQuery.trim();
        if (q.length < 1) { this.unitResults = []; return; }
        try {
          const r = await this.api(boot.urls.units + "?limit=20&q=" + encodeURIComponent(q));
          this.unitResults = r.ok ? r.body.items : [];
        } catch (e) { this.flash(T.network, "alert-warning"); }
      },
      async scanQr(event) {
        const file = event.target.files[0];
        event.target.value = "";
        if (!file) return;
        if (!("BarcodeDetector" in window)) { this.flash(T.no_scan, "alert-warning"); return; }
        try {
          const codes = await new BarcodeDetector({ formats: ["qr_code"] }).detect(await createImageBitmap(file));
          const hit = codes.map((c) => c.rawValue.match(/\/u\/([^/?#]+)/)).find(Boolean);
          if (!hit) { this.flash(T.not_qr, "alert-warning"); return; }
          window.location.href = window.location.pathname + "?u=" + encodeURIComponent(hit[1]);
        } catch (e) { this.flash(T.no_scan, "alert-warning"); }
      },
      pickUnit(u) {
        this.draft.unit = { id: u.id, name: u.name, address: u.address, sector: u.sector || (u.sector_code || ""), gas_use: u.gas_use || "" };
        this.save(); this.enterSetup();
      },
      openQrScanner() { this.$refs.qrfile.click(); },
      changeUnit() { this.draft = newDraft(null); this.save(); this.step = "unit"; },
      async enterSetup() {
        this.step = "setup";
        try {
          const sector = this.draft.unit.sector ? "?sector=" + encodeURIComponent(this.draft.unit.sector) : "";
          const r = await this.api(boot.urls.checklists + sector + (sector ? "&" : "?") + "limit=200");
          this.templates = r.ok ? r.body.items : [];
          const gas = this.draft.unit.gas_use;
          const best = this.templates.find((t) => t.id === boot.checklist) || this.templates.find((t) => gas && t.gas_uses.includes(gas)) || this.templates[0];
          if (best && !this.templateId) this.templateId = best.id;
          const h = await this.api(boot.urls.hazards + "?unit=" + this.draft.unit.id + "&limit=20");
          const done = ["verified", "closed"];
          this.openHazards = h.ok ? (h.body.items || []).filter((x) => !done.includes(x.status)) : [];
        } catch (e) { this.flash(T.network, "alert-warning"); }
      },
      async startChecklist() {
        const r = await this.api(boot.urls.checklists + "/" + this.templateId);
        if (!r.ok) { this.flash(T.network, "alert-warning"); return; }
        this.draft.version = r.body; this.draft.section = 0; this.buildSections();
        this.step = "items"; this.save(); window.scrollTo(0, 0);
      },
      buildSections() {
        const out = [];
        for (const item of this.draft.version.items) {
          const name = EN && item.section_en ? item.section_en : item.section_zh;
          if (!out.length || out[out.length - 1].name !== name) out.push({ name: name, items: [] });
          out[out.length - 1].items.push(item);
        }
        this.sections = out;
      },
      items() { return this.draft && this.draft.version ? this.draft.version.items : []; },
      sectionItems() { const s = this.draft && this.sections[this.draft.section]; return s ? s.items : []; },

      addMember() { this.draft.team.push({ name: "", role: "expert", user_id: null }); this.save(); },
      removeMember(index) { this.draft.team.splice(index, 1); this.save(); },

      // --- answers ------------------------------------------------------------------------
      ans(item) {
        if (!this.draft.answers[item.code]) this.draft.answers[item.code] = { result: "", number: "", text: "", note: "", photos: [] };
        const a = this.draft.answers[item.code];
        if (!a.after) { a.after = []; a.corrected = false; }  // drafts saved before corrections existed
        return a;
      },
      judge(item, value) {
        if (value === "" || value === null || isNaN(+value)) return "";
        const v = +value;
        if (item.number_min !== null && v < +item.number_min) return "fail";
        if (item.number_max !== null && v > +item.number_max) return "fail";
        return "pass";
      },
      setResult(item, result) { this.ans(item).result = result; this.save(); },
      setNumber(item, value) { const a = this.ans(item); a.number = value; a.result = this.judge(item, value); this.save(); },
      setText(item, value) { const a = this.ans(item); a.text = value; a.result = value.trim() ? "recorded" : ""; this.save(); },
      setNote(item, value) { this.ans(item).note = value; this.save(); },
      isFail(item) { return this.ans(item).result === "fail"; },
      // Corrected on the spot: a failure put right during the visit, shown by an after-photo.
      // It stays on the record but raises no hazard and counts toward no determination.
      canCorrect(item) { return this.isFail(item) && item.answer_type !== "photo"; },
      isCorrected(item) { return this.canCorrect(item) && !!this.ans(item).corrected; },
      toggleCorrected(item) { const a = this.ans(item); a.corrected = !a.corrected; this.save(); },
      needsAfterPhoto(item) { return this.isCorrected(item) && !this.ans(item).after.length; },
      cardClass(item) { return this.isCorrected(item) ? "border-success" : (this.isFail(item) ? "border-danger" : ""); },
      isAnswered(item) {
        const a = this.ans(item);
        if (a.result === "na") return true;
        if (item.answer_type === "photo") return a.photos.length > 0;
        if (this.needsAfterPhoto(item)) return false;
        return !!a.result;
      },
      needsPhoto(item) {
        const a = this.ans(item);
        return !a.photos.length && ((this.isFail(item) && item.photo_on_fail) || (item.answer_type === "photo" && a.result !== "na"));
      },
      answeredCount() { return this.items().filter((i) => this.isAnswered(i)).length; },
      limitText(item) {
        const parts = [];
        if (item.number_min !== null) parts.push("≥ " + (+item.number_min));
        if (item.number_max !== null) parts.push("≤ " + (+item.number_max));
        return parts.join(" ");
      },
      toggleGuide(code) { this.guide[code] = !this.guide[code]; },
      toggleNote(code) { this.notes[code] = !this.notes[code]; },
      prevSection() { if (this.draft.section > 0) { this.draft.section--; this.save(); window.scrollTo(0, 0); } },
      nextSection() {
        if (this.draft.section + 1 < this.sections.length) { this.draft.section++; this.save(); window.scrollTo(0, 0); return; }
        this.step = "sign"; this.save(); window.scrollTo(0, 0);
        this.$nextTick(() => this.setupPads());
      },

      // --- photos -------------------------------------------------------------------------
      async addAfterPhoto(item, event) { return this.addPhoto(item, event, "after"); },
      removeAfterPhoto(item, index) { return this.removePhoto(item, index, "after"); },
      async addPhoto(item, event, list) {
        const file = event.target.files[0];
        event.target.value = "";
        if (!file) return;
        const key = "p-" + uuid4();
        await blobPut(key, file);
        const entry = { id: null, key: key, name: file.name || "photo.jpg", thumb: await thumbOf(file) };
        this.ans(item)[list || "photos"].push(entry);
        if (item.answer_type === "photo" && !this.ans(item).result) this.ans(item).result = "recorded";
        this.save();
        if (this.online) this.uploadPhoto(entry, item);
      },
      removePhoto(item, index, list) {
        const [entry] = this.ans(item)[list || "photos"].splice(index, 1);
        if (entry && entry.key) blobDel(entry.key);
        this.save();
      },
      async uploadPhoto(entry, item) {
        if (entry.id || entry.uploading) return true;
        const blob = await blobGet(entry.key);
        if (!blob) return false;
        entry.uploading = true;
        try {
          const form = new FormData();
          form.append("file", blob, entry.name);
          form.append("unit_id", this.draft.unit.id);
          form.append("device_time", localIso());
          const r = await this.api(boot.urls.photos, { method: "POST", body: form });
          if (r.ok) {
            entry.id = r.body.id; entry.thumb = entry.thumb || r.body.thumb_url; await blobDel(entry.key); entry.key = null;
            this.save(); return true;
          }
          if (r.status === 422 && item) {
            this.flash(T.photo_failed + " " + ((r.body && r.body.detail) || ""), "alert-danger");
            const list = this.ans(item).after.includes(entry) ? "after" : "photos";
            this.removePhoto(item, this.ans(item)[list].indexOf(entry), list);
          }
          return false;
        } catch (e) {
          return false;
        } finally { entry.uploading = false; }
      },
      async uploadPending() {
        let ok = true;
        for (const item of this.items()) {
          for (const entry of [...this.ans(item).photos, ...this.ans(item).after]) {
            if (!entry.id) ok = (await this.uploadPhoto(entry, item)) && ok;
          }
        }
        return ok;
      },

      // --- signatures ---------------------------------------------------------------------
      setupPads() {
        document.querySelectorAll("canvas.hl-sign").forEach((canvas) => {
          if (canvas.dataset.ready) return;
          canvas.dataset.ready = "1";
          const index = +canvas.dataset.index;
          const ctx = canvas.getContext("2d");
          // Size the bitmap to the displayed width (a pad set up while hidden has none yet).
          const fit = () => {
            const width = canvas.clientWidth;
            if (!width || canvas.width === width) return;
            canvas.width = width;
            ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
            const sig = this.draft.signatures[index];
            if (sig && sig.data) { const img = new Image(); img.onload = () => ctx.drawImage(img, 0, 0); img.src = sig.data; }
          };
          fit();
          let drawing = false;
          const point = (e) => {
            const r = canvas.getBoundingClientRect();
            return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)];
          };
          canvas.addEventListener("pointerdown", (e) => {
            fit(); drawing = true;
            try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* synthetic pointers */ }
            const [x, y] = point(e); ctx.beginPath(); ctx.moveTo(x, y);
          });
          canvas.addEventListener("pointermove", (e) => { if (!drawing) return; const [x, y] = point(e); ctx.lineTo(x, y); ctx.stroke(); });
          const end = () => {
            if (!drawing) return; drawing = false;
            const s = this.draft.signatures[index]; s.data = canvas.toDataURL("image/png"); s.photo_id = null; s.signed_at = localIso(); this.save();
          };
          canvas.addEventListener("pointerup", end); canvas.addEventListener("pointerleave", end);
        });
      },
      clearSignature(index) {
        const canvas = document.querySelector('canvas.hl-sign[data-index="' + index + '"]');
        if (canvas) canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
        const s = this.draft.signatures[index]; s.data = ""; s.photo_id = null; this.save();
      },
      addSigner(role) {
        this.draft.signatures.splice(this.draft.signatures.length - 1, 0, { role: role, name: "", data: "", photo_id: null, refused: false, witness_name: "" });
        this.save(); this.$nextTick(() => this.setupPads());
      },

      // --- submission ---------------------------------------------------------------------
      async submit() {
        this.errors = [];
        const missing = this.items().filter((i) => !this.isAnswered(i)).map((i) => i.code);
        if (missing.length) { this.errors = [T.unanswered + " " + missing.join(", ")]; return; }
        this.busy = true;
        try {
          this.flash(T.uploading);
          if (!(await this.uploadPending())) { this.flash(T.network, "alert-warning"); return; }
          for (const s of this.draft.signatures) {
            if (s.refused || s.photo_id || !s.data) continue;
            const form = new FormData();
            form.append("file", dataUrlToBlob(s.data), "signature.png");
            form.append("unit_id", this.draft.unit.id);
            form.append("kind", "signature");
            form.append("device_time", s.signed_at || localIso());
            const r = await this.api(boot.urls.photos, { method: "POST", body: form });
            if (!r.ok) { this.flash(T.failed + " " + ((r.body && r.body.detail) || r.status), "alert-danger"); return; }
            s.photo_id = r.body.id; this.save();
          }
          this.flash(T.submitting);
          const d = this.draft;
          const payload = {
            client_id: d.client_id, unit_id: d.unit.id, template_version_id: d.version.id, mode: d.mode,
            campaign_id: d.campaign_id || null,
            started_at: d.started_at, device_time: localIso(), notes: d.notes,
            latitude: d.location ? d.location.lat : null, longitude: d.location ? d.location.lon : null,
            accuracy_m: d.location ? d.location.acc : null,
            team: d.team.filter((m) => m.name.trim()),
            answers: this.items().map((i) => {
              const a = this.ans(i);
              const corrected = this.isCorrected(i);
              return {
                code: i.code, result: a.result, number: a.number === "" ? null : a.number, text: a.text, note: a.note,
                photo_ids: a.photos.map((p) => p.id), corrected_on_spot: corrected,
                after_photo_ids: corrected ? a.after.map((p) => p.id) : [],
              };
            }),
            signatures: d.signatures.filter((s) => s.name.trim() || s.data).map((s) => ({
              role: s.role, name: s.name, photo_id: s.refused ? null : s.photo_id, refused: !!s.refused,
              witness_name: s.witness_name || "", signed_at: s.signed_at || null,
            })),
          };
          const r = await this.api(boot.urls.submit, { method: "POST", body: JSON.stringify(payload), headers: { "Content-Type": "application/json" } });
          if (r.ok) {
            localStorage.removeItem(KEY);
            window.location.href = boot.urls.detail.replace("{id}", r.body.id);
            return;
          }
          this.message = "";
          this.errors = [T.failed].concat(((r.body && r.body.errors) || []).map((e) => (e.field ? e.field + ": " : "") + e.message));
          if (r.body && !(r.body.errors || []).length) this.errors.push(r.body.detail);
        } catch (e) {
          this.flash(T.network, "alert-warning");
        } finally { this.busy = false; }
      },
      discard() {
        if (!window.confirm(T.discard)) return;
        for (const item of this.items()) for (const p of [...this.ans(item).photos, ...this.ans(item).after]) if (p.key) blobDel(p.key);
        localStorage.removeItem(KEY);
        this.draft = newDraft(boot.unit); this.sections = []; this.step = boot.unit ? "setup" : "unit";
        if (boot.unit) this.enterSetup();
      },
    };
  }
  // Registered by name: the CSP build resolves x-data="inspectionForm" among Alpine's data
  // providers, never among globals. Alpine (deferred) starts after this script has run.
  document.addEventListener("alpine:init", () => window.Alpine.data("inspectionForm", inspectionForm));
})();
