// Loads the vectors that tests/frontend/make_vectors.py writes (OVOTE_VECTORS
// names the file; `make jstest` and the pytest suite generate it).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const path = process.env.OVOTE_VECTORS ?? join(here, "vectors.json");

let cached = null;
export function vectors() {
  if (!cached) {
    try {
      cached = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new Error(`no vectors at ${path}: run \`make jstest\` (or tests/frontend/make_vectors.py) first (${error.message})`);
    }
  }
  return cached;
}

/** A random source that replays Python's recorded draws, in order. */
export function replay(draws, decode) {
  let i = 0;
  const next = () => {
    if (i >= draws.length) throw new Error("the JS drew more randomness than Python");
    return decode(draws[i++]);
  };
  next.used = () => i;
  return next;
}
