/**
 * The playground's build: one static site in playground/dist, everything bundled (no CDN).
 * The compiler runs in the page, so src/ is bundled too; ts-morph's code names node built-ins
 * that only its real-filesystem host uses, so they resolve to an empty module here.
 */
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const empty = here("./src/shims/empty.ts");
const nodeBuiltins = ["fs", "fs/promises", "os", "path", "crypto", "perf_hooks", "inspector", "module", "url", "util", "child_process"];

/**
 * ts-morph carries the text of TypeScript's lib .d.ts files (about 2.8 MB) for type checking in an
 * in-memory file system. mlpc only prints source files with it, never type-checks, so the
 * browser build leaves that list empty.
 */
function withoutLibFiles(): Plugin {
  return {
    name: "mlpc-playground-without-ts-lib-files",
    transform(code, id) {
      if (!id.replace(/\\/g, "/").endsWith("@ts-morph/common/dist/ts-morph-common.js")) return null;
      const start = code.indexOf("const libFiles = [{");
      const end = code.indexOf("function getLibFiles()", start);
      if (start < 0 || end < 0) throw new Error("ts-morph-common.js changed: libFiles not found where the playground build expects it");
      return { code: `${code.slice(0, start)}const libFiles = [];\n\n${code.slice(end)}`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [withoutLibFiles()],
  root: here("."),
  base: "./",
  build: {
    outDir: here("./dist"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 12_000,
    // Bundling TypeScript takes a while; that is expected, not worth a timing report.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: { format: "es", plugins: () => [withoutLibFiles()], rolldownOptions: { checks: { bundlerTimings: false } } },
  resolve: {
    alias: [
      ...nodeBuiltins.flatMap((name) => [
        { find: new RegExp(`^node:${name}$`), replacement: empty },
        { find: new RegExp(`^${name}$`), replacement: empty },
      ]),
      // ts-morph's own copy of TypeScript is the one src uses: never bundle the typescript package too.
      { find: /^typescript$/, replacement: here("../node_modules/@ts-morph/common/dist/typescript.js") },
    ],
  },
});
