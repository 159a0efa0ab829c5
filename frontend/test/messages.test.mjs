import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

// messages.js reads the catalogue the app's page embeds; load it without a DOM.
const source = readFileSync(new URL("../src/vote/messages.js", import.meta.url), "utf8");
const { embeddedCatalogue, translator, label } = await import("data:text/javascript," + encodeURIComponent(source));

const page = (text) => ({ getElementById: (id) => (id === "ovote-vote-text" && text !== null ? { textContent: text } : null) });

test("the pages' words come from the catalogue the page embeds, placeholders filled", () => {
  const t = translator(embeddedCatalogue(page(JSON.stringify({ step: "Scrutin {i} sur {n}", continue: "Continuer" }))));
  assert.equal(t("step", { i: 1, n: 3 }), "Scrutin 1 sur 3");
  assert.equal(t("continue"), "Continuer");
  // A key the catalogue lacks shows as itself (tests/voting/test_vote_page.py keeps none missing).
  assert.equal(t("missing"), "missing");
  assert.equal(t("toString"), "toString");
});

test("no catalogue, or a broken one, is an empty catalogue", () => {
  assert.deepEqual(embeddedCatalogue(page(null)), {});
  assert.deepEqual(embeddedCatalogue(page("{not json")), {});
  assert.deepEqual(embeddedCatalogue(page("null")), {});
});

test("labels fall back to a language the manifest has", () => {
  assert.equal(label({ en: "Yes", fr: "Oui" }, "fr-CA"), "Oui");
  assert.equal(label({ en: "Yes", fr: "Oui" }, "pt"), "Yes");
  assert.equal(label({ ar: "نعم" }, "fr"), "نعم");
});
