// The Cadence console: the front desk's and the owner's pages over the public API, with the same key,
// errors and paging any client has. No build step: Preact and htm come as one vendored ES module.
import { html, render, useState, useEffect, useCallback } from "{{vendor/htm-preact-3.1.1.js}}";

const KEY = "cadence.key"; // sessionStorage: gone when the tab closes, never in a URL

// ------------------------------------------------------------------ API

class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || "http_" + status;
    this.field = (e.details && e.details.field) || null;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: "Bearer " + sessionStorage.getItem(KEY) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

// Loads once per key of deps; { data, error, reload }.
function useApi(path, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const load = useCallback(() => {
    if (!path) return;
    api("GET", path).then((data) => setState({ data, error: null }), (error) => setState({ data: null, error }));
  }, [path]);
  useEffect(load, deps || [path]);
  return { ...state, reload: load };
}

// ------------------------------------------------------------- helpers

const when = (t) => (t ? new Date(t).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "");
const day = (t) => (t ? new Date(t).toLocaleDateString([], { dateStyle: "medium" }) : "");
const name = (c) => (c ? [c.first_name, c.last_name].filter(Boolean).join(" ") : "(not a client)");
const dollars = (cents) => (cents / 100).toLocaleString([], { style: "currency", currency: "USD" });

