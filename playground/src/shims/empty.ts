/** Stands in for node built-ins in the browser bundle: only ts-morph's real-filesystem host would call them. */
export default {};
