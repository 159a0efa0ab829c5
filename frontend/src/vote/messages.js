// The voting pages' words come from the app's translation catalogue: the page
// that mounts the client (templates/voting/vote.html) embeds the client's
// messages, translated in the voter's language, as a JSON data block
// (<script type="application/json" id="ovote-vote-text">, which the CSP lets
// be read since it is never run). The messages themselves are defined once,
// in ovote/voting/client_text.py. Placeholders are {name}.

/** The catalogue embedded in `doc`, or an empty one. */
export function embeddedCatalogue(doc) {
  const block = doc.getElementById("ovote-vote-text");
  if (!block) return {};
  try {
    const parsed = JSON.parse(block.textContent);
    return parsed !== null && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

/** t(key, params): the message for `key` with its placeholders filled in. */
export function translator(catalogue) {
  return (key, params = {}) =>
    (Object.hasOwn(catalogue, key) ? catalogue[key] : key).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** The label of a manifest label map in the voter's language. */
export function label(labels, language) {
  const base = (language || "en").split("-")[0];
  return labels[language] ?? labels[base] ?? labels.en ?? Object.values(labels)[0];
}
