// Builds the browser assets into ../ovote/static so that the app serves them
// itself (no CDN at run time, nothing committed by hand):
// * copies the installed Bootstrap files into static/vendor;
// * bundles the voting client (src/) with esbuild into static/vote;
// * projects the world map for the commission's overview into static/map.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildWorld } from "./src/map/world.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const statics = join(here, "..", "ovote", "static");
const vendor = join(statics, "vendor");
const copies = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap/dist/css/bootstrap.rtl.min.css", "bootstrap/bootstrap.rtl.min.css"],
  ["bootstrap/dist/css/bootstrap.rtl.min.css.map", "bootstrap/bootstrap.rtl.min.css.map"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of copies) {
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(here, "node_modules", from), target);
}
console.log(`copied ${copies.length} files into ovote/static/vendor`);

// The client's cryptographic core as an ES module (crypto.js) and the voting
// pages (vote.js), module scripts from our own origin as the CSP requires.
const vote = join(statics, "vote");
rmSync(vote, { recursive: true, force: true });
await build({
  entryPoints: { crypto: join(here, "src", "crypto", "index.js"), vote: join(here, "src", "vote", "page.js") },
  outdir: vote,
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
// The app's voting page (templates/voting/vote.html) mounts vote.js on its
// #ovote-vote element and gives it its words.
console.log("bundled the voting client into ovote/static/vote");

// The world map's geometry for the commission's overview (see src/map/world.mjs).
const world = buildWorld(join(statics, "map", "world.json"));
console.log(`projected ${world.countries.length} countries and ${world.dots.length} small ones into ovote/static/map`);
