// peggy -c grammar/peggy.config.cjs: builds the parser the syntax phase imports.
module.exports = {
  input: "grammar/mlp.peggy",
  output: "src/syntax/parser.js",
  format: "es",
  dts: true,
  allowedStartRules: ["Program"],
};