// A local date ("2026-09-23") at noon in this browser's zone, as the API's RFC 3339.
function localNoon(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y, m - 1, d, 12).toISOString();
}
function daysAgo(n) {
  const t = new Date();
  t.setDate(t.getDate() - n);
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, "0")}-${String(t.getDate()).padStart(2, "0")}`;
}

function ErrorText({ error, field }) {
  if (!error) return null;
  if (field !== undefined ? error.field !== field : false) return null;
  return html`<p class=${field ? "field-error" : "error"} role="alert" id=${field ? "err-" + field : undefined}>
    ${error.message}</p>`;
}
// An error that names none of a form's fields is shown for the whole form.
const formLevel = (error, fields) => (error && !fields.includes(error.field) ? error : null);

function Field({ label, name: field, error, children }) {
  return html`<div>
    <label for=${"f-" + field}>${label}</label>
    ${children}
    <${ErrorText} error=${error} field=${field} />
  </div>`;
}

function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const bind = (k) => ({
    id: "f-" + k,
    name: k,
    value: values[k],
    onInput: (e) => setValues({ ...values, [k]: e.target.type === "checkbox" ? e.target.checked : e.target.value }),
    "aria-invalid": error && error.field === k ? "true" : undefined,
    "aria-describedby": error && error.field === k ? "err-" + k : undefined,
  });
  const submit = (fn) => async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await fn(values);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { values, setValues, error, busy, bind, submit };
}

// ------------------------------------------------------------- sign in

function SignIn({ onSignedIn }) {
  const f = useForm({ key: "" });
  const go = f.submit(async ({ key }) => {
    sessionStorage.setItem(KEY, key.trim());
    try {
      const session = await api("GET", "/v1/session");
      if (session.role === "integration")
        throw new ApiError(403, { error: { message: "An integration key cannot use the console: use a staff key." } });
      onSignedIn(session);
    } catch (err) {
      sessionStorage.removeItem(KEY);
      throw Object.assign(err, { field: "key" });
    }
  });
  return html`<main><section>
    <h2>Sign in to Cadence</h2>
    <form onSubmit=${go}>
      <${Field} label="Staff key (or the admin key, to set up a practice)" name="key" error=${f.error}>
        <input type="password" autocomplete="off" required ...${f.bind("key")} />
      <//>
      <p class="muted">The key stays in this tab only, and is forgotten when the tab closes.</p>
      <button type="submit" disabled=${f.busy}>Sign in</button>
    </form>
  </section></main>`;
}

// ------------------------------------------------------------- setup (admin)

// With the admin key (printed at the first start): a practice and its front desk's key, then the console
// continues as that front desk; the admin key is forgotten.
function Setup({ onSignedIn }) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const f = useForm({ name: "", time_zone: zone, sms_from: "", email_from: "", booking_url: "" });
  const [made, setMade] = useState(null);
  const fields = ["name", "time_zone", "sms_from", "email_from", "booking_url"];
  const create = f.submit(async (v) => {
    const body = { name: v.name, time_zone: v.time_zone };
    for (const k of ["sms_from", "email_from", "booking_url"]) if (v[k].trim()) body[k] = v[k].trim();
    const p = await api("POST", "/v1/practices", body);
    const k = await api("POST", `/v1/practices/${p.id}/api-keys`, { role: "staff", name: "front desk" });
    setMade({ practice: p, key: k.key });
  });
  const continueAsDesk = async () => {
    sessionStorage.setItem(KEY, made.key);
    onSignedIn(await api("GET", "/v1/session"));
  };
  if (made)
    return html`<section>
      <h2>${made.practice.name} is ready</h2>
      <p>The front desk's key, shown once: store it where your staff sign in.</p>
      <p><code id="staff-key">${made.key}</code></p>
      <button onClick=${continueAsDesk}>Continue as the front desk</button>
    </section>`;
  return html`<section>
    <h2>Set up a practice</h2>
    <form onSubmit=${create}>
      <div class="row">
        <${Field} label="Practice name" name="name" error=${f.error}><input required ...${f.bind("name")} /><//>
        <${Field} label="Time zone" name="time_zone" error=${f.error}><input required ...${f.bind("time_zone")} /><//>
      </div>
      <div class="row">
        <${Field} label="SMS sender (+15550001111)" name="sms_from" error=${f.error}><input type="tel" ...${f.bind("sms_from")} /><//>
        <${Field} label="Email sender" name="email_from" error=${f.error}><input type="email" ...${f.bind("email_from")} /><//>
        <${Field} label="Booking page" name="booking_url" error=${f.error}><input type="url" ...${f.bind("booking_url")} /><//>
      </div>
      <${ErrorText} error=${formLevel(f.error, fields)} />
      <button type="submit" disabled=${f.busy}>Create the practice</button>
    </form>
  </section>`;
}

// ------------------------------------------------------------- clients

function searchQuery(text) {
  const t = text.trim();
  if (t.includes("@")) return "email=" + encodeURIComponent(t.toLowerCase());
  const digits = t.replace(/[^\d+]/g, "");
  if (/^\+?\d{7,15}$/.test(digits) && /^[\d\s()+.-]+$/.test(t)) {
    const e164 = digits.startsWith("+") ? digits : digits.length === 10 ? "+1" + digits : "+" + digits;
    return "phone=" + encodeURIComponent(e164);
  }
  if (/^[A-Za-z]*\d[\w-]*$/.test(t)) return "external_id=" + encodeURIComponent(t);
  return "name=" + encodeURIComponent(t);
}

function Clients() {
  const [query, setQuery] = useState("");
  const [path, setPath] = useState("/v1/clients?limit=25");
  const list = useApi(path);
  const search = (e) => {
    e.preventDefault();
    setPath(query.trim() ? `/v1/clients?${searchQuery(query)}&limit=25` : "/v1/clients?limit=25");
  };
  return html`<section>
      <h2>Clients</h2>
      <form class="row" onSubmit=${search} role="search">
        <div>
          <label for="client-search">Name, phone, email or PMS id</label>
          <input id="client-search" type="search" value=${query} onInput=${(e) => setQuery(e.target.value)} />
        </div>
        <div><button type="submit">Search</button></div>
      </form>
      <${ErrorText} error=${list.error} />
      <table>
        <thead><tr><th>Name</th><th>Phone</th><th>Email</th></tr></thead>
        <tbody>
          ${(list.data ? list.data.data : []).map(
            (c) => html`<tr>
              <td><a href=${"#/clients/" + c.id}>${name(c)}</a></td><td>${c.phone || ""}</td><td>${c.email || ""}</td>
            </tr>`
          )}
        </tbody>
      </table>
      ${list.data && list.data.data.length === 0 ? html`<p class="muted">No client matches.</p>` : null}
    </section>
    <${NewClient} />`;
}

function NewClient() {
  const f = useForm({ first_name: "", last_name: "", phone: "", email: "", sms: true, email_ok: true });
  const fields = ["first_name", "last_name", "phone", "email"];
  const create = f.submit(async (v) => {
    const body = { first_name: v.first_name, consents: { sms: v.sms, email: v.email_ok } };
    for (const k of ["last_name", "phone", "email"]) if (v[k].trim()) body[k] = v[k].trim();
    const c = await api("POST", "/v1/clients", body);
    location.hash = "#/clients/" + c.id;
  });
  return html`<section>
    <h2>New client</h2>
    <form onSubmit=${create}>
      <div class="row">
        <${Field} label="First name" name="first_name" error=${f.error}><input required ...${f.bind("first_name")} /><//>
        <${Field} label="Last name" name="last_name" error=${f.error}><input ...${f.bind("last_name")} /><//>
      </div>
      <div class="row">
        <${Field} label="Phone (+15551234567)" name="phone" error=${f.error}><input type="tel" ...${f.bind("phone")} /><//>
        <${Field} label="Email" name="email" error=${f.error}><input type="email" ...${f.bind("email")} /><//>
      </div>
      <p>
        <label><input type="checkbox" checked=${f.values.sms} onChange=${(e) => f.setValues({ ...f.values, sms: e.target.checked })} /> Agrees to texts</label>
        <label><input type="checkbox" checked=${f.values.email_ok} onChange=${(e) => f.setValues({ ...f.values, email_ok: e.target.checked })} /> Agrees to emails</label>
      </p>
      <${ErrorText} error=${formLevel(f.error, fields)} />
      <button type="submit" disabled=${f.busy}>Add client</button>
    </form>
  </section>`;
}

// ------------------------------------------------------------- a client

function Client({ id }) {
  const client = useApi("/v1/clients/" + id);
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion(version + 1);
  if (client.error) return html`<section><${ErrorText} error=${client.error} /></section>`;
  if (!client.data) return html`<p class="loading">Loading…</p>`;
  const c = client.data;
  return html`<section>
      <h2>${name(c)}</h2>
      <p class="muted">${[c.phone, c.email].filter(Boolean).join(" · ")}
        ${" "}· texts ${c.consents.sms ? "yes" : "no"} · emails ${c.consents.email ? "yes" : "no"}</p>
      <${Loyalty} id=${id} version=${version} onDone=${refresh} />
    </section>
    <${RecordVisit} client=${c} onDone=${refresh} />
    <${Book} client=${c} onDone=${refresh} version=${version} />
    <${Redeem} client=${c} onDone=${refresh} />
    <${Timeline} id=${id} version=${version} />
    <${Flags} client=${c} onDone=${refresh} version=${version} />`;
}

// Balance, tier, perks (used at the desk), membership and the latest ledger entries.
function Loyalty({ id, version, onDone }) {
  const l = useApi(`/v1/clients/${id}/loyalty`, [id, version]);
  const ledger = useApi(`/v1/clients/${id}/loyalty/ledger?limit=10`, [id, version]);
  const [error, setError] = useState(null);
  if (!l.data) return html`<${ErrorText} error=${l.error} />`;
  const d = l.data;
  const usePerk = async (perk) => {
    setError(null);
    try {
      await api("POST", `/v1/clients/${id}/perks/${perk.id}/use`);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  const open = d.perks.filter((k) => !k.used_at);
  const m = d.membership;
  return html`<div>
    <p id="loyalty">Loyalty: <strong>${d.balance} points</strong> (${dollars(d.value_cents)})
      · ${d.tier ? d.tier.name : "no tier"} · ${d.visits_12_months} visits in 12 months
      ${d.next_tier ? html` · ${d.next_tier.visits_needed} more visits or ${dollars(d.next_tier.spend_needed_cents)} to ${d.next_tier.name}` : null}
      ${d.next_expiry ? html` · points expire from ${day(d.next_expiry)}` : null}</p>
    <p id="membership">${m ? `Member: ${m.plan} (${m.state}), ${dollars(m.credit_cents)} credit, ${m.member_discount_percent}% off`
                        : d.membership_offer ? "Not a member: offer a membership." : "Not a member."}</p>
    ${open.length ? html`<ul id="perks">${open.map((k) => html`<li>${k.name} <span class="muted">(${k.source}${k.expires_at ? ", until " + day(k.expires_at) : ""})</span>
      <button type="button" class="secondary" onClick=${() => usePerk(k)}>Mark used</button></li>`)}</ul>` : null}
    <${ErrorText} error=${error} />
    <details>
      <summary>Points ledger</summary>
      <table id="ledger">
        <thead><tr><th>When</th><th>What</th><th>Points</th><th>Reason</th></tr></thead>
        <tbody>${(ledger.data ? ledger.data.data : []).map((e) => html`<tr>
          <td>${when(e.created_at)}</td><td>${e.kind}</td><td>${e.points > 0 ? "+" + e.points : e.points}</td><td>${e.reason}</td></tr>`)}</tbody>
      </table>
    </details>
  </div>`;
}

function RecordVisit({ client, onDone }) {
  const types = useApi("/v1/treatment-types");
  const f = useForm({ type: "botox", date: daysAgo(0), units: "", price: "" });
  const [done, setDone] = useState(null);
  const fields = ["items[0].type", "performed_at", "items[0].units", "items[0].price_cents"];
  const record = f.submit(async (v) => {
    const item = { type: v.type };
    if (v.units) item.units = Number(v.units);
    if (v.price) item.price_cents = Math.round(Number(v.price.replace(/[$,]/g, "")) * 100);
    const t = await api("POST", "/v1/treatments", { client_id: client.id, performed_at: localNoon(v.date), items: [item] });
    setDone(`Recorded ${t.items.map((i) => i.given_name || i.type).join(", ")} on ${day(t.performed_at)}.`);
    onDone();
  });
  const err = (k) => (f.error && f.error.field === k ? f.error : null);
  return html`<section>
    <h2>Record a visit</h2>
    <form onSubmit=${record}>
      <div class="row">
        <div>
          <label for="f-type">Treatment</label>
          <input id="f-type" list="treatment-types" ...${f.bind("type")} />
          <datalist id="treatment-types">
            ${(types.data ? types.data.data : []).map((t) => html`<option value=${t.code}>${t.name}</option>`)}
          </datalist>
          <${ErrorText} error=${err("items[0].type")} field="items[0].type" />
        </div>
        <div>
          <label for="f-date">Date</label>
          <input id="f-date" type="date" ...${f.bind("date")} />
          <${ErrorText} error=${err("performed_at")} field="performed_at" />
        </div>
        <div>
          <label for="f-units">Units</label>
          <input id="f-units" inputmode="decimal" ...${f.bind("units")} />
          <${ErrorText} error=${err("items[0].units")} field="items[0].units" />
        </div>
        <div>
          <label for="f-price">Price ($)</label>
          <input id="f-price" inputmode="decimal" ...${f.bind("price")} />
          <${ErrorText} error=${err("items[0].price_cents")} field="items[0].price_cents" />
        </div>
      </div>
      <${ErrorText} error=${formLevel(f.error, fields)} />
      <p><button type="submit" disabled=${f.busy}>Record visit</button> <span class="notice" role="status">${done}</span></p>
    </form>
  </section>`;
}

// The injector's next open times (exactly those POST /v1/bookings takes), then a booking on a click.
function Book({ client, onDone, version }) {
  const injectors = useApi("/v1/injectors");
  const [injector, setInjector] = useState("");
  const list = (injectors.data ? injectors.data.data : []).filter((i) => i.active !== false);
  const chosen = injector || (list[0] && list[0].id) || "";
  const slots = useApi(chosen ? `/v1/slots?injector_id=${chosen}&client_id=${client.id}&duration_minutes=30&step_minutes=30` : null,
                       [chosen, version]);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const book = async (slot) => {
    setError(null);
    try {
      const b = await api("POST", "/v1/bookings", { client_id: client.id, injector_id: slot.injector_id,
                                                   starts_at: slot.starts_at, duration_minutes: 30 });
      setDone(`Booked ${when(b.starts_at)}.`);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  if (injectors.data && list.length === 0) return null; /* no injector with hours: nothing to book */
  return html`<section>
    <h2>Book</h2>
    <div class="row">
      <div>
        <label for="f-injector">Injector</label>
        <select id="f-injector" value=${chosen} onChange=${(e) => setInjector(e.target.value)}>
          ${list.map((i) => html`<option value=${i.id}>${i.name}</option>`)}
        </select>
      </div>
    </div>
    <p class="muted">Next open times:</p>
    <div class="row slots" id="slots">
      ${(slots.data ? slots.data.data.slice(0, 8) : []).map((t) => html`<div>
        <button type="button" class="secondary" data-starts-at=${t.starts_at} onClick=${() => book(t)}>${when(t.starts_at)}</button>
      </div>`)}
    </div>
    ${slots.data && slots.data.data.length === 0 ? html`<p class="muted">No open time in the next two weeks.</p>` : null}
    <${ErrorText} error=${error || slots.error} />
    <p class="notice" role="status" id="booked">${done}</p>
  </section>`;
}

// Points as credit at checkout, with the program's cap shown for the ticket entered.
function Redeem({ client, onDone }) {
  const program = useApi("/v1/loyalty/program");
  const f = useForm({ ticket_cents: "", points: "" }); // the ticket is entered in dollars
  const [done, setDone] = useState(null);
  const p = program.data;
  const ticketCents = Math.round(Number(f.values.ticket_cents.replace(/[$,]/g, "")) * 100) || 0;
  const cap = p && ticketCents ? Math.floor((ticketCents * p.redemption_cap_percent) / 100 / p.point_value_cents) : null;
  const redeem = f.submit(async (v) => {
    const r = await api("POST", `/v1/clients/${client.id}/loyalty/redemptions`,
                        { ticket_cents: ticketCents, points: Number(v.points) });
    setDone(`Redeemed ${r.points !== undefined ? Math.abs(r.points) : v.points} points.`);
    f.setValues({ ticket_cents: "", points: "" });
    onDone();
  });
  return html`<section>
    <h2>Redeem points</h2>
    <form onSubmit=${redeem}>
      <div class="row">
        <${Field} label="Ticket ($)" name="ticket_cents" error=${f.error}><input inputmode="decimal" required ...${f.bind("ticket_cents")} /><//>
        <${Field} label="Points" name="points" error=${f.error}><input inputmode="numeric" required ...${f.bind("points")} /><//>
      </div>
      <p class="muted" id="cap">${cap !== null ? `At most ${cap} points on this ticket (${p.redemption_cap_percent}% of it).` : ""}</p>
      <${ErrorText} error=${formLevel(f.error, ["ticket_cents", "points"])} />
      <p><button type="submit" disabled=${f.busy}>Redeem</button> <span class="notice" role="status" id="redeemed">${done}</span></p>
    </form>
  </section>`;
}

// Visits, reminder steps (with their state and why) and messages both ways, newest first.
function Timeline({ id, version }) {
  const visits = useApi(`/v1/treatments?client_id=${id}&limit=100`, [id, version]);
  const reminders = useApi(`/v1/clients/${id}/reminders`, [id, version]);
  const conv = useApi(`/v1/clients/${id}/conversation`, [id, version]);
  const bookings = useApi(`/v1/bookings?client_id=${id}&limit=100`, [id, version]);
  const rows = [];
  for (const t of visits.data ? visits.data.data : [])
    rows.push({ at: t.performed_at, kind: "visit", text: "Visit: " + t.items.map((i) => i.given_name || i.type).join(", "),
                state: t.refunded_at ? "refunded" : "" });
  for (const q of reminders.data ? reminders.data.data : [])
    for (const s of q.steps)
      rows.push({ at: s.due_at, kind: "step", text: `Reminder ${s.step} (${q.treatment_type || q.kind})`, state: s.state,
                  reason: s.reason });
  for (const b of bookings.data ? bookings.data.data : [])
    rows.push({ at: b.starts_at, kind: "booking", text: `Booking (${b.source})`, state: b.state });
  for (const m of conv.data ? conv.data.data : [])
    rows.push({ at: m.at, kind: m.direction === "in" ? "reply" : "message",
                text: (m.direction === "in" ? "Reply: " : "Sent: ") + m.body, state: m.state || m.reading });
  rows.sort((a, b) => (a.at < b.at ? 1 : -1));
  return html`<section>
    <h2>Timeline</h2>
    <ul class="timeline" id="timeline">
      ${rows.map((r) => html`<li data-kind=${r.kind}>
        <span class="muted">${when(r.at)}</span> ${r.text}
        ${r.state ? html` <span class=${"pill " + r.state}>${r.state}</span>` : null}
        ${r.reason ? html` <span class="muted">${r.reason}</span>` : null}
      </li>`)}
    </ul>
    ${rows.length === 0 ? html`<p class="muted">Nothing yet.</p>` : null}
    ${conv.data && conv.data.conversation_id ? html`<p><a href=${"#/inbox/" + conv.data.conversation_id}>Open the conversation</a></p>` : null}
  </section>`;
}

// The client's flags: open ones resolved here (promotion resumes when none is left open), and a new one raised.
function Flags({ client, onDone, version }) {
  const list = useApi(`/v1/clients/${client.id}/flags`, [client.id, version]);
  const f = useForm({ kind: "dissatisfied", note: "" });
  const [error, setError] = useState(null);
  const raise = f.submit(async (v) => {
    await api("POST", `/v1/clients/${client.id}/flags`, { kind: v.kind, note: v.note || null });
    f.setValues({ kind: v.kind, note: "" });
    onDone();
  });
  const resolve = async (flag) => {
    setError(null);
    try {
      await api("DELETE", `/v1/clients/${client.id}/flags/${flag.id}`);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  const flags = list.data ? list.data.data : [];
  return html`<section>
    <h2>Flags</h2>
    ${flags.length ? html`<ul id="flags">${flags.map((fl) => html`<li data-state=${fl.resolved_at ? "resolved" : "open"}>
      <span class=${"pill" + (fl.resolved_at ? "" : " failed")}>${fl.kind}</span> ${fl.note || ""}
      <span class="muted">${when(fl.created_at)}${fl.resolved_at ? " · resolved " + when(fl.resolved_at) : ""}</span>
      ${fl.resolved_at ? null : html` <button type="button" class="secondary" onClick=${() => resolve(fl)}>Resolve</button>`}
    </li>`)}</ul>` : html`<p class="muted">No flag.</p>`}
    <${ErrorText} error=${error || list.error} />
    <form onSubmit=${raise} class="row">
      <${Field} label="Kind" name="kind" error=${f.error}>
        <select ...${f.bind("kind")}><option value="dissatisfied">Dissatisfied</option><option value="complication">Complication</option></select>
      <//>
      <${Field} label="Note" name="note" error=${f.error}><input ...${f.bind("note")} /><//>
      <div><button type="submit" class="secondary" disabled=${f.busy}>Raise flag</button></div>
    </form>
    <${ErrorText} error=${formLevel(f.error, ["kind", "note"])} />
  </section>`;
}

// ---------------------------------------------------------- the inbox

function Inbox() {
  const [filter, setFilter] = useState("needs_reply=true");
  const list = useApi(`/v1/conversations?${filter}`);
  return html`<section>
    <h2>Inbox</h2>
    <p>
      <label><input type="radio" name="filter" checked=${filter === "needs_reply=true"} onChange=${() => setFilter("needs_reply=true")} /> Needs a reply</label>
      <label><input type="radio" name="filter" checked=${filter === "unread=true"} onChange=${() => setFilter("unread=true")} /> Unread</label>
      <label><input type="radio" name="filter" checked=${filter === "limit=50"} onChange=${() => setFilter("limit=50")} /> All</label>
    </p>
    <${ErrorText} error=${list.error} />
    <table>
      <thead><tr><th>From</th><th>Latest</th><th>When</th><th>Unread</th></tr></thead>
      <tbody>
        ${(list.data ? list.data.data : []).map((v) => html`<tr>
          <td><a href=${"#/inbox/" + v.id}>${v.client ? name(v.client) : v.address}</a></td>
          <td>${v.last_message ? v.last_message.body : ""}</td><td>${when(v.last_inbound_at)}</td><td>${v.unread}</td>
        </tr>`)}
      </tbody>
    </table>
    ${list.data && list.data.data.length === 0 ? html`<p class="muted">Nothing here.</p>` : null}
  </section>`;
}

function Conversation({ id }) {
  const [version, setVersion] = useState(0);
  const conv = useApi(`/v1/conversations/${id}`, [id, version]);
  const f = useForm({ body: "", sent_by: "" });
  useEffect(() => {
    if (conv.data && conv.data.unread) api("POST", `/v1/conversations/${id}/read`).catch(() => {});
  }, [conv.data]);
  const send = f.submit(async (v) => {
    const body = { body: v.body };
    if (v.sent_by.trim()) body.sent_by = v.sent_by.trim();
    await api("POST", `/v1/conversations/${id}/messages`, body);
    f.setValues({ body: "", sent_by: v.sent_by });
    setVersion(version + 1);
  });
  const handled = async () => {
    await api("POST", `/v1/conversations/${id}/handled`);
    setVersion(version + 1);
  };
  if (conv.error) return html`<section><${ErrorText} error=${conv.error} /></section>`;
  if (!conv.data) return html`<p class="loading">Loading…</p>`;
  const c = conv.data;
  return html`<section>
    <h2>Conversation ${c.client_id ? html`with <a href=${"#/clients/" + c.client_id}>the client</a>` : "with a sender who is not a client"}</h2>
    ${c.data.map((m) => html`<div class=${m.direction === "in" ? "msg-in" : "msg-out"}>
      <div class="muted">${when(m.at)} · ${m.channel}${m.reason ? " · " + m.reason : ""}${m.reading && m.reading !== "message" ? " · " + m.reading : ""}</div>
      <div>${m.body}</div>
    </div>`)}
    <form onSubmit=${send}>
      <${Field} label="Reply" name="body" error=${f.error}><textarea required ...${f.bind("body")}></textarea><//>
      <${Field} label="Signed by (optional)" name="sent_by" error=${f.error}><input ...${f.bind("sent_by")} /><//>
      <${ErrorText} error=${formLevel(f.error, ["body", "sent_by"])} />
      <p><button type="submit" disabled=${f.busy}>Send</button>
        ${c.needs_reply ? html` <button type="button" class="secondary" onClick=${handled}>Mark handled</button>` : null}</p>
    </form>
  </section>`;
}

// ----------------------------------------------------------- the owner

const pct = (r) => (r === null || r === undefined ? "–" : (r * 100).toFixed(1) + "%");

// Bars in SVG, one group per label, one bar per series; each bar carries its value (data-value) so what is
// drawn can be checked against the API's figures. Values null (nothing to divide by) draw no bar.
function BarChart({ id, title, labels, series, format, max }) {
  const W = 640, H = 200, pad = 28, groupW = (W - pad) / Math.max(labels.length, 1);
  const top = max || Math.max(1, ...series.flatMap((s) => s.values.filter((v) => v !== null)));
  const barW = Math.max(2, (groupW - 6) / series.length);
  return html`<figure class="chart" id=${id}>
    <figcaption>${title}
      ${series.map((s, k) => html` <span class=${"key s" + k}>${s.name}</span>`)}</figcaption>
    <svg viewBox=${`0 0 ${W} ${H + 30}`} role="img" aria-label=${title}>
      <line x1=${pad} y1=${H} x2=${W} y2=${H} class="axis" />
      <text x="0" y="12" class="tick">${format(top)}</text>
      ${labels.map((label, i) => html`<g>
        ${series.map((s, k) => {
          const v = s.values[i];
          const h = v === null ? 0 : (v / top) * (H - 16);
          return html`<rect class=${"bar s" + k} data-series=${s.key} data-label=${label} data-value=${v === null ? "null" : String(v)}
            x=${pad + i * groupW + 3 + k * barW} y=${H - h} width=${barW - 1} height=${h}><title>${`${label} ${s.name}: ${v === null ? "–" : format(v)}`}</title></rect>`;
        })}
        <text x=${pad + i * groupW + 3} y=${H + 16} class="tick">${label.length === 7 ? label.slice(2) : label}</text>
      </g>`)}
    </svg>
  </figure>`;
}

function Dashboard() {
  const today = daysAgo(0);
  const [filters, setFilters] = useState({ from: daysAgo(364), to: today, treatment_type: "", injector_id: "" });
  const types = useApi("/v1/treatment-types");
  const injectors = useApi("/v1/injectors");
  const query = new URLSearchParams({ from: filters.from, to: filters.to, group_by: "month" });
  if (filters.treatment_type) query.set("treatment_type", filters.treatment_type);
  if (filters.injector_id) query.set("injector_id", filters.injector_id);
  const figures = useApi("/v1/analytics/retention?" + query);
  const set = (k) => (e) => setFilters({ ...filters, [k]: e.target.value });
  const csv = async () => {
    const r = await fetch("/v1/analytics/retention?" + query, {
      headers: { Authorization: "Bearer " + sessionStorage.getItem(KEY), Accept: "text/csv" } });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await r.blob());
    a.download = `retention-${filters.from}-${filters.to}.csv`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const rows = figures.data ? figures.data.rows.filter((r) => r.group !== "all") : [];
  const all = figures.data ? figures.data.rows.find((r) => r.group === "all") : null;
  const months = rows.map((r) => r.group);
  const col = (k) => rows.map((r) => r[k]);
  return html`<section>
    <h2>Retention</h2>
    <form class="row" onSubmit=${(e) => e.preventDefault()}>
      <div><label for="d-from">From</label><input id="d-from" type="date" value=${filters.from} onChange=${set("from")} /></div>
      <div><label for="d-to">To</label><input id="d-to" type="date" value=${filters.to} onChange=${set("to")} /></div>
      <div><label for="d-type">Treatment</label>
        <select id="d-type" value=${filters.treatment_type} onChange=${set("treatment_type")}>
          <option value="">All</option>
          ${(types.data ? types.data.data : []).map((t) => html`<option value=${t.code}>${t.name}</option>`)}
        </select></div>
      <div><label for="d-injector">Injector</label>
        <select id="d-injector" value=${filters.injector_id} onChange=${set("injector_id")}>
          <option value="">All</option>
          ${(injectors.data ? injectors.data.data : []).map((i) => html`<option value=${i.id}>${i.name}</option>`)}
        </select></div>
      <div><button type="button" class="secondary" onClick=${csv}>Download CSV</button></div>
    </form>
    <${ErrorText} error=${figures.error} />
    ${figures.data ? html`
      <${BarChart} id="chart-rates" title="90-day rebook and on-time return, by month" labels=${months} format=${pct} max=${1}
        series=${[{ key: "rebook_rate_90d", name: "rebooked in 90 days", values: col("rebook_rate_90d") },
                  { key: "on_time_return_rate", name: "on time", values: col("on_time_return_rate") }]} />
      <${BarChart} id="chart-steps" title="Reminder response (the period)" labels=${["step 1", "step 2 + incentive", "step 2", "step 3"]}
        format=${pct} max=${1}
        series=${[{ key: "response_rate", name: "bookings per message",
                    values: all ? [all.step1_response_rate, all.step2_incentive_response_rate, all.step2_plain_response_rate,
                                   all.step3_response_rate] : [] }]} />
      <${BarChart} id="chart-revenue" title="Revenue of return visits, by month" labels=${months} format=${(v) => dollars(v)}
        series=${[{ key: "revenue_reminder_cents", name: "brought by a reminder", values: col("revenue_reminder_cents") },
                  { key: "revenue_organic_cents", name: "organic", values: col("revenue_organic_cents") }]} />
      <${BarChart} id="chart-lapse" title="Lapsed and reactivated clients, by month" labels=${months} format=${(v) => String(v)}
        series=${[{ key: "lapsed_clients", name: "lapsed", values: col("lapsed_clients") },
                  { key: "reactivated_clients", name: "reactivated", values: col("reactivated_clients") }]} />
      <h3>The period</h3>
      <table id="figures">
        <tbody>
          <tr><th>Visits that started a cycle</th><td>${all.cohort_size}</td></tr>
          <tr><th>Rebooked within 90 days</th><td>${all.rebooked_90d} of ${all.rebook_due} (${pct(all.rebook_rate_90d)})</td></tr>
          <tr><th>Back on time</th><td>${all.on_time_returns} of ${all.on_time_due} (${pct(all.on_time_return_rate)})</td></tr>
          <tr><th>Step 1 response</th><td>${all.step1_bookings} of ${all.step1_sent} (${pct(all.step1_response_rate)})</td></tr>
          <tr><th>Revenue: reminder / organic</th><td>${dollars(all.revenue_reminder_cents)} / ${dollars(all.revenue_organic_cents)}</td></tr>
          <tr><th>Lapsed / reactivated</th><td>${all.lapsed_clients} / ${all.reactivated_clients}</td></tr>
        </tbody>
      </table>` : null}
  </section>`;
}

// The SMS this text makes before variables are filled in: GSM-7 (160 a message, 153 a part) unless a
// character needs UCS-2 (70, 67). The server's estimate, of a sample rendering, comes with a save.
const GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXT = "^{}\\[~]|€";
function smsSegments(text) {
  let septets = 0, gsm = true, units = 0;
  for (const ch of text) {
    units += ch.length;
    if (GSM.includes(ch)) septets += 1;
    else if (GSM_EXT.includes(ch)) septets += 2;
    else gsm = false;
  }
  const [n, one, part] = gsm ? [septets, 160, 153] : [units, 70, 67];
  return { encoding: gsm ? "GSM-7" : "UCS-2", units: n, segments: n <= one ? 1 : Math.ceil(n / part) };
}

function Templates() {
  const list = useApi("/v1/templates");
  const [chosen, setChosen] = useState(null);
  const f = useForm({ subject: "", body: "" });
  const [saved, setSaved] = useState(null);
  const pick = (t) => {
    setChosen(t);
    setSaved(null);
    f.setValues({ subject: t.subject || "", body: t.body });
  };
  const save = f.submit(async (v) => {
    const body = { body: v.body };
    if (chosen.channel === "email") body.subject = v.subject;
    if (chosen.injector_id) body.injector_id = chosen.injector_id;
    const t = await api("PUT", `/v1/templates/${chosen.treatment_type}/${chosen.step}/${chosen.channel}`, body);
    setSaved(t.sms_estimate ? `Saved. A sample message is ${t.sms_estimate.segments} SMS (${t.sms_estimate.encoding}).` : "Saved.");
    list.reload();
  });
  const live = chosen && chosen.channel === "sms" ? smsSegments(f.values.body) : null;
  return html`<section>
    <h2>Message templates</h2>
    <div class="row">
      <div>
        <label for="t-pick">Template</label>
        <select id="t-pick" onChange=${(e) => pick(list.data.data[Number(e.target.value)])} value=${chosen ? list.data.data.indexOf(chosen) : ""}>
          <option value="">Choose…</option>
          ${(list.data ? list.data.data : []).map((t, i) => html`<option value=${i}>${t.treatment_type} · ${t.step} · ${t.channel}</option>`)}
        </select>
      </div>
    </div>
    ${chosen ? html`<form onSubmit=${save}>
      ${chosen.channel === "email" ? html`<${Field} label="Subject" name="subject" error=${f.error}><input ...${f.bind("subject")} /><//>` : null}
      <${Field} label="Text ({{first_name}}, {{booking_link}}, …)" name="body" error=${f.error}>
        <textarea rows="6" ...${f.bind("body")}></textarea>
      <//>
      ${live ? html`<p class="muted" id="segments">${live.units} ${live.encoding === "GSM-7" ? "characters" : "UCS-2 units"}, ${live.segments} SMS (${live.encoding}) before variables are filled in</p>` : null}
      <${ErrorText} error=${formLevel(f.error, ["subject", "body"])} />
      <p><button type="submit" disabled=${f.busy}>Save</button> <span class="notice" role="status" id="template-saved">${saved}</span></p>
    </form>` : null}
  </section>`;
}

