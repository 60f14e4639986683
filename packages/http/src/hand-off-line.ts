import { type Alert, formatAlertJson } from "@falco-sdk/core";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * The alert as one line of Falco JSON (no newline) for `handOff`: the body's own bytes when it
 * is JSON without a line break (Falco's http_output posts one alert per request, on one line),
 * else the parsed alert's JSON (a text/plain line, pretty-printed JSON).
 */
export function handOffLine(type: string, decoded: Buffer, alert: Alert): Buffer {
  if (
    type === "application/json" &&
    decoded.indexOf(NEWLINE) < 0 &&
    decoded.indexOf(CARRIAGE_RETURN) < 0
  ) {
    return decoded;
  }
  return Buffer.from(formatAlertJson(alert));
}
