import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** One file of the built page, held in memory. */
export interface StaticAsset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  /** Hashed file names (Vite's assets/) never change: cached for a year. */
  readonly immutable: boolean;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

/** Where the build puts the page (dist/web beside dist/index.js; from src, the package's dist/web). */
export function defaultAssetsDirectory(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const fromDist = join(here, "web");
  try {
    if (statSync(join(fromDist, "index.html")).isFile()) return fromDist;
  } catch {}
  return join(here, "..", "dist", "web");
}

/** Every file of the built page by URL path (`/index.html`, `/assets/index-3f2a.js`). */
export function loadStaticAssets(directory: string): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const body = readFileSync(path);
        const url = `/${relative(directory, path).split(sep).join("/")}`;
        assets.set(url, {
          body,
          type: TYPES[extname(path)] ?? "application/octet-stream",
          etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
          immutable: url.startsWith("/assets/"),
        });
      }
    }
  };
  try {
    walk(directory);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ENOENT") throw cause;
    throw new Error(
      `the page is not built (no ${directory}): run \`pnpm --filter @falco-sdk/ui build\`, or ` +
        "give assetsDirectory",
      { cause },
    );
  }
  return assets;
}
