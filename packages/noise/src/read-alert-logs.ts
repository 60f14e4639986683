import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { type Alert, ConfigurationError, FalcoError, tryParseAlertLine } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "alert-log": AlertLogError;
  }
}

/** A log that could not be read as Falco output (bad gzip data, read error mid-file). */
export class AlertLogError extends FalcoError<"alert-log"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("alert-log", message, options);
  }
}

/** What {@link readAlertLogs} counted. */
export interface AlertLogStats {
  /** Lines that were not JSON alerts (Falco's start-up messages, text output). */
  skipped: number;
  /** Lines read, over every file: alerts, skipped lines and blank lines. */
  lines: number;
}

async function openLog(path: string): Promise<NodeJS.ReadableStream> {
  const stream: Readable = path === "-" ? process.stdin : createReadStream(path);
  // Gzip is told by its magic bytes, not the name: `falco.log.1.gz` or a renamed file.
  const first = await new Promise<Buffer | null>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      reject(
        new ConfigurationError(`cannot read ${path} (${code}): check the path and its permissions`),
      );
    };
    stream.once("error", onError);
    stream.once("readable", () => {
      stream.off("error", onError);
      resolve(stream.read() as Buffer | null);
    });
  });
  if (first === null) return Readable.from([]);
  stream.unshift(first);
  if (first[0] === 0x1f && first[1] === 0x8b) {
    const gunzip = createGunzip();
    stream.pipe(gunzip);
    stream.on("error", (e) => gunzip.destroy(e));
    return gunzip;
  }
  return stream;
}

/**
 * The alerts of Falco JSON logs (json_output files, journals, stdout captures),
 * file after file; `-` is stdin; gzip is decompressed. Lines that are not JSON
 * alerts are counted in `stats.skipped` and skipped.
 *
 * @throws ConfigurationError for a file that cannot be opened; AlertLogError for
 *   one that breaks while being read (e.g. truncated gzip).
 */
export async function* readAlertLogs(
  paths: readonly string[],
  stats: AlertLogStats,
): AsyncGenerator<Alert> {
  for (const path of paths) {
    const input = await openLog(path);
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of lines) {
        stats.lines++;
        const alert = tryParseAlertLine(line);
        if (alert) yield alert;
        else if (line.trim() !== "") stats.skipped++;
      }
    } catch (error) {
      if (error instanceof FalcoError) throw error;
      const name = path === "-" ? "stdin" : path;
      throw new AlertLogError(`cannot read ${name}: ${(error as Error).message}`, { cause: error });
    }
  }
}
