/** The mlpc version, written into every generated module's header. Keep in step with package.json. */
export const VERSION = "0.1.0";