// Weekly reports (made every Monday, or now for last week): the week's figures beside the week before's.
const REPORT_FIGURES = [
  ["on_time_return_rate", "Back on time", pct],
  ["rebook_rate_90d", "Rebooked within 90 days", pct],
  ["step1_response_rate", "Step 1 response", pct],
  ["revenue_reminder_cents", "Revenue brought by reminders", (v) => dollars(v)],
  ["revenue_organic_cents", "Organic revenue", (v) => dollars(v)],
  ["lapsed_clients", "Lapsed clients", String],
  ["reactivated_clients", "Reactivated clients", String],
];
function Reports() {
  const list = useApi("/v1/analytics/reports?limit=12");
  const [open, setOpen] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      setOpen((await api("POST", "/v1/analytics/reports", {})).id);
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const show = (v, format) => (v === null || v === undefined ? "–" : format(v));
  const reports = list.data ? list.data.data : [];
  const r = reports.find((x) => x.id === open) || reports[0];
  return html`<section>
    <h2>Weekly reports</h2>
    <p class="muted">Made every Monday for the week before, and emailed to the practice's report address.</p>
    <p><button type="button" onClick=${make} disabled=${busy}>Make last week's report now</button></p>
    <${ErrorText} error=${error || list.error} />
    ${reports.length ? html`<div class="row">
      <div>
        <label for="r-pick">Week</label>
        <select id="r-pick" value=${r.id} onChange=${(e) => setOpen(e.target.value)}>
          ${reports.map((x) => html`<option value=${x.id}>${x.week.from} to ${x.week.to}${x.alarm ? " (alarm)" : ""}</option>`)}
        </select>
      </div>
    </div>
    ${r.alarm ? html`<p class="error" id="report-alarm">${r.alarm}</p>` : null}
    <table id="report">
      <thead><tr><th></th><th>${r.week.from} to ${r.week.to}</th><th>Week before</th><th>Change</th></tr></thead>
      <tbody>${REPORT_FIGURES.map(([k, label, format]) => html`<tr data-figure=${k}>
        <th>${label}</th><td>${show(r.figures[k], format)}</td><td>${show(r.previous[k], format)}</td>
        <td>${r.changes[k] === undefined ? "–" : (r.changes[k] > 0 ? "+" : "") + format(r.changes[k])}</td></tr>`)}
        <tr><th>Loyalty members (active)</th><td>${r.loyalty.members} (${r.loyalty.active_members})</td><td></td><td></td></tr>
      </tbody>
    </table>
    <p class="muted">Email: ${r.email.state}${r.email.sent_at ? " " + when(r.email.sent_at) : ""}${r.email.error ? " · " + r.email.error : ""}</p>`
    : list.data ? html`<p class="muted">No report yet.</p>` : null}
  </section>`;
}

