// The voting pages: one step at a time in the element #ovote-vote of the
// app's voting page (templates/voting/vote.html), whose data attributes
// configure it: data-slug, data-api, data-csrf (the session's token, for the
// token request only), data-lang, data-board (the board page's link for a
// tracking code, with {code}), data-contact, data-account and data-program
// (the page on voting with the ovote program). Its words come from the
// catalogue the page embeds (messages.js). Every answer of the server is
// checked before it is used; a failed check stops the vote.
import { renderSVG } from "uqr";
import {
  OvoteError, auditDocument, buildBallot, checkBoardEntry, checkDefinition, finishToken, fromHex, groupedTrackingCode,
  importUnitKey, newKit, openAudit, parseKit, requestToken, serializeKit, shortTrackingCode,
  verifyReceipt, votingSecret,
} from "../crypto/index.js";
import { ApiError, api } from "./api.js";
import { embeddedCatalogue, label, translator } from "./messages.js";

const root = document.getElementById("ovote-vote");
const data = root?.dataset ?? {};
const config = {
  slug: data.slug,
  api: data.api || "/api/v1",
  csrf: data.csrf,
  lang: data.lang || document.documentElement.lang || "en",
  board: data.board,
  contact: data.contact,
  account: data.account,
  program: data.program,
};
const t = translator(embeddedCatalogue(document));
const server = api(config.api, config.slug, config.csrf);
const state = { ctx: null, election: null, kit: null, choices: {}, built: null, casting: false };
const storageKey = () => `ovote-kit:${config.slug}`;
const pageTitle = document.title;
// The page's one live region (present before anything changes, so screen
// readers announce what is written into it): progress and outcomes.
const status = document.getElementById("ovote-vote-status");

// --- DOM helpers -----------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}
const button = (text, onclick, cls = "btn btn-primary") => h("button", { type: "button", class: `${cls} me-2 mb-2`, on: { click: onclick } }, text);
const link = (text, href, cls = null) => (href ? h("a", { href, class: cls }, text) : null);

function announce(text) {
  if (status) status.textContent = text;
}

