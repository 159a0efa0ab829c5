// The voting pages: one step at a time in the element #ovote-vote, whose data
// attributes configure it (data-slug, data-api, data-csrf, data-lang,
// data-board: a link template with {slug} and {code}). Every answer of the
// server is checked before it is used; a failed check stops the vote.
import { renderSVG } from "uqr";
import {
  OvoteError, auditDocument, buildBallot, checkBoardEntry, checkDefinition, finishToken, fromHex, groupedTrackingCode,
  importUnitKey, newKit, openAudit, parseKit, requestToken, serializeKit, shortTrackingCode,
  verifyReceipt, votingSecret,
} from "../crypto/index.js";
import { ApiError, api } from "./api.js";
import { label, translator } from "./messages.js";

const root = document.getElementById("ovote-vote");
const params = new URLSearchParams(location.search);
const config = {
  slug: root.dataset.slug || params.get("election"),
  api: root.dataset.api || "/api/v1",
  csrf: root.dataset.csrf || document.querySelector('meta[name="csrf-token"]')?.content,
  lang: root.dataset.lang || params.get("lang") || document.documentElement.lang || "en",
  board: root.dataset.board || "/api/v1/elections/{slug}/board/{code}",
};
const t = translator(config.lang);
const server = api(config.api, config.slug, config.csrf);
const state = { ctx: null, election: null, kit: null, choices: {}, built: null, unit: null };
const storageKey = () => `ovote-kit:${config.slug}`;

// --- DOM helpers -----------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined) el.append(child);
  return el;
}
const button = (text, onclick, cls = "btn btn-primary") => h("button", { type: "button", class: `${cls} me-2 mb-2`, on: { click: onclick } }, text);

