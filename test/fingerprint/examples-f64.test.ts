/** Fingerprints of the examples (and a few more programs) in every f64 emission mode: see examples.ts. */
import { defineExampleFingerprints } from "./examples.js";

defineExampleFingerprints("f64", new URL("./examples-f64.json", import.meta.url));
