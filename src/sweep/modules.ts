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

interface Made {
  readonly url: string;
  readonly seconds: number;
  /** Whether a trial has been handed it (and so counted the seconds it took to make). */
  handed: boolean;
}

export class TrialModules {
  private readonly made = new Map<string, Made>();

  has(task: TrialTask): boolean {
    return this.made.has(task.moduleKey);
  }

  /** Makes the task's module ahead of its trial (nothing when it is made). */
  prepare(task: TrialTask): void {
    this.entry(task);
  }

  /** The module of the task as a data: URL, and the seconds it took to make (counted by the first trial handed it). */
  urlOf(task: TrialTask): { url: string; seconds: number } {
    const e = this.entry(task);
    const seconds = e.handed ? 0 : e.seconds;
    e.handed = true;
    return { url: e.url, seconds };
  }

  private entry(task: TrialTask): Made {
    const known = this.made.get(task.moduleKey);
    if (known !== undefined) {
      // Most recently used last, so the oldest is the one dropped.
      this.made.delete(task.moduleKey);
      this.made.set(task.moduleKey, known);
      return known;
    }
    const started = performance.now();
    const url = javaScriptUrl(emitLoadableJavaScript(emitIR(moduleIr(task.ir), { sourceName: `${task.ir.name}.mlp` })));
    if (this.made.size >= KEPT_MODULES) this.made.delete(this.made.keys().next().value!);
    const e: Made = { url, seconds: (performance.now() - started) / 1000, handed: false };
    this.made.set(task.moduleKey, e);
    return e;
  }
}