/** Replace the page with one step; its heading takes the focus (screen readers announce it). */
function show(heading, ...body) {
  const title = h("h1", { class: "h3", tabindex: "-1", id: "step-heading" }, heading);
  root.replaceChildren(title, ...body.filter((part) => part !== null && part !== undefined));
  document.title = `${heading} – ${t("title")}`;
  title.focus();
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// --- errors ------------------------------------------------------------------
const STOPPING = new Set(["bad_fingerprint", "bad_definition", "bad_receipt", "bad_token", "kit_other"]);

function messageOf(error) {
  const detail = error.message;
  if (error instanceof ApiError) {
    if (error.status === 401) return t("err_login");
    const key = `err_${error.code}`;
    const text = t(key, { detail });
    return text === key ? t("err_other", { detail: error.code }) : text;
  }
  if (error instanceof OvoteError) {
    const text = t(`err_${error.code}`, { detail });
    return text === `err_${error.code}` ? t("err_other", { detail: `${error.code}: ${detail}` }) : text;
  }
  return t("err_other", { detail: String(error?.message ?? error) });
}

/** Show an error; checks that fail stop the vote, others offer a way on. */
function failed(error, retry = null, retryText = t("retry")) {
  const stop = STOPPING.has(error?.code);
  const box = h("div", { class: `alert ${stop ? "alert-danger" : "alert-warning"}`, role: "alert", id: "vote-error" }, messageOf(error));
  show(t("stop"), box, !stop && retry ? button(retryText, retry) : null);
}

async function guarded(step, retry) {
  try {
    await step();
  } catch (error) {
    failed(error, retry);
  }
}

// --- the kit in storage -------------------------------------------------------
function loadKit() {
  const text = localStorage.getItem(storageKey());
  if (!text) return null;
  try {
    return parseKit(text);
  } catch {
    return null;
  }
}
function saveKit() {
  localStorage.setItem(storageKey(), serializeKit(state.kit));
}

// --- steps ----------------------------------------------------------------------
async function start() {
  show(t("loading"), h("p", { class: "text-body-secondary" }, t("loading")));
  await guarded(async () => {
    const election = await server.election();
    state.kit = loadKit();
    // The kit pins the election a voter already voted in: a changed definition
    // under the same name is refused, whatever fingerprint the server claims.
    if (state.kit && state.kit.election !== election.fingerprint) throw new OvoteError("kit_other", "");
    state.ctx = checkDefinition(election.definition, { fingerprint: state.kit?.election ?? election.fingerprint });
    state.election = election;
    checked();
  }, start);
}

function checked() {
  const { ctx, kit, election } = state;
  const body = [
    h("p", {}, label(ctx.manifest.title, config.lang)),
    h("p", {}, t("check_p"), " ", h("code", { id: "fingerprint" }, shortTrackingCode(ctx.fingerprintHex, 8))),
  ];
  if (kit?.receipts.length) {
    body.push(h("div", { class: "alert alert-info", id: "revote-notice" }, h("h2", { class: "h5" }, t("revote_h")), h("p", {}, t("revote_p")),
      h("ul", {}, kit.receipts.map((r) => h("li", {}, h("code", { class: "text-reset" }, shortTrackingCode(r.tracking_code)), ` — ${r.received_at}`)))));
  }
  if (election.state !== "open") body.push(h("div", { class: "alert alert-warning", role: "alert" }, t("not_open")));
  else body.push(button(t("continue"), keyStep));
  show(t("check_h"), ...body);
}

function keyStep() {
  const { kit } = state;
  const fileInput = h("input", { type: "file", accept: "application/json,.json", class: "form-control mb-3", id: "kit-file", "aria-label": t("kit_use"),
    on: { change: (e) => useKitFile(e.target.files[0]) } });
  if (kit?.token) {
    show(t("kit_h"), h("p", {}, t("kit_have")), h("p", {}, t("kit_save_p")),
      button(t("kit_save"), () => download(`ovote-kit-${config.slug}.json`, serializeKit(kit)), "btn btn-outline-secondary"),
      button(t("continue"), () => contestStep(0)));
    return;
  }
  show(t("kit_h"), h("p", {}, t("kit_new")), button(t("kit_get"), getToken),
    h("h2", { class: "h5 mt-4" }, t("kit_use")), fileInput);
}

async function useKitFile(file) {
  await guarded(async () => {
    state.kit = parseKit(await file.text(), { fingerprintHex: state.ctx.fingerprintHex });
    saveKit();
    state.kit.token ? keyStep() : getToken();
  }, keyStep);
}

async function getToken() {
  show(t("kit_h"), h("p", { role: "status" }, t("kit_working")));
  await guarded(async () => {
    const { ctx } = state;
    if (!state.kit?.token_request) {
      const eligibility = await server.eligibility();
      if (!eligibility.eligible) throw new ApiError("not_eligible", eligibility.reason ?? "", 403);
      // A token made on another device can only be used through that device's kit.
      if (eligibility.token_issued) throw new ApiError("token_already_issued", "", 409);
      state.kit = newKit({ slug: config.slug, fingerprintHex: ctx.fingerprintHex });
      state.kit.unit = eligibility.unit;
      const unit = ctx.units.get(eligibility.unit);
      if (!unit) throw new OvoteError("bad_definition", `unit ${eligibility.unit}`);
      // Kept before sending: a retry after a lost answer sends the same blinded message.
      state.kit.token_request = await requestToken(await importUnitKey(unit), ctx.fingerprint, fromHex(state.kit.voting_key));
      saveKit();
    }
    const answer = await server.token(state.kit.token_request.blinded_msg);
    if (answer.unit !== state.kit.unit) throw new OvoteError("bad_token", "unit");
    const unitKey = await importUnitKey(ctx.units.get(state.kit.unit));
    state.kit.token = await finishToken(unitKey, state.kit.token_request, answer.blind_sig);
    state.kit.token_request = null;
    saveKit();
    keyStep();
  }, keyStep);
}

const styleContests = () => state.ctx.units.get(state.kit.unit).ballot_style.contests;

function hint({ min, max }) {
  if (min === max) return min === 1 ? t("choose_hint_1") : t("choose_hint_n", { n: min });
  if (min === 0) return max === 1 ? t("choose_hint_0_1") : t("choose_hint_0_n", { n: max });
  return t("choose_hint_range", { min, max });
}

function contestStep(i) {
  const contests = styleContests();
  const contest = contests[i];
  const manifest = state.ctx.contests.get(contest.id);
  const chosen = new Set(state.choices[contest.id] ?? []);
  const single = contest.max === 1;
  const name = `contest-${i}`;
  const hintId = `${name}-hint`;
  const errorBox = h("div", { class: "text-danger fw-bold mb-2", id: `${name}-error`, role: "alert" });
  const inputs = contest.options.map((option, k) => {
    const id = `${name}-option-${k}`;
    const optionLabel = label(manifest.options.find((o) => o.id === option).labels, config.lang);
    return h("div", { class: "form-check mb-2" },
      h("input", { class: "form-check-input", type: single ? "radio" : "checkbox", name, id, value: option, checked: chosen.has(option) }),
      h("label", { class: "form-check-label", for: id }, optionLabel));
  });
  if (single && contest.min === 0) {
    inputs.push(h("div", { class: "form-check mb-2 mt-3" },
      h("input", { class: "form-check-input", type: "radio", name, id: `${name}-blank`, value: "", checked: state.choices[contest.id]?.length === 0 }),
      h("label", { class: "form-check-label", for: `${name}-blank` }, t("blank"))));
  }
  const fieldset = h("fieldset", { "aria-describedby": hintId },
    h("legend", { class: "h5" }, label(manifest.labels, config.lang)),
    h("p", { id: hintId, class: "text-body-secondary" }, hint(contest)), errorBox, inputs);
  const next = () => {
    const picked = [...fieldset.querySelectorAll("input:checked")].map((x) => x.value).filter(Boolean);
    if (picked.length < contest.min || picked.length > contest.max) {
      errorBox.textContent = hint(contest);
      fieldset.querySelector("input").focus();
      return;
    }
    state.choices[contest.id] = picked;
    i + 1 < contests.length ? contestStep(i + 1) : review();
  };
  show(t("step", { i: i + 1, n: contests.length }), fieldset,
    h("div", { class: "mt-3" }, button(t("continue"), next), button(t("back"), () => (i ? contestStep(i - 1) : keyStep()), "btn btn-outline-secondary")));
}

function chosenLabels(contest, picked) {
  const manifest = state.ctx.contests.get(contest.id);
  return picked.length ? picked.map((o) => label(manifest.options.find((x) => x.id === o).labels, config.lang)).join(", ") : t("blank_word");
}

function review() {
  const contests = styleContests();
  const list = h("dl", { id: "review" }, contests.map((contest, i) => [
    h("dt", {}, label(state.ctx.contests.get(contest.id).labels, config.lang)),
    h("dd", {}, chosenLabels(contest, state.choices[contest.id]), " ",
      h("button", { type: "button", class: "btn btn-link p-0 align-baseline", on: { click: () => contestStep(i) } }, t("change"))),
  ]));
  show(t("review_h"), list, button(t("encrypt"), encryptStep));
}

async function encryptStep() {
  show(t("encrypted_h"), h("p", { role: "status" }, t("encrypting")));
  // Let the status paint before the work.
  await new Promise((resolve) => setTimeout(resolve, 30));
  await guarded(async () => {
    const { ctx, kit } = state;
    const unit = ctx.units.get(kit.unit);
    state.built = buildBallot({
      fingerprint: ctx.fingerprint, unitId: unit.id, ballotStyle: unit.ballot_style, jointKey: ctx.jointKey,
      votingSecret: votingSecret(kit), token: kit.token, choices: state.choices,
    });
    encrypted();
  }, review);
}

function trackingBlock(code) {
  return h("p", {}, t("tracking"), " ", h("code", { class: "fs-5", id: "tracking-code" }, shortTrackingCode(code)));
}

function encrypted() {
  show(t("encrypted_h"),
    h("div", { class: "alert alert-danger fw-bold", role: "alert", id: "not-cast" }, t("not_cast"), h("br"), h("span", { class: "fw-normal" }, t("not_cast_p"))),
    trackingBlock(state.built.trackingCode),
    button(t("cast"), castStep),
    button(t("audit"), auditStep, "btn btn-outline-secondary"),
    h("p", { class: "text-body-secondary mt-2" }, t("audit_p")));
}

function auditStep() {
  const { ballot, nonces } = state.built;
  const doc = auditDocument(state.ctx, ballot, nonces);
  state.built = null; // an audited ballot is never cast
  guarded(async () => {
    const opened = openAudit(doc, state.ctx);
    const contests = styleContests();
    const list = h("dl", { id: "audit-result" }, opened.contests.map((c, i) => [
      h("dt", {}, label(state.ctx.contests.get(c.id).labels, config.lang)),
      h("dd", {}, chosenLabels(contests[i], c.chosen)),
    ]));
    show(t("audit_h"), trackingBlock(opened.trackingCode), list,
      h("div", { class: "alert alert-info" }, t("audit_note")),
      button(t("audit_download"), () => download(`ovote-audit-${opened.trackingCode.slice(0, 8)}.json`, JSON.stringify(doc, null, 1)), "btn btn-outline-secondary"),
      button(t("again"), review));
  }, review);
}

async function castStep() {
  show(t("encrypted_h"), h("div", { class: "alert alert-danger fw-bold", id: "not-cast" }, t("not_cast")), h("p", { role: "status" }, t("casting")));
  const { ballot, trackingCode } = state.built;
  try {
    const { receipt } = await server.cast(ballot);
    verifyReceipt(receipt, state.ctx, trackingCode);
    state.kit.receipts.push(receipt);
    saveKit();
    receiptStep(receipt);
    lookUp(receipt, ballot);
  } catch (error) {
    if (error instanceof ApiError && error.code === "network") failed({ code: "network_cast", message: "" }, castStep, t("resend"));
    else failed(error, error instanceof ApiError && error.status >= 500 ? castStep : null, t("resend"));
  }
}

/** Find the cast ballot on the bulletin board and say whether it is there as receipted. */
async function lookUp(receipt, ballot) {
  const line = h("p", { id: "board-check", role: "status" }, t("board_checking"));
  document.getElementById("receipt-code")?.parentElement.after(line);
  try {
    checkBoardEntry(await server.board(receipt.tracking_code), receipt, ballot);
    line.textContent = t("board_found");
    line.className = "text-success fw-bold";
  } catch (error) {
    line.textContent = error instanceof ApiError && error.code === "network" ? t("board_later") : messageOf(error);
    line.className = error instanceof ApiError && error.code === "network" ? "text-body-secondary" : "alert alert-danger";
  }
}

function receiptStep(receipt) {
  const code = receipt.tracking_code;
  const link = new URL(config.board.replace("{slug}", encodeURIComponent(config.slug)).replace("{code}", code), location.href).href;
  const qr = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(renderSVG(link, { border: 2 }));
  state.built = null;
  show(t("receipt_h"),
    h("p", {}, t("receipt_p")),
    h("p", {}, t("tracking")),
    h("p", {}, h("code", { class: "fs-5 text-break", id: "receipt-code" }, groupedTrackingCode(code))),
    h("p", {}, t("received", { at: receipt.received_at, seq: receipt.seq })),
    h("img", { src: qr, alt: t("board_link"), width: "200", height: "200", id: "receipt-qr" }),
    h("p", {}, h("a", { href: link }, t("board_link"))),
    button(t("receipt_download"), () => download(`ovote-receipt-${code.slice(0, 8)}.json`, JSON.stringify(receipt, null, 1)), "btn btn-outline-secondary"),
    button(t("kit_save"), () => download(`ovote-kit-${config.slug}.json`, serializeKit(state.kit)), "btn btn-outline-secondary"),
    h("p", { class: "mt-3" }, t("vote_again_p")),
    button(t("vote_again"), () => contestStep(0)));
}

if (root && config.slug) start();