// The cadence library: when each treatment type's reminders go out, and the names a PMS may use for it.
const offsetText = (o) => (o.days ? `${o.days} days` : `${o.months} months`);
function readOffset(text) {
  const m = /^\s*(\d+)\s*(d|day|days|m|mo|month|months)?\s*$/i.exec(text);
  if (!m) return null;
  return /^m/i.test(m[2] || "") ? { months: Number(m[1]) } : { days: Number(m[1]) };
}
function Library() {
  const list = useApi("/v1/treatment-types");
  const [chosen, setChosen] = useState(null);
  const f = useForm({});
  const [saved, setSaved] = useState(null);
  const pick = (code) => {
    const t = list.data.data.find((x) => x.code === code);
    setChosen(t);
    setSaved(null);
    if (!t) return;
    const v = { name: t.name, typical_duration: t.typical_duration, window_days: String(t.window_days),
                lapse: offsetText(t.lapse), aliases: t.aliases.join(", ") };
    t.steps.forEach((st, i) => { v["step" + i] = offsetText(st.offset); v["channel" + i] = st.channel || "preferred"; });
    f.setValues(v);
  };
  const save = f.submit(async (v) => {
    const { code, updated_at, ...body } = chosen;
    body.name = v.name;
    body.typical_duration = v.typical_duration;
    body.window_days = Number(v.window_days);
    body.aliases = v.aliases.split(",").map((a) => a.trim()).filter(Boolean);
    const offset = (text, field) => {
      const o = readOffset(text);
      if (!o) throw new ApiError(422, { error: { message: `'${field}' must be a number of days or months ("70 days", "6 months")`,
                                                 details: { field } } });
      return o;
    };
    body.lapse = offset(v.lapse, "lapse");
    body.steps = chosen.steps.map((st, i) => ({ ...st, offset: offset(v["step" + i], `steps[${i}].offset`), channel: v["channel" + i] }));
    const t = await api("PUT", `/v1/treatment-types/${code}`, body);
    setChosen(t);
    setSaved("Saved: visits recorded from now on follow it.");
    list.reload();
  });
  const types = list.data ? list.data.data : [];
  const stepFields = chosen ? chosen.steps.flatMap((_, i) => [`steps[${i}].offset`, `steps[${i}].channel`]) : [];
  const fields = ["name", "typical_duration", "window_days", "lapse", "aliases", "steps", ...stepFields];
  return html`<section>
    <h2>Cadence library</h2>
    <${ErrorText} error=${list.error} />
    <table id="library">
      <thead><tr><th>Type</th><th>Lasts</th><th>On time within</th><th>Reminders after the visit</th><th>Lapsed after</th></tr></thead>
      <tbody>${types.map((t) => html`<tr>
        <td><a href="#/library" onClick=${(e) => { e.preventDefault(); pick(t.code); }} data-code=${t.code}>${t.name}</a></td>
        <td>${t.typical_duration}</td><td>${t.window_days} days</td>
        <td>${t.steps.map((st) => offsetText(st.offset)).join(", ")}</td><td>${offsetText(t.lapse)}</td></tr>`)}</tbody>
    </table>
    ${chosen ? html`<h3>${chosen.name} (${chosen.code})</h3>
    <form onSubmit=${save}>
      <div class="row">
        <${Field} label="Name" name="name" error=${f.error}><input required ...${f.bind("name")} /><//>
        <${Field} label="Lasts" name="typical_duration" error=${f.error}><input required ...${f.bind("typical_duration")} /><//>
        <${Field} label="On time within (days)" name="window_days" error=${f.error}><input inputmode="numeric" required ...${f.bind("window_days")} /><//>
      </div>
      <div class="row">
        ${chosen.steps.map((_, i) => html`<div>
          <label for=${"f-step" + i}>Reminder ${i + 1} after</label>
          <input ...${f.bind("step" + i)} aria-invalid=${f.error && f.error.field === `steps[${i}].offset` ? "true" : undefined} />
          <${ErrorText} error=${f.error} field=${`steps[${i}].offset`} />
          <select aria-label=${`Reminder ${i + 1} channel`} ...${f.bind("channel" + i)}>
            ${["preferred", "alternate", "sms", "email"].map((c) => html`<option value=${c}>${c}</option>`)}
          </select>
          <${ErrorText} error=${f.error} field=${`steps[${i}].channel`} />
        </div>`)}
        <${Field} label="Lapsed after" name="lapse" error=${f.error}><input required ...${f.bind("lapse")} /><//>
      </div>
      <${Field} label="Other names a PMS uses (comma separated)" name="aliases" error=${f.error}><input ...${f.bind("aliases")} /><//>
      <${ErrorText} error=${f.error && f.error.field === "steps" ? f.error : null} />
      <${ErrorText} error=${formLevel(f.error, fields)} />
      <p><button type="submit" disabled=${f.busy}>Save</button> <span class="notice" role="status" id="library-saved">${saved}</span></p>
    </form>` : html`<p class="muted">Choose a type to change its reminders.</p>`}
  </section>`;
}

