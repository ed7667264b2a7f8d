// Lint: the recommended JS and typescript-eslint rules over src/, test/, bench/ and scripts/.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "playground/dist/", "test-artifacts/", "coverage/", "generated/", "node_modules/", "src/syntax/parser.js", "src/syntax/parser.d.ts", "**/*.errors.txt"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
