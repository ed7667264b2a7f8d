/** Messages of the lowering phase (E02xx): words and shapes the IR cannot be built from. */
import type { Span } from "../syntax/ast.js";
import { excerpt as x, type Diagnostic } from "../syntax/diagnostic.js";

const error = (code: string, span: Span, message: string, help?: string): Diagnostic =>
  help === undefined ? { code, severity: "error", message, span } : { code, severity: "error", message, span, help };

export const lowerMessages = {
  unknownStatement: (span: Span, word: string, help?: string) => error("E0201", span, `unknown statement \`${x(word)}\``, help),
  unknownOption: (span: Span, option: string, where: string, help?: string) =>
    error("E0202", span, `unknown option \`${x(option)}\` for ${where}`, help),
  invalidNumber: (span: Span, text: string) =>
    error("E0203", span, `invalid number \`${x(text)}\``, "write decimal numbers such as 42, 0.5, 1e-3"),
  numberOutOfRange: (span: Span, text: string) =>
    error("E0204", span, `number \`${x(text)}\` is out of range`, "numbers must be finite double-precision values (about 5e-324 to 1.8e308 in size)"),
  expectedValue: (span: Span, what: string, got: string) => error("E0205", span, `expected ${what}, found ${x(got)}`),
  duplicateStatement: (span: Span, what: string) =>
    error("E0206", span, `duplicate ${what} statement`, `a program has at most one ${what} statement`),
  duplicateOption: (span: Span, option: string) => error("E0207", span, `option \`${x(option)}\` is set twice`),
  optionNotApplicable: (span: Span, option: string, decay: string, help?: string) =>
    error("E0208", span, `option \`${x(option)}\` has no effect with decay=${decay}`, help),
  missingOption: (span: Span, option: string, what: string) => error("E0209", span, `${what} needs \`${option}=\``),
  networkMustStartWithInput: (span: Span) =>
    error("E0210", span, "the network must start with `input N`", "write e.g. `input 4 -> dense 8 relu -> dense 1 sigmoid`"),
  inputTwice: (span: Span) => error("E0211", span, "`input` may appear only once, at the start of the network"),
  unknownLayer: (span: Span, word: string, help?: string) => error("E0212", span, `unknown layer type \`${x(word)}\``, help),
  missingRate: (span: Span) => error("E0222", span, "`dropout` needs a rate: the share of units dropped while training, in [0, 1)", "for example `dropout 0.2`"),
  missingSize: (span: Span, what: string) => error("E0213", span, `${what} needs a size (a positive integer)`),
  unknownActivation: (span: Span, word: string, help?: string) => error("E0214", span, `unknown activation \`${x(word)}\``, help),
  unexpectedArgument: (span: Span, where: string) => error("E0215", span, `unexpected argument for ${where}`),
  noNetwork: (span: Span) =>
    error("E0216", span, "the program has no network", "start with e.g. `input 4 -> dense 8 relu -> dense 1 sigmoid`"),
  noLayers: (span: Span) => error("E0217", span, "the network has no layers", "add at least one `-> dense N` after `input`"),
  unknownName: (span: Span, what: string, word: string, help?: string) => error("E0218", span, `unknown ${what} \`${x(word)}\``, help),
  nameTooLong: (span: Span, length: number, limit: number) =>
    error("E0221", span, `the model name is ${length} characters long, over the limit of ${limit}`),
  layerOptionsNotAllowed: (span: Span, activation: string) => error("E0220", span, `activation \`${activation}\` takes no options`),
};
