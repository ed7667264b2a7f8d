/** Parsers for command-line option values; a bad value is a usage error (exit 2). */
import { InvalidArgumentError } from "commander";

export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected an integer >= 0");
  return n;
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number > 0");
  return n;
}

/** A validation fraction: 0 (none) up to, not including, 1. */
export function parseValidationFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError("expected a fraction in [0, 1), e.g. 0.2");
  return n;
}

/** Rows per update: a positive integer or "all". */
export function parseBatch(value: string): number | "all" {
  return value === "all" ? "all" : parseCount(value);
}