// The loyalty program's main settings, and what a member would earn and cost in a year.
const PROGRAM_NUMBERS = [
  ["earn_per_dollar", "Points per dollar"],
  ["point_value_cents", "A point is worth (cents)"],
  ["welcome_bonus", "Welcome bonus (points)"],
  ["redemption_cap_percent", "Points may pay up to (% of a ticket)"],
  ["expiry_months", "Points expire after (months)"],
];
function LoyaltyProgram() {
  const program = useApi("/v1/loyalty/program");
  const f = useForm(null);
  const [saved, setSaved] = useState(null);
  useEffect(() => {
    if (program.data && !f.values)
      f.setValues(Object.fromEntries(PROGRAM_NUMBERS.map(([k]) => [k, String(program.data[k])])));
  }, [program.data]);
  const save = f.submit(async (v) => {
    const body = { ...program.data };
    for (const [k] of PROGRAM_NUMBERS) { // what is not a number goes as typed, for the API to name the field
      const n = Number(v[k]);
      body[k] = v[k].trim() !== "" && Number.isFinite(n) ? n : v[k];
    }
    await api("PUT", "/v1/loyalty/program", body);
    setSaved("Saved: it applies to visits from now on; points already given stay.");
    program.reload();
  });
  return html`<section>
      <h2>Loyalty program</h2>
      <${ErrorText} error=${program.error} />
      ${f.values ? html`<form onSubmit=${save}>
        <div class="row">${PROGRAM_NUMBERS.map(([k, label]) => html`<${Field} label=${label} name=${k} error=${f.error}>
          <input inputmode="decimal" required ...${f.bind(k)} /><//>`)}</div>
        <h3>Tiers</h3>
        <table id="tiers">
          <thead><tr><th>Tier</th><th>From visits a year</th><th>or spend a year</th><th>Points multiplier</th></tr></thead>
          <tbody>${program.data.tiers.map((t) => html`<tr><td>${t.name}</td><td>${t.min_visits}</td><td>${dollars(t.min_spend_cents)}</td><td>×${t.multiplier}</td></tr>`)}</tbody>
        </table>
        <${ErrorText} error=${formLevel(f.error, PROGRAM_NUMBERS.map(([k]) => k))} />
        <p><button type="submit" disabled=${f.busy}>Save</button> <span class="notice" role="status" id="program-saved">${saved}</span></p>
      </form>` : null}
    </section>
    <${Calculator} version=${program.data} />`;
}

