/**
 * The generated module as JavaScript to run in this process (mlpc train, predict, sweep trials):
 * its types stripped by sucrase, which keeps every statement and expression as written. A sweep
 * compiles one module per configuration, and TypeScript's transpileModule costs ~70 ms warm
 * (~300 ms cold, plus ~700 ms to load the compiler) on a 100 KB module where this costs ~10 ms.
 * `mlpc compile -o net.js` still goes through TypeScript (javascript.ts), for its .d.ts.
 */
import { transform } from "sucrase";

export function emitLoadableJavaScript(tsSource: string): string {
  try {
    return transform(tsSource, { transforms: ["typescript"], disableESTransforms: true, filePath: "module.ts" }).code;
  } catch (e) {
    throw new Error(`mlpc codegen: cannot emit JavaScript:\n${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** A data: URL of the JavaScript, importable with import() here and in worker threads. */
export function javaScriptUrl(js: string): string {
  return `data:text/javascript,${encodeURIComponent(js)}`;
}
