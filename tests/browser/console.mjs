// The console in a real browser (Debian's Chromium, driven by puppeteer-core): the front desk's day-70
// flow from the admin key on, and the error conventions, with a screenshot of each page. Reads BASE,
// ADMIN_KEY, TZ_ID (the practice's zone) and SHOTS from the
// environment; prints one JSON line {steps, shots, console_errors, csp_violations}; exits 1 on a failed step.
import puppeteer from "puppeteer-core";
import fs from "node:fs";

const { BASE, ADMIN_KEY, TZ_ID, SHOTS } = process.env;
const out = { steps: [], shots: [], console_errors: [], refused_requests: [], csp_violations: [] };
fs.mkdirSync(SHOTS, { recursive: true });

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--no-first-run"],
});
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 900 });
await page.emulateTimezone(TZ_ID);
// The browser logs every 4xx as an error: the ones the steps provoke (a wrong key, a bad price) are kept
// apart, by status, for the test to check; anything else is a console error.
page.on("console", (m) => {
  if (m.type() !== "error") return;
  const refused = /^Failed to load resource: the server responded with a status of (401|422) /.exec(m.text());
  (refused ? out.refused_requests : out.console_errors).push(refused ? Number(refused[1]) : m.text());
});
page.on("pageerror", (e) => out.console_errors.push(String(e)));
await page.evaluateOnNewDocument(() => {
  window.__csp = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
});

