/** Fingerprints of the examples (and a few more programs) in every f32 emission mode: see examples.ts. */
import { defineExampleFingerprints } from "./examples.js";

defineExampleFingerprints("f32", new URL("./examples-f32.json", import.meta.url));