/** Replace the page with one step; its heading takes the focus (screen readers announce it). */
function show(heading, ...body) {
  const title = h("h1", { tabindex: "-1", id: "step-heading" }, heading);
  root.replaceChildren(title, ...body.filter((part) => part !== null && part !== undefined && part !== false));
  document.title = `${heading} · ${pageTitle}`;
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

/** A receipt's RFC 3339 time as people read it: 2026-12-01 07:00:00 UTC. */
const when = (at) => String(at).replace("T", " ").replace(/Z$/, " UTC");
const boardLink = (code) => new URL(config.board.replace("{code}", code), location.href).href;

/** Until a receipt is shown, every screen says that nothing is cast. */
function notCastNote() {
  return h("p", { class: "vote-not-cast-note", id: "not-cast-note" }, h("strong", {}, t("not_cast_short")), " ", t("not_cast_note"));
}

// A voter who leaves with an encrypted ballot not yet cast is asked first.
window.addEventListener("beforeunload", (event) => {
  if (state.built || state.casting) event.preventDefault();
});

// --- errors ------------------------------------------------------------------
// Each code the pages can meet, with its message. Checks that fail stop the
// vote: the server sent something that does not check out.
const ERRORS = {
  network: "err_network",
  network_cast: "err_network_cast",
  bad_answer: "err_bad_answer",
  bad_fingerprint: "err_bad_fingerprint",
  bad_definition: "err_bad_definition",
  kit_other: "err_kit_other",
  bad_receipt: "err_bad_receipt",
  bad_token: "err_bad_token",
  bad_board: "err_bad_board",
  bad_kit: "err_bad_kit",
  login_required: "err_login",
  csrf_failed: "err_csrf",
  token_already_issued: "err_token_already_issued",
  not_eligible: "err_not_eligible",
  issuance_closed: "err_issuance_closed",
  election_not_open: "err_election_not_open",
  too_many_revotes: "err_too_many_revotes",
  unknown_election: "err_unknown_election",
};
const STOPPING = new Set(["bad_fingerprint", "bad_definition", "bad_receipt", "bad_token", "kit_other", "bad_answer"]);

function messageOf(error) {
  const detail = error?.message ?? "";
  const key = ERRORS[error?.code];
  if (key) return t(key, { detail });
  if (error instanceof ApiError || error instanceof OvoteError) return t("err_other", { detail: error.code });
  return t("err_other", { detail: String(error?.message ?? error) });
}

/**
 * Show an error with its way forward: a failed check stops the vote (the
 * commission's contact), others offer to try again, or the way that fits.
 */
function failed(error, retry = null, retryText = t("retry")) {
  const code = error?.code;
  const stop = STOPPING.has(code);
  const box = h("div", { class: `alert ${stop ? "alert-danger" : "alert-warning"}`, role: "alert", id: "vote-error" }, messageOf(error));
  const ways = [];
  if (stop) {
    ways.push(h("p", { class: "fw-bold", id: "vote-stopped" }, t("stopped_p")), h("p", {}, link(t("contact"), config.contact)));
  } else if (code === "login_required" || code === "csrf_failed") {
    ways.push(button(t("reload"), () => location.reload()));
  } else if (code === "token_already_issued") {
    ways.push(button(t("kit_use"), keyStepForKit));
    if (config.program) ways.push(h("p", {}, link(t("program_link"), config.program)));
  } else if (code === "election_not_open" || code === "issuance_closed" || code === "not_eligible" || code === "too_many_revotes") {
    if (state.kit?.receipts.length) ways.push(h("p", {}, t("earlier_counts")));
    ways.push(h("p", {}, link(t("account"), config.account)));
  } else if (retry) {
    ways.push(button(retryText, retry));
  }
  if (code === "network_cast") ways.unshift(h("p", { class: "vote-not-cast-note" }, h("strong", {}, t("not_confirmed"))));
  else if (!state.kit?.receipts.length || state.built) ways.unshift(h("p", { class: "vote-not-cast-note" }, h("strong", {}, t("not_cast_short"))));
  show(stop ? t("stop") : t("problem"), box, ...ways);
  announce(messageOf(error));
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
  show(t("loading"), h("p", { class: "text-body-secondary" }, t("loading_p")));
  announce(t("loading"));
  await guarded(async () => {
    const election = await server.election();
    state.kit = loadKit();
    // The kit pins the election a voter already voted in: a changed definition
    // under the same name is refused, whatever fingerprint the server claims.
    if (state.kit && state.kit.election !== election.fingerprint) throw new OvoteError("kit_other", "");
    state.ctx = checkDefinition(election.definition, { fingerprint: state.kit?.election ?? election.fingerprint });
    if (state.ctx.manifest.slug !== config.slug) throw new OvoteError("bad_definition", `the definition is for election ${state.ctx.manifest.slug}`);
    state.election = election;
    checked();
  }, start);
}

function earlierReceipts(receipts) {
  return h("ol", { id: "earlier-receipts" }, receipts.map((r, i) => h("li", {},
    h("a", { href: boardLink(r.tracking_code) }, h("code", {}, shortTrackingCode(r.tracking_code))),
    " ", t("earlier_at", { at: when(r.received_at) }),
    i === receipts.length - 1 ? ` (${t("latest")})` : ` (${t("replaced")})`)));
}

function checked() {
  const { ctx, kit, election } = state;
  const body = [
    h("p", { class: "lead" }, label(ctx.manifest.title, config.lang)),
    h("p", {}, t("check_p"), " ", h("code", { id: "fingerprint" }, shortTrackingCode(ctx.fingerprintHex, 8))),
  ];
  if (kit?.receipts.length) {
    body.push(h("section", { class: "alert alert-info", id: "revote-notice", "aria-labelledby": "revote-heading" },
      h("h2", { class: "h5", id: "revote-heading" }, t("revote_h")), h("p", {}, t("revote_p")), earlierReceipts(kit.receipts)));
  }
  if (election.state !== "open") {
    body.push(h("div", { class: "alert alert-warning", role: "alert", id: "not-open" }, t("not_open")),
      h("p", {}, link(t("account"), config.account)));
  } else {
    body.push(button(kit?.receipts.length ? t("vote_again") : t("start"), keyStep));
  }
  show(t("check_h"), ...body);
  announce(t("check_h"));
}

function kitFileInput() {
  return [
    h("label", { class: "form-label fw-bold", for: "kit-file" }, t("kit_use")),
    h("p", { class: "form-text", id: "kit-file-hint" }, t("kit_use_p")),
    h("input", { type: "file", accept: "application/json,.json", class: "form-control mb-3", id: "kit-file", "aria-describedby": "kit-file-hint",
      on: { change: (e) => useKitFile(e.target.files[0]) } }),
  ];
}

function keyStep() {
  const { kit } = state;
  if (kit?.token) {
    show(t("kit_h"), h("p", {}, t("kit_have")), h("p", {}, t("kit_save_p")),
      button(t("kit_save"), () => download(`ovote-kit-${config.slug}.json`, serializeKit(kit)), "btn btn-outline-secondary"),
      h("div", {}, button(t("continue"), () => contestStep(0))));
    return;
  }
  show(t("kit_h"), h("p", {}, t("kit_new")), button(t("kit_get"), getToken),
    h("h2", { class: "h5 mt-4" }, t("kit_other_device")), ...kitFileInput());
}

function keyStepForKit() {
  show(t("kit_h"), h("p", {}, t("kit_elsewhere")), ...kitFileInput());
}

async function useKitFile(file) {
  await guarded(async () => {
    state.kit = parseKit(await file.text(), { fingerprintHex: state.ctx.fingerprintHex });
    saveKit();
    state.kit.token ? keyStep() : getToken();
  }, keyStep);
}

async function getToken() {
  show(t("kit_h"), h("p", {}, t("kit_working")));
  announce(t("kit_working"));
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
    announce(t("kit_have"));
    keyStep();
  }, getToken);
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
  const errorId = `${name}-error`;
  const errorBox = h("p", { class: "text-danger fw-bold mb-2", id: errorId });
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
    const blank = fieldset.querySelector(`#${name}-blank:checked`);
    if (picked.length < contest.min || picked.length > contest.max || (single && contest.min === 0 && !picked.length && !blank)) {
      errorBox.textContent = t("choose_error", { hint: hint(contest) });
      fieldset.setAttribute("aria-describedby", `${errorId} ${hintId}`);
      fieldset.querySelector("input").focus();
      announce(errorBox.textContent);
      return;
    }
    state.choices[contest.id] = picked;
    i + 1 < contests.length ? contestStep(i + 1) : review();
  };
  show(t("step", { i: i + 1, n: contests.length }), fieldset,
    h("div", { class: "mt-3" }, button(t("continue"), next), button(t("back"), () => (i ? contestStep(i - 1) : keyStep()), "btn btn-outline-secondary")),
    notCastNote());
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
      h("button", { type: "button", class: "btn btn-link p-0 align-baseline", "aria-label": t("change_label", { contest: label(state.ctx.contests.get(contest.id).labels, config.lang) }),
        on: { click: () => contestStep(i) } }, t("change"))),
  ]));
  show(t("review_h"), list,
    state.kit.receipts.length ? h("p", { class: "alert alert-info", id: "replaces" }, t("replaces")) : null,
    h("p", {}, t("review_p")), button(t("encrypt"), encryptStep), notCastNote());
}