async function shot(name) {
  const file = `${SHOTS}/${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  out.shots.push(file);
}
async function step(name, fn) {
  try {
    await fn();
    out.steps.push({ name, ok: true });
  } catch (e) {
    out.steps.push({ name, ok: false, error: String(e).slice(0, 400) });
    await shot("failed-" + name.replace(/\W+/g, "-")).catch(() => {});
    throw e;
  }
}
const text = (sel) => page.$eval(sel, (e) => e.textContent);
async function setValue(sel, value) {
  await page.$eval(sel, (e, v) => {
    e.value = v;
    e.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}
const offsetOf = (o) => (o.days ? `${o.days} days` : `${o.months} months`);
async function collectCsp() {
  out.csp_violations.push(...(await page.evaluate(() => window.__csp || [])));
}

let failed = false;
let staffKey = null;
// What the console does not manage yet (injectors and their hours) is set up through the API, as a
// practice's other tools would.
async function apiAs(key, method, path, body) {
  const r = await fetch(BASE + path, { method, headers: { Authorization: "Bearer " + key, "Content-Type": "application/json" },
                                       body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}
try {
  await step("a wrong key is refused next to its field", async () => {
    await page.goto(BASE + "/app", { waitUntil: "networkidle0" });
    await page.waitForSelector("#f-key");
    await page.type("#f-key", "cad_wrong_key");
    await page.click("button[type=submit]");
    await page.waitForSelector("#err-key");
    if (!/key/i.test(await text("#err-key"))) throw new Error("no error next to the key: " + (await text("#err-key")));
    await shot("sign-in");
  });
  await step("the admin key sets up a practice and the console continues as its front desk", async () => {
    await setValue("#f-key", ADMIN_KEY);
    await page.click("button[type=submit]");
    await page.waitForSelector("#f-name");
    await setValue("#f-name", "Glow Med Spa");
    await setValue("#f-time_zone", "Mars/Olympus");
    await page.click("form button[type=submit]");
    await page.waitForSelector("#err-time_zone");
    await setValue("#f-time_zone", TZ_ID);
    await setValue("#f-sms_from", "+15550001111");
    await shot("setup");
    await page.click("form button[type=submit]");
    await page.waitForSelector("#staff-key");
    staffKey = (await text("#staff-key")).trim();
    await page.click("main button");
    await page.waitForFunction(() => document.querySelector("header .who").textContent.includes("staff"));
    const who = await text("header .who");
    if (!who.includes("Glow Med Spa") || !who.includes("staff")) throw new Error("header: " + who);
    const stored = await page.evaluate(() => sessionStorage.getItem("cadence.key"));
    if (stored !== staffKey || page.url().includes(staffKey)) throw new Error("the staff key belongs in sessionStorage only");
  });
  await step("add the client, a bad phone refused under its field", async () => {
    await page.waitForSelector("#f-first_name");
    await setValue("#f-first_name", "Ana");
    await setValue("#f-phone", "555-1234");
    await page.click("section:last-of-type form button[type=submit]");
    await page.waitForSelector("#err-phone");
    await setValue("#f-phone", "+15551234567");
    await page.click("section:last-of-type form button[type=submit]");
    await page.waitForSelector("#f-type");
    await page.goto(BASE + "/app#/clients", { waitUntil: "networkidle0" });
  });
  await step("find the client by name", async () => {
    await page.waitForSelector("#client-search");
    await page.type("#client-search", "Ana");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => [...document.querySelectorAll("td a")].some((a) => a.textContent.includes("Ana")));
    await shot("clients");
    await page.$$eval("td a", (as) => as.find((a) => a.textContent.includes("Ana")).click());
    await page.waitForSelector("#f-type");
  });
  await step("a price below zero is refused under the price", async () => {
    await setValue("#f-type", "Botox");
    await setValue("#f-price", "-5");
    await page.click("form button[type=submit]");
    await page.waitForSelector('[id="err-items[0].price_cents"]');
  });
  await step("record a Botox visit back-dated 70 days", async () => {
    const date = await page.evaluate(() => {
      const t = new Date();
      t.setDate(t.getDate() - 70);
      return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, "0")}-${String(t.getDate()).padStart(2, "0")}`;
    });
    await setValue("#f-date", date);
    await setValue("#f-price", "350");
    await setValue("#f-units", "20");
    await page.click("form button[type=submit]");
    await page.waitForFunction(() => document.querySelector("[role=status]").textContent.includes("Recorded"));
  });
  await step("the day-70 reminder shows as sent on the timeline", async () => {
    for (let i = 0; i < 40; i++) {
      const sent = await page.evaluate(() => [...document.querySelectorAll("#timeline li")].some(
        (li) => li.textContent.includes("refill_1") && li.querySelector(".pill.sent")));
      if (sent) break;
      await new Promise((r) => setTimeout(r, 500));
      await page.reload({ waitUntil: "networkidle0" });
      await page.waitForSelector("#timeline");
    }
    const ok = await page.evaluate(() => [...document.querySelectorAll("#timeline li")].some(
      (li) => li.textContent.includes("refill_1") && li.querySelector(".pill.sent")));
    if (!ok) throw new Error("no sent refill_1 on the timeline: " + (await text("#timeline")));
    const loyalty = await text("#loyalty");
    if (!/\d+ points/.test(loyalty)) throw new Error("loyalty: " + loyalty);
    await shot("client");
    await collectCsp();
  });
  await step("book the injector's first open time from the slot picker", async () => {
    const inj = await apiAs(staffKey, "POST", "/v1/injectors", { name: "Dr. Rivera" });
    const hours = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => ({ weekday: d, start: "09:00", end: "17:00" }));
    await apiAs(staffKey, "PUT", `/v1/injectors/${inj.id}/schedule`, { buffer_minutes: 0, hours, days_off: [] });
    await page.reload({ waitUntil: "networkidle0" });
    await page.waitForSelector("#slots button");
    const first = await page.$eval("#slots button", (b) => b.dataset.startsAt);
    await page.click("#slots button");
    await page.waitForFunction(() => document.querySelector("#booked").textContent.startsWith("Booked"));
    await page.waitForFunction((t) => ![...document.querySelectorAll("#slots button")].some((b) => b.dataset.startsAt === t),
                               {}, first);
    await page.waitForFunction(() => [...document.querySelectorAll("#timeline li")].some((li) => li.textContent.includes("Booking")));
  });
  await step("redeeming over the cap is refused with the cap shown, then within it", async () => {
    await setValue("#f-ticket_cents", "100");
    await page.waitForFunction(() => /At most \d+ points/.test(document.querySelector("#cap").textContent));
    const cap = Number((await text("#cap")).match(/At most (\d+) points/)[1]);
    await setValue("#f-points", String(cap + 1));
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Redeem").click());
    await page.waitForSelector("#err-points");
    if (!(await text("#err-points")).includes(`at most ${cap} points`)) throw new Error("error: " + (await text("#err-points")));
    await shot("redeem-over-cap");
    await setValue("#f-points", "10");
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Redeem").click());
    await page.waitForFunction(() => document.querySelector("#redeemed").textContent.includes("Redeemed 10 points"));
  });
  await step("a flag is raised, listed open, and resolved from the client page", async () => {
    await setValue("#f-note", "unhappy with the bruising");
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Raise flag").click());
    await page.waitForSelector('#flags li[data-state="open"]');
    if (!(await text("#flags")).includes("unhappy with the bruising")) throw new Error("flags: " + (await text("#flags")));
    await page.$$eval("#flags button", (bs) => bs.find((b) => b.textContent === "Resolve").click());
    await page.waitForSelector('#flags li[data-state="resolved"]');
    if (await page.$('#flags li[data-state="open"]')) throw new Error("a flag is still open");
    await page.$eval("details", (d) => (d.open = true));
    await page.waitForFunction(() => [...document.querySelectorAll("#ledger td")].some((td) => td.textContent === "redeem"));
    await shot("client-flags-ledger");
  });
  await step("the dashboard's charts draw the API's figures", async () => {
    await page.click('nav a[href="#/dashboard"]');
    await page.waitForSelector("#chart-rates rect");
    const from = await page.$eval("#d-from", (e) => e.value), to = await page.$eval("#d-to", (e) => e.value);
    const figures = await (await fetch(`${BASE}/v1/analytics/retention?from=${from}&to=${to}&group_by=month`,
                                       { headers: { Authorization: "Bearer " + staffKey } })).json();
    const drawn = await page.$$eval(".chart rect", (rs) => rs.map((r) => [r.closest("figure").id, r.dataset.series,
                                                                           r.dataset.label, r.dataset.value]));
    const months = figures.rows.filter((r) => r.group !== "all"), all = figures.rows.find((r) => r.group === "all");
    const want = [];
    for (const [chart, keys] of [["chart-rates", ["rebook_rate_90d", "on_time_return_rate"]],
                                 ["chart-revenue", ["revenue_reminder_cents", "revenue_organic_cents"]],
                                 ["chart-lapse", ["lapsed_clients", "reactivated_clients"]]])
      for (const r of months) for (const k of keys) want.push([chart, k, r.group, r[k] === null ? "null" : String(r[k])]);
    for (const [label, k] of [["step 1", "step1_response_rate"], ["step 2 + incentive", "step2_incentive_response_rate"],
                              ["step 2", "step2_plain_response_rate"], ["step 3", "step3_response_rate"]])
      want.push(["chart-steps", "response_rate", label, all[k] === null ? "null" : String(all[k])]);
    const key = (x) => x.join("|");
    const got = drawn.map(key).sort(), expected = want.map(key).sort();
    if (!months.length || JSON.stringify(got) !== JSON.stringify(expected))
      throw new Error(`drawn ${got.length} bars, the API has ${expected.length}: ${got.slice(0, 4)} vs ${expected.slice(0, 4)}`);
    if (!(await text("#figures")).includes(`${all.cohort_size}`)) throw new Error("the figures table");
    await shot("dashboard");
    await collectCsp();
  });
  await step("a template speaking of wrinkles is refused by the guard, inline; a plain one is saved", async () => {
    await page.click('nav a[href="#/templates"]');
    await page.waitForSelector("#t-pick option:nth-child(2)");
    const index = await page.$$eval("#t-pick option", (os) => os.findIndex((o) => o.textContent === "default · refill_1 · sms") - 1);
    await page.select("#t-pick", String(index));
    await page.waitForSelector("#f-body");
    await setValue("#f-body", "Hi {{first_name}}, time to smooth those wrinkles again! {{booking_link}}");
    await page.waitForFunction(() => /1 SMS \(GSM-7\)/.test(document.querySelector("#segments").textContent));
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Save").click());
    await page.waitForSelector("#err-body");
    if (!(await text("#err-body")).includes("wrinkle")) throw new Error("guard: " + (await text("#err-body")));
    await shot("template-guard");
    await setValue("#f-body", "Hi {{first_name}}, it is about time for your next {{treatment_name}} ✨ {{booking_link}}");
    await page.waitForFunction(() => /UCS-2/.test(document.querySelector("#segments").textContent));
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Save").click());
    await page.waitForFunction(() => document.querySelector("#template-saved").textContent.startsWith("Saved."));
    await collectCsp();
  });
  await step("last week's report is made and shows the API's figures beside the week before", async () => {
    await page.click('nav a[href="#/reports"]');
    await page.waitForFunction(() => [...document.querySelectorAll("button")].some((b) => b.textContent.startsWith("Make last week")));
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent.startsWith("Make last week")).click());
    await page.waitForSelector("#report");
    const list = await apiAs(staffKey, "GET", "/v1/analytics/reports");
    const r = list.data[0];
    const cells = await page.$$eval("#report tr[data-figure]", (rows) => rows.map((row) => [row.dataset.figure,
      ...[...row.querySelectorAll("td")].map((td) => td.textContent)]));
    const rate = cells.find((c) => c[0] === "on_time_return_rate");
    const shown = (v) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%");
    if (!rate || rate[1] !== shown(r.figures.on_time_return_rate) || rate[2] !== shown(r.previous.on_time_return_rate))
      throw new Error(`report row ${rate} vs API ${r.figures.on_time_return_rate} / ${r.previous.on_time_return_rate}`);
    const lapsed = cells.find((c) => c[0] === "lapsed_clients");
    if (lapsed[1] !== String(r.figures.lapsed_clients)) throw new Error(`lapsed ${lapsed[1]} vs ${r.figures.lapsed_clients}`);
    await shot("reports");
    await collectCsp();
  });
  await step("the library refuses a reminder before the one it follows under its field, then saves an alias", async () => {
    await page.click('nav a[href="#/library"]');
    await page.waitForSelector('#library a[data-code="botox"]');
    await page.click('#library a[data-code="botox"]');
    await page.waitForSelector("#f-step1");
    await setValue("#f-step1", "soon");
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Save").click());
    await page.waitForSelector('[id="err-steps[1].offset"]');
    await setValue("#f-step1", "1 day");
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Save").click());
    await page.waitForFunction(() => /after the step before/.test((document.querySelector('[id="err-steps[1].offset"]') || {}).textContent || ""));
    await shot("library-refused");
    const before = (await apiAs(staffKey, "GET", "/v1/treatment-types")).data.find((t) => t.code === "botox");
    await setValue("#f-step1", offsetOf(before.steps[1].offset));
    await setValue("#f-aliases", [...before.aliases, "Tox Express"].join(", "));
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Save").click());
    await page.waitForFunction(() => document.querySelector("#library-saved").textContent.startsWith("Saved"));
    const after = (await apiAs(staffKey, "GET", "/v1/treatment-types")).data.find((t) => t.code === "botox");
    if (!after.aliases.includes("Tox Express") || JSON.stringify(after.steps) !== JSON.stringify(before.steps))
      throw new Error("saved: " + JSON.stringify(after));
    await collectCsp();
  });
  await step("the loyalty program refuses a cap over 100% under its field; the calculator equals the API's", async () => {
    await page.click('nav a[href="#/loyalty"]');
    await page.waitForSelector("#f-redemption_cap_percent");
    await setValue("#f-redemption_cap_percent", "150");
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Save").click());
    await page.waitForSelector("#err-redemption_cap_percent");
    await setValue("#f-redemption_cap_percent", "25");
    await setValue("#f-earn_per_dollar", "2");
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Save").click());
    await page.waitForFunction(() => document.querySelector("#program-saved").textContent.startsWith("Saved"));
    const program = await apiAs(staffKey, "GET", "/v1/loyalty/program");
    if (program.redemption_cap_percent !== 25 || program.earn_per_dollar !== 2) throw new Error("program: " + JSON.stringify(program));
    await setValue("#f-visits_per_year", "4");
    await setValue("#f-average_ticket_cents", "450");
    await page.$$eval("button", (bs) => bs.find((b) => b.textContent === "Calculate").click());
    await page.waitForSelector("#calculator");
    const year = await apiAs(staffKey, "GET", "/v1/loyalty/calculator?visits_per_year=4&average_ticket_cents=45000");
    const shown = await text("#calculator");
    if (!shown.includes(`${year.points_per_year} points`) || !shown.includes(`${year.program_cost_share_percent}%`))
      throw new Error(`calculator "${shown}" vs ${JSON.stringify(year)}`);
    await shot("loyalty");
    await collectCsp();
  });
  for (const [p, title] of [["inbox", "Inbox"], ["outreach", "Outreach"], ["doubt", "Messages in doubt"]]) {
    await step(`the ${p} page opens`, async () => {
      await page.click(`nav a[href="#/${p}"]`);
      await page.waitForFunction((t) => document.querySelector("main h2") && document.querySelector("main h2").textContent === t, {}, title);
      await new Promise((r) => setTimeout(r, 300));
      await shot(p);
      await collectCsp();
    });
  }
  await step("on a tablet (768 px) every page fits its width", async () => {
    await page.setViewport({ width: 768, height: 1024, isMobile: true, hasTouch: true });
    for (const p of ["clients", "inbox", "dashboard", "reports", "library", "templates", "loyalty"]) {
      await page.goto(`${BASE}/app#/${p}`, { waitUntil: "networkidle0" });
      await page.waitForSelector("main section");
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > 768) throw new Error(`${p} is ${wide} px wide on a 768 px screen`);
    }
    await page.goto(`${BASE}/app#/clients`, { waitUntil: "networkidle0" });
    await shot("tablet-clients");
    await page.setViewport({ width: 1280, height: 900 });
  });
  await step("keyboard: tab reaches the navigation with a visible focus", async () => {
    await page.goto(BASE + "/app#/clients", { waitUntil: "networkidle0" });
    await page.reload({ waitUntil: "networkidle0" });
    await page.waitForSelector("nav a");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
    if (focused !== "A") throw new Error("first Tab lands on " + focused);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    if (outline === "none") throw new Error("no visible focus");
  });
  await step("sign out forgets the key", async () => {
    await page.click("header button");
    await page.waitForSelector("#f-key");
    if (await page.evaluate(() => sessionStorage.getItem("cadence.key"))) throw new Error("key kept");
    await collectCsp();
  });
} catch {
  failed = true;
}
await browser.close();
console.log(JSON.stringify(out));
process.exit(failed ? 1 : 0);
