/** ROC curve and AUC against hand-computed values (sklearn's roc_auc_score gives the same). */
import { describe, expect, it } from "vitest";
import { rocCurve } from "../../src/report/metrics.js";

describe("rocCurve", () => {
  it("the textbook example: AUC 0.75", () => {
    const c = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])!;
    expect(c.auc).toBe(0.75);
    expect(c.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(c.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
  });

  it("ties count half; perfect and reversed scores give 1 and 0; one class gives null", () => {
    expect(rocCurve([0, 1], [0.5, 0.5])!.auc).toBe(0.5);
    expect(rocCurve([0, 0, 1], [0.1, 0.2, 0.9])!.auc).toBe(1);
    expect(rocCurve([1, 1, 0], [0.1, 0.2, 0.9])!.auc).toBe(0);
    expect(rocCurve([1, 1], [0.1, 0.2])).toBeNull();
  });

  it("equals the share of positive-negative pairs ranked right (Mann-Whitney), on random scores", () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const truth = Array.from({ length: 200 }, () => (rand() < 0.3 ? 1 : 0));
    const scores = truth.map((t) => Math.round((rand() + t * 0.4) * 20) / 20);
    let pairs = 0;
    let right = 0;
    for (let i = 0; i < truth.length; i++) for (let j = 0; j < truth.length; j++) {
      if (truth[i] !== 1 || truth[j] !== 0) continue;
      pairs++;
      right += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
    expect(rocCurve(truth, scores)!.auc).toBeCloseTo(right / pairs, 12);
  });
});
