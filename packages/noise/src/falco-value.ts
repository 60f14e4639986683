import { NoiseExceptionError } from "./exception-error.js";

/**
 * A value as a Falco condition string: always double-quoted, with `\` `"` and the control
 * characters Falco's filter parser unescapes (`\b \f \n \r \t`) escaped.
 *
 * Why always quoted: Falco builds an exception's condition by pasting its values into
 * `field comp value` text, quoting a value only when it has a space (`quote_item` in Falco's
 * rule_loader_compiler.cpp), and then replaces the name of any list of the loaded rules found
 * between blanks, commas, parentheses or `=` (`resolve_list`). A bare value equal to a list's
 * name (a process named `shell_binaries`) would become that list's items, and a value with a
 * quote or a comma would end the value early. A value that starts with `"` is left as it is, and
 * the parser (libsinsp's `lex_quoted_str` and `unescape_str`) reads the escapes back, so the
 * value Falco compares is exactly the one given.
 * @throws NoiseExceptionError (`unsafe-value`) for a NUL (Falco reads C strings) and for a value
 * that ends with `\` (Falco's lexer would read the closing quote as escaped).
 */
export function falcoQuote(value: string, field = "a value"): string {
  if (value.includes("\u0000"))
    throw new NoiseExceptionError(
      "unsafe-value",
      `${field} has a NUL character, which Falco cannot compare: pick another field`,
    );
  if (value.endsWith("\\"))
    throw new NoiseExceptionError(
      "unsafe-value",
      `${field}=${JSON.stringify(value)} ends with a backslash, which Falco's condition parser misreads: pick another field or a startswith prefix`,
    );
  const escaped = value.replace(/[\\"\b\f\n\r\t]/g, (c) => ESCAPES[c] as string);
  return `"${escaped}"`;
}

const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** The value of a Falco-quoted string (the inverse of {@link falcoQuote}), for tests and reading back. */
export function falcoUnquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"'))
    throw new TypeError(`${JSON.stringify(text)} is not a Falco-quoted string`);
  const back: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
  return text.slice(1, -1).replace(/\\(.)/gs, (_, c: string) => back[c] ?? c);
}
