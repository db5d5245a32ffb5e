// Copy the vendored front-end files from node_modules into static/vendor/ (git-ignored).
// Everything is self-hosted: forums happen where connectivity is poor, and the CSP allows only 'self'.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const out = "static/vendor";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const copies = [
  ["node_modules/bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["node_modules/bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["node_modules/bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["node_modules/bootstrap/LICENSE", "bootstrap/LICENSE"],
  ["node_modules/jsqr/dist/jsQR.js", "jsqr/jsQR.js"],
  ["node_modules/jsqr/LICENSE", "jsqr/LICENSE"],
  ["node_modules/@fontsource/noto-sans-khmer/LICENSE", "noto-sans-khmer/LICENSE"],
];
for (const weight of ["400", "700"]) {
  for (const subset of ["khmer", "latin"]) {
    const name = `noto-sans-khmer-${subset}-${weight}-normal.woff2`;
    copies.push([`node_modules/@fontsource/noto-sans-khmer/files/${name}`, `noto-sans-khmer/${name}`]);
  }
}
for (const [from, to] of copies) {
  mkdirSync(`${out}/${to.split("/").slice(0, -1).join("/")}`, { recursive: true });
  cpSync(from, `${out}/${to}`);
}
console.log(`static assets: ${copies.length} files in ${out}`);
