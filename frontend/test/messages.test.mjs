import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

// messages.js is plain data plus two functions: load it without a DOM.
const source = readFileSync(new URL("../src/vote/messages.js", import.meta.url), "utf8");
const { translator, label, LANGUAGES } = await import("data:text/javascript," + encodeURIComponent(source));

test("every message of the voting pages exists in every language", () => {
  const keys = (lang) => {
    const catalog = source.split(`const ${lang} = {`)[1].split("\n};")[0];
    return [...catalog.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]).sort();
  };
  assert.deepEqual(LANGUAGES, ["en", "fr"]);
  assert.ok(keys("en").length > 50);
  assert.deepEqual(keys("fr"), keys("en"));
});

test("messages fill their placeholders, and labels fall back to a language the manifest has", () => {
  assert.equal(translator("fr")("step", { i: 1, n: 3 }), "Scrutin 1 sur 3");
  assert.equal(translator("pt-BR")("continue"), "Continue");
  assert.equal(label({ en: "Yes", fr: "Oui" }, "fr-CA"), "Oui");
  assert.equal(label({ ar: "نعم" }, "fr"), "نعم");
});
