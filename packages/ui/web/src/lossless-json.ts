// JSON read without JSON.parse's numbers: a number keeps the text the server sent, so a 64-bit
// integer (a thread id, an inode) shows exactly as Falco wrote it, and objects keep their key
// order (integer-like keys too). Objects and arrays remember where they are in the text.

/** A JSON number, as its text. */
export class JsonNumber {
  constructor(readonly raw: string) {}
}

/** A JSON object: its entries in document order, and its span in the source text. */
export class JsonObject {
  constructor(
    readonly entries: [string, JsonValue][],
    readonly start: number,
    readonly end: number,
  ) {}
  get(key: string): JsonValue | undefined {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }
}

export type JsonValue = string | boolean | null | JsonNumber | JsonObject | JsonValue[];

/** A document that is not JSON. */
export class JsonSyntaxError extends Error {
  readonly code = "json-syntax";
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings cannot hold raw control characters
const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;

/** Parses a JSON document; numbers stay text. */
export function parseLossless(text: string): JsonValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${i}`);
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      const start = i++;
      const entries: [string, JsonValue][] = [];
      ws();
      if (text[i] === "}") return new JsonObject(entries, start, ++i);
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key");
        const key = value() as string;
        ws();
        if (text[i++] !== ":") fail("expected ':'");
        entries.push([key, value()]);
        ws();
        const sep = text[i++];
        if (sep === "}") return new JsonObject(entries, start, i);
        if (sep !== ",") fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const items: JsonValue[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        const sep = text[i++];
        if (sep === "]") return items;
        if (sep !== ",") fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      STRING.lastIndex = i;
      const m = STRING.exec(text);
      if (!m) fail("bad string");
      i += (m as RegExpExecArray)[0].length;
      return JSON.parse((m as RegExpExecArray)[0]) as string;
    }
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail("unexpected character");
    i += (m as RegExpExecArray)[0].length;
    return new JsonNumber((m as RegExpExecArray)[0]);
  };
  const result = value();
  ws();
  if (i !== text.length) fail("trailing text");
  return result;
}

/** The value as indented JSON text; numbers exactly as they were read. */
export function formatLossless(value: JsonValue, indent = 2, depth = 0): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof JsonNumber) return value.raw;
  const pad = " ".repeat(indent * (depth + 1));
  const close = " ".repeat(indent * depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + formatLossless(v, indent, depth + 1)).join(",\n")}\n${close}]`;
  }
  if (value.entries.length === 0) return "{}";
  const lines = value.entries.map(
    ([k, v]) => `${pad}${JSON.stringify(k)}: ${formatLossless(v, indent, depth + 1)}`,
  );
  return `{\n${lines.join(",\n")}\n${close}}`;
}

/** The value as short text for a table cell: strings as they are, anything else as JSON. */
export function cellText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return formatLossless(value, 0).replaceAll("\n", "");
}