async function encryptStep() {
  show(t("encrypting_h"), h("p", {}, t("encrypting")), notCastNote());
  announce(t("encrypting"));
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
  return h("div", { class: "mb-3" }, h("p", { class: "mb-1" }, t("tracking")),
    h("p", { class: "mb-0" }, h("code", { class: "fs-4 text-nowrap", id: "tracking-code" }, shortTrackingCode(code))));
}

function notCastAlert(extra = null) {
  return h("div", { class: "alert alert-danger vote-not-cast", id: "not-cast" },
    h("p", { class: "fw-bold fs-5 mb-1" }, t("not_cast")), extra ? h("p", { class: "mb-0" }, extra) : null);
}

function encrypted() {
  show(t("encrypted_h"),
    notCastAlert(t("not_cast_p")),
    trackingBlock(state.built.trackingCode),
    h("p", {}, t("tracking_p")),
    button(t("cast"), castStep),
    h("h2", { class: "h5 mt-4" }, t("audit_q")),
    h("p", { class: "text-body-secondary" }, t("audit_p")),
    button(t("audit"), auditStep, "btn btn-outline-secondary"));
  announce(t("not_cast"));
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
    show(t("audit_h"), notCastAlert(t("audit_not_cast")), trackingBlock(opened.trackingCode), list,
      h("p", {}, t("audit_match")),
      h("div", {}, button(t("again"), encryptStep), button(t("change_choices"), review, "btn btn-outline-secondary")),
      h("p", { class: "text-body-secondary mt-3" }, t("audit_note")),
      button(t("audit_download"), () => download(`ovote-audit-${opened.trackingCode.slice(0, 8)}.json`, JSON.stringify(doc, null, 1)), "btn btn-outline-secondary"));
    announce(t("audit_h"));
  }, review);
}

