/**
 * The trials' modules, made on the main thread: emitted as `mlpc train` emits them and
 * type-stripped (src/codegen/loadable.ts), once per moduleKey, and handed to the workers as data:
 * URLs. Workers then load no compiler at all, and each module is made once however many trials
 * and workers share it.
 */
import { emitLoadableJavaScript, javaScriptUrl } from "../codegen/loadable.js";
import { emitIR } from "../emit.js";
import { moduleIr, type TrialTask } from "./trial.js";

/** Modules kept: trials are handed out grouped by module, so a few cover the workers' queue. */
const KEPT_MODULES = 16;

export class TrialModules {
  private readonly urls = new Map<string, string>();

  /** The module of the task as a data: URL, and the seconds it took to make now (0 when made before). */
  urlOf(task: TrialTask): { url: string; seconds: number } {
    const known = this.urls.get(task.moduleKey);
    if (known !== undefined) {
      // Most recently used last, so the oldest is the one dropped.
      this.urls.delete(task.moduleKey);
      this.urls.set(task.moduleKey, known);
      return { url: known, seconds: 0 };
    }
    const started = performance.now();
    const url = javaScriptUrl(emitLoadableJavaScript(emitIR(moduleIr(task.ir), { sourceName: `${task.ir.name}.mlp` })));
    if (this.urls.size >= KEPT_MODULES) this.urls.delete(this.urls.keys().next().value!);
    this.urls.set(task.moduleKey, url);
    return { url, seconds: (performance.now() - started) / 1000 };
  }
}
