// Builds the browser assets into ../ovote/static so that the app serves them
// itself (no CDN at run time, nothing committed by hand):
// * copies the installed Bootstrap files into static/vendor;
// * bundles the voting client (src/) with esbuild into static/vote.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

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

// One ES module holding the client's cryptographic core; the voting pages
// import it (a module script from our own origin: the CSP allows it).
const vote = join(statics, "vote");
rmSync(vote, { recursive: true, force: true });
await build({
  entryPoints: { crypto: join(here, "src", "crypto", "index.js") },
  outdir: vote,
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
console.log("bundled the voting client into ovote/static/vote");