function Calculator({ version }) {
  const f = useForm({ visits_per_year: "4", average_ticket_cents: "450" }); // the ticket is entered in dollars
  const [year, setYear] = useState(null);
  const run = f.submit(async (v) => {
    const q = new URLSearchParams({ visits_per_year: v.visits_per_year.trim(),
                                    average_ticket_cents: String(Math.round(Number(v.average_ticket_cents.replace(/[$,]/g, "")) * 100)) });
    setYear(await api("GET", "/v1/loyalty/calculator?" + q));
  });
  useEffect(() => setYear(null), [version]);
  return html`<section>
    <h2>What a member earns</h2>
    <form onSubmit=${run}>
      <div class="row">
        <${Field} label="Visits a year" name="visits_per_year" error=${f.error}><input inputmode="numeric" required ...${f.bind("visits_per_year")} /><//>
        <${Field} label="Average ticket ($)" name="average_ticket_cents" error=${f.error}><input inputmode="decimal" required ...${f.bind("average_ticket_cents")} /><//>
        <div><button type="submit" class="secondary" disabled=${f.busy}>Calculate</button></div>
      </div>
      <${ErrorText} error=${formLevel(f.error, ["visits_per_year", "average_ticket_cents"])} />
    </form>
    ${year ? html`<p id="calculator">At ${year.tier}: <strong>${year.points_per_year} points</strong> a year, worth ${dollars(year.value_cents_per_year)}
      (${year.percent_back}% back). The program costs ${year.program_cost_share_percent}% of this member's spend
      ${year.within_target ? html`<span class="notice">(within the 5-8% target)</span>` : html`<span class="error">(outside the 5-8% target)</span>`}.</p>` : null}
  </section>`;
}

