// Copies the vendored browser scripts and app.js into web/static.
// Run by `npm run build` after Tailwind has written web/static/app.css.
//
// The output must be byte-for-byte reproducible (CI rebuilds and runs
// `git diff --exit-code`), so this only copies bytes: no timestamps, no
// banners. The one edit is dropping Chart.js's trailing sourceMappingURL
// comment: the map is not shipped, and under a fingerprinted URL the browser
// would only fetch a 404.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "web", "static");

const copies = [
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["node_modules/chart.js/dist/chart.umd.min.js", "chart.umd.min.js"],
  ["web/assets/app.js", "app.js"],
];

mkdirSync(out, { recursive: true });
for (const [from, to] of copies) {
  let text = readFileSync(join(root, from), "utf8");
  text = text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
  if (!text.endsWith("\n")) text += "\n";
  writeFileSync(join(out, to), text);
  console.log(`web/static/${to} <- ${from}`);
}