async function castStep() {
  state.casting = true;
  show(t("casting_h"), notCastAlert(), h("p", {}, t("casting")));
  announce(t("casting"));
  const { ballot, trackingCode } = state.built;
  try {
    const { receipt } = await server.cast(ballot);
    verifyReceipt(receipt, state.ctx, trackingCode);
    state.kit.receipts.push(receipt);
    saveKit();
    state.built = null;
    state.casting = false;
    receiptStep(receipt);
    lookUp(receipt, ballot);
  } catch (error) {
    state.casting = false;
    if (error instanceof ApiError && error.code === "network") failed({ code: "network_cast", message: "" }, castStep, t("resend"));
    else {
      if (STOPPING.has(error?.code)) state.built = null;
      // A server error: the same ballot may be sent again; any other refusal: encrypt afresh.
      const serverError = error instanceof ApiError && error.status >= 500;
      failed(error, serverError ? castStep : encryptStep, serverError ? t("resend") : t("again"));
    }
  }
}

/** Find the cast ballot on the bulletin board and say whether it is there as receipted. */
async function lookUp(receipt, ballot) {
  const line = document.getElementById("board-check");
  try {
    checkBoardEntry(await server.board(receipt.tracking_code), receipt, ballot);
    line.textContent = t("board_found");
    line.className = "text-success fw-bold";
  } catch (error) {
    const later = error instanceof ApiError && error.code === "network";
    line.textContent = later ? t("board_later") : messageOf(error);
    line.className = later ? "text-body-secondary" : "alert alert-danger";
  }
  announce(`${t("receipt_h")}. ${line.textContent}`);
}

function receiptStep(receipt) {
  const code = receipt.tracking_code;
  const href = boardLink(code);
  const qr = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(renderSVG(href, { border: 2 }));
  const earlier = state.kit.receipts.slice(0, -1);
  show(t("receipt_h"),
    h("div", { class: "alert alert-success", id: "cast-confirmed" }, h("p", { class: "fw-bold fs-5 mb-1" }, t("cast_ok")), h("p", { class: "mb-0" }, t("receipt_p"))),
    h("p", { class: "mb-1" }, t("tracking")),
    h("p", {}, h("code", { class: "fs-5 text-break", id: "receipt-code" }, groupedTrackingCode(code))),
    h("p", {}, t("received", { at: when(receipt.received_at), seq: receipt.seq })),
    h("p", { id: "board-check" }, t("board_checking")),
    h("img", { src: qr, alt: t("qr_alt"), width: "200", height: "200", id: "receipt-qr" }),
    h("p", {}, h("a", { href, id: "board-link" }, t("board_link"))),
    button(t("receipt_download"), () => download(`ovote-receipt-${code.slice(0, 8)}.json`, JSON.stringify(receipt, null, 1)), "btn btn-outline-secondary"),
    button(t("kit_save"), () => download(`ovote-kit-${config.slug}.json`, serializeKit(state.kit)), "btn btn-outline-secondary"),
    earlier.length ? h("section", { class: "mt-3", "aria-labelledby": "earlier-heading" },
      h("h2", { class: "h5", id: "earlier-heading" }, t("earlier_h")), h("p", {}, t("earlier_p")), earlierReceipts(state.kit.receipts)) : null,
    h("h2", { class: "h5 mt-3" }, t("vote_again_h")),
    h("p", {}, t("vote_again_p")),
    button(t("vote_again"), () => contestStep(0), "btn btn-outline-primary"));
  announce(t("cast_ok"));
}

if (root && config.slug) start();
