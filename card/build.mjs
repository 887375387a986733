// Bundle the card into the one module the integration serves. The output depends only on the
// sources and the locked packages: no timestamps, no absolute paths.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.js"],
  outfile: "../custom_components/price_optimizer/frontend/price-optimizer-plan-card.js",
  bundle: true,
  format: "esm",
  target: "es2021",
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
});
