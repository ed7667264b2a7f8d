import { describe, expect, it } from "vitest";
import { classificationMetrics, confusionMatrix, multilabelMetrics, predictedClasses, regressionMetrics } from "../../src/report/metrics.js";
import { classificationTable, confusionTable, num, percent, regressionTable, renderTable } from "../../src/report/table.js";
import { deadReluUnits, diagnosticWarnings, layerGradientNorms, type LayerShape } from "../../src/report/training-diagnostics.js";

describe("classification metrics (hand-computed)", () => {
  // truth 0 0 1 1 2 2, predicted 0 1 1 1 2 0
  const truth = [0, 0, 1, 1, 2, 2];
  const predicted = [0, 1, 1, 1, 2, 0];
  const m = classificationMetrics(truth, predicted, ["a", "b", "c"]);

  it("confusion matrix: rows true, columns predicted", () => {
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
  });

  it("accuracy, precision, recall, F1 per class", () => {
    expect(m.accuracy).toBeCloseTo(4 / 6, 15);
    // class a: tp 1, predicted 2, actual 2; class b: tp 2, predicted 3, actual 2; class c: tp 1, predicted 1, actual 2
    expect(m.classes.map((c) => c.precision)).toEqual([0.5, 2 / 3, 1]);
    expect(m.classes.map((c) => c.recall)).toEqual([0.5, 1, 0.5]);
    expect(m.classes[0]!.f1).toBeCloseTo(0.5, 15);
    expect(m.classes[1]!.f1).toBeCloseTo(0.8, 15);
    expect(m.classes[2]!.f1).toBeCloseTo(2 / 3, 15);
    expect(m.classes.map((c) => c.support)).toEqual([2, 2, 2]);
  });

  it("macro and weighted averages", () => {
    expect(m.macro.precision).toBeCloseTo(13 / 18, 15);
    expect(m.macro.recall).toBeCloseTo(2 / 3, 15);
    expect(m.macro.f1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 15);
    expect(m.weighted.f1).toBeCloseTo(m.macro.f1, 15);
  });

  it("a class never predicted has precision 0, not NaN (sklearn zero_division=0)", () => {
    const z = classificationMetrics([0, 1], [0, 0], ["x", "y"]);
    expect(z.classes[1]).toEqual({ name: "y", precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it("predicted classes: argmax (first on ties) or threshold 0.5 for one output", () => {
    expect([...predictedClasses([0.1, 0.7, 0.2, 0.5, 0.5, 0], 2, 3)]).toEqual([1, 0]);
    expect([...predictedClasses([0.49, 0.5], 2, 1)]).toEqual([0, 1]);
    expect(confusionMatrix([1, 1], [0, 1], 2)).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it("renders the per-class table and confusion matrix as text", () => {
    expect(classificationTable(m)).toEqual([
      "class         precision  recall     f1  support",
      "───────────────────────────────────────────────",
      "a                 0.500   0.500  0.500        2",
      "b                 0.667   1.000  0.800        2",
      "c                 1.000   0.500  0.667        2",
      "───────────────────────────────────────────────",
      "macro avg         0.722   0.667  0.656        6",
      "weighted avg      0.722   0.667  0.656        6",
      "accuracy                         0.667        6",
    ]);
    expect(confusionTable(m)).toEqual([
      "true \\ predicted  a  b  c",
      "─────────────────────────",
      "a                 1  1  0",
      "b                 0  2  0",
      "c                 1  0  1",
    ]);
  });
});

describe("multilabel metrics (hand-computed)", () => {
  // truth [1,0] [0,1] [1,1]; probabilities give predictions [1,0] [1,1] [0,1]
  const m = multilabelMetrics([1, 0, 0, 1, 1, 1], [0.9, 0.2, 0.6, 0.7, 0.4, 0.8], 3, ["y0", "y1"]);
  it("per-label accuracy, exact match, scores of the positive value", () => {
    expect(m.labels.map((l) => l.accuracy)).toEqual([1 / 3, 1]);
    expect(m.meanAccuracy).toBeCloseTo(2 / 3, 15);
    expect(m.exactMatch).toBeCloseTo(1 / 3, 15);
    expect(m.labels[0]).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.labels[1]).toMatchObject({ precision: 1, recall: 1, f1: 1, support: 2 });
  });
});

describe("regression metrics (hand-computed)", () => {
  it("MSE, MAE and R^2", () => {
    // truth 1 2 3, predictions 1 2 4: SS_res = 1, SS_tot = 2
    const m = regressionMetrics([1, 2, 3], [1, 2, 4], 3, ["y"]);
    expect(m.mse).toBeCloseTo(1 / 3, 15);
    expect(m.mae).toBeCloseTo(1 / 3, 15);
    expect(m.r2).toBe(0.5);
    expect(regressionTable(m)).toEqual(["target     MSE     MAE     R^2", "──────────────────────────────", "y       0.3333  0.3333  0.5000"]);
  });

  it("two outputs average R^2; a constant target gives 1 when exact, else 0", () => {
    const m = regressionMetrics([1, 5, 2, 5, 3, 5], [1, 5, 2, 5, 4, 6], 3, ["a", "b"]);
    expect(m.outputs.map((o) => o.r2)).toEqual([0.5, 0]);
    expect(m.r2).toBe(0.25);
    expect(regressionMetrics([5, 5], [5, 5], 2, ["c"]).r2).toBe(1);
  });
});

describe("text tables", () => {
  it("aligns text left and numbers right, with rules", () => {
    expect(renderTable({ headers: ["name", "n"], rows: [["ab", "1"], ["c", "100"]], rulesBefore: [1] })).toEqual(["name    n", "─────────", "ab      1", "─────────", "c     100"]);
    expect(percent(0.96666)).toBe("96.67%");
    expect(num(0.000012345)).toBe("1.234e-5");
    expect(num(0.12345)).toBe("0.1235");
  });
});

describe("training diagnostics", () => {
  const layers: LayerShape[] = [
    { name: "dense_1", activation: "relu", inputs: 2, units: 3, weightOffset: 0, biasOffset: 6 },
    { name: "dense_2", activation: "sigmoid", inputs: 3, units: 1, weightOffset: 9, biasOffset: 12 },
  ];

  it("gradient norm per layer over its weights and biases", () => {
    const grad = [3, 0, 0, 0, 0, 4, 0, 0, 12, 0, 0, 0, 5];
    const n = layerGradientNorms(grad, layers);
    expect(n[0]).toEqual({ name: "dense_1", norm: 13, weightNorm: 5, biasNorm: 12 });
    expect(n[1]).toEqual({ name: "dense_2", norm: 5, weightNorm: 0, biasNorm: 5 });
  });

  it("counts a relu unit as dead when its bias gradient is zero on every row", () => {
    const perRow = [
      [0, 0, 0, 0, 0, 0, 0.1, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 0, 0, -0.2, 0, 0, 0, 1],
    ];
    expect(deadReluUnits(layers, 2, (r) => perRow[r]!)).toEqual([{ name: "dense_1", units: 3, dead: 1, share: 1 / 3 }]);
  });

  it("warns about vanishing, exploding and dead units at the documented thresholds", () => {
    const epoch = (a: number, b: number) => [
      { name: "dense_1", norm: a, weightNorm: a, biasNorm: 0 },
      { name: "dense_2", norm: b, weightNorm: b, biasNorm: 0 },
    ];
    expect(diagnosticWarnings([epoch(1e-4, 1)], [])).toEqual([
      {
        kind: "vanishing",
        layer: "dense_1",
        message: "vanishing gradient in dense_1: norm 1.00e-4 is less than 0.001 x the output layer's (1.00); try relu/gelu with He init, fewer layers, or --standardize",
      },
    ]);
    expect(diagnosticWarnings([epoch(1, 1), epoch(2000, 1)], []).map((w) => w.message)).toEqual([
      "exploding gradient in dense_1: norm 2.00e+3 after epoch 2 (over 1000); try a lower lr, clip=1 on the optimizer line, or --standardize",
    ]);
    expect(diagnosticWarnings([epoch(1, 1)], [{ name: "dense_1", units: 4, dead: 2, share: 0.5 }]).map((w) => w.kind)).toEqual(["dead-relu"]);
    expect(diagnosticWarnings([epoch(0.5, 1)], [{ name: "dense_1", units: 4, dead: 1, share: 0.25 }])).toEqual([]);
  });
});
