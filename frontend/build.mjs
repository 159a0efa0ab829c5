// Copies the installed front-end packages into ../ovote/static/vendor so that
// the app serves them itself (no CDN at run time, nothing committed by hand).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "ovote", "static", "vendor");
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