// ------------------------------------------------- outreach, messages in doubt

function Outreach() {
  const list = useApi("/v1/outreach");
  return html`<section>
    <h2>Outreach</h2>
    <p class="muted">Clients to call: open flags and replies that want a person.</p>
    <${ErrorText} error=${list.error} />
    <ul>
      ${(list.data ? list.data.data : []).map((o) => html`<li>
        <a href=${"#/clients/" + o.client.id}>${name(o.client)}</a>
        ${o.flags.map((fl) => html` <span class="pill">${fl.kind}</span>`)}
        ${o.reply ? html` <span class="muted">wrote: ${o.reply.body}</span>` : null}
      </li>`)}
    </ul>
    ${list.data && list.data.data.length === 0 ? html`<p class="muted">No one to call.</p>` : null}
  </section>`;
}

function InDoubt() {
  const list = useApi("/v1/messages?state=unknown");
  return html`<section>
    <h2>Messages in doubt</h2>
    <p class="muted">The provider's answer was lost: check them in Twilio or SendGrid. Cadence never resends them.</p>
    <${ErrorText} error=${list.error} />
    <table>
      <thead><tr><th>Created</th><th>Channel</th><th>To</th><th>Provider id</th></tr></thead>
      <tbody>${(list.data ? list.data.data : []).map((m) => html`<tr>
        <td>${when(m.created_at)}</td><td>${m.channel}</td><td>${m.to}</td><td>${m.provider_id || "none"}</td></tr>`)}</tbody>
    </table>
  </section>`;
}

