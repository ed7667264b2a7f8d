import { describe, expect, it } from "vitest";
import { colorsFor, type Io } from "../../src/cli/io.js";
import { createProgress, duration, formatEpochLine, rate, shortNumber } from "../../src/cli/progress.js";

describe("progress text", () => {
  it("formats an epoch line with the numbers a person scans for", () => {
    expect(formatEpochLine({ epoch: 7, epochs: 150, loss: 0.123456, accuracy: 0.9583, val_loss: 0.2, val_accuracy: 0.9, lr: 0.001, rowsPerSecond: 18234, etaSeconds: 3 })).toBe(
      "epoch   7/150  loss 0.1235  acc 95.83%  val_loss 0.2000  val_acc 90.00%  lr 1.00e-3  18.2k rows/s",
    );
    expect(formatEpochLine({ epoch: 2, epochs: 2, loss: 3e-6, lr: 0.5, rowsPerSecond: 2_500_000, etaSeconds: 0, best: true })).toBe("epoch 2/2  loss 3.00e-6  lr 5.00e-1  2.50M rows/s  *");
  });

  it("durations, rates and short numbers", () => {
    expect([duration(0.2), duration(75), duration(7300), duration(NaN)]).toEqual(["1s", "1m15s", "2h01m", "?"]);
    expect([rate(950), rate(12_345), rate(3_210_000)]).toEqual(["950", "12.3k", "3.21M"]);
    expect([shortNumber(0.5), shortNumber(123456), shortNumber(Infinity)]).toEqual(["0.5000", "1.23e+5", "Infinity"]);
  });

  it("on a terminal, the bar follows the batches' epoch when an epoch's line comes late (validated on another thread)", () => {
    let out = "";
    const io: Io = { stdout: (t) => void (out += t), stderr: () => {}, isTTY: true, color: false, cwd: "." };
    const progress = createProgress(io, colorsFor(io), "auto");
    progress.start({ model: "m", epochs: 3, initialEpoch: 0, batchesPerEpoch: 2, trainRows: 4, validationRows: 2 });
    expect(createProgress(io, colorsFor(io), "json").batch).toBeUndefined(); // the caller builds no batch report for it
    const batch = (epoch: number, b: number): void => progress.batch!({ epoch, batch: b, loss: 1, lr: 0.1, rowsPerSecond: 10, etaSeconds: 1 });
    batch(1, 1);
    batch(1, 2);
    const line = { epochs: 3, loss: 1, val_loss: 1, lr: 0.1, rowsPerSecond: 10, etaSeconds: 1 };
    // Epoch 2's batches run before epoch 1's line is out: the bar counts them as epoch 2's.
    batch(2, 1);
    const beforeLine = out;
    progress.epoch({ epoch: 1, ...line });
    batch(2, 2);
    progress.epoch({ epoch: 2, ...line });
    progress.stop();
    expect(beforeLine).toMatch(/epoch 2\/3 /);
    expect(out.indexOf("epoch 2/3 ")).toBeLessThan(out.indexOf("epoch 1/3  loss"));
    expect(out).toMatch(/epoch 1\/3 {2}loss[^]*epoch 2\/3 {2}loss/);
  });
});
