/**
 * A tiny static server for the built playground (playground/dist) on 127.0.0.1:
 * `npm run playground` builds, then runs this; the browser test serves the build with it too.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** Serves `root` on 127.0.0.1:`port` (0: any free port); resolves to the server and its URL. */
export function serveStatic(root, port = 0) {
  const base = resolve(root);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) file = base;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    createReadStream(file).pipe(response);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      done({ server, url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : port}/` });
    });
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("./dist", import.meta.url));
  if (!existsSync(join(root, "index.html"))) {
    console.error("playground/dist is not built: run npm run build:playground");
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 5173);
  serveStatic(root, port).then(
    ({ url }) => console.log(`mlpc playground: ${url}`),
    (error) => {
      console.error(`cannot serve the playground on 127.0.0.1:${port}: ${error.message}`);
      process.exit(1);
    },
  );
}