// ------------------------------------------------------------- the shell

const PAGES = [
  ["clients", "Clients"],
  ["inbox", "Inbox"],
  ["outreach", "Outreach"],
  ["doubt", "In doubt"],
  ["dashboard", "Dashboard"],
  ["reports", "Reports"],
  ["library", "Library"],
  ["templates", "Templates"],
  ["loyalty", "Loyalty"],
];

function useRoute() {
  const [hash, setHash] = useState(location.hash || "#/clients");
  useEffect(() => {
    const on = () => setHash(location.hash || "#/clients");
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash.slice(2).split("/");
}

function App() {
  const [session, setSession] = useState(null);
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    if (!sessionStorage.getItem(KEY)) return setChecked(true);
    api("GET", "/v1/session").then(setSession, () => sessionStorage.removeItem(KEY)).finally(() => setChecked(true));
  }, []);
  const [page, id] = useRoute();
  if (!checked) return html`<p class="loading">Loading…</p>`;
  if (!session) return html`<${SignIn} onSignedIn=${setSession} />`;
  const signOut = () => {
    sessionStorage.removeItem(KEY);
    setSession(null);
  };
  if (session.role === "admin")
    return html`<header><h1>Cadence</h1><span class="who">admin</span>
        <button class="secondary" onClick=${signOut}>Sign out</button></header>
      <main><${Setup} onSignedIn=${(s) => { location.hash = "#/clients"; setSession(s); }} /></main>`;
  const body =
    page === "clients" && id ? html`<${Client} id=${id} />`
    : page === "inbox" && id ? html`<${Conversation} id=${id} />`
    : page === "inbox" ? html`<${Inbox} />`
    : page === "outreach" ? html`<${Outreach} />`
    : page === "doubt" ? html`<${InDoubt} />`
    : page === "dashboard" ? html`<${Dashboard} />`
    : page === "templates" ? html`<${Templates} />`
    : page === "reports" ? html`<${Reports} />`
    : page === "library" ? html`<${Library} />`
    : page === "loyalty" ? html`<${LoyaltyProgram} />`
    : html`<${Clients} />`;
  return html`<header>
      <h1>Cadence</h1>
      <nav aria-label="Pages">${PAGES.map(([p, label]) => html`<a href=${"#/" + p} aria-current=${page === p ? "page" : undefined}>${label}</a>`)}</nav>
      <span class="who">${session.practice.name} · ${session.role}</span>
      <button class="secondary" onClick=${signOut}>Sign out</button>
    </header>
    <main>${body}</main>`;
}

render(html`<${App} />`, document.getElementById("app"));
