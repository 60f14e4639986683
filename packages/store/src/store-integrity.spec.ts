import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import {
  StoreAccessError,
  StoreCorruptError,
  StoreForeignError,
  StoreFullError,
} from "./store-errors.js";
import { testAlerts } from "./test-alerts.js";
import { useTempDirs } from "./test-dirs.test.js";

const tempDir = useTempDirs();

describe("a store directory that cannot be used", () => {
  it("refuses a file that is not SQLite, and leaves it as it was", () => {
    const directory = tempDir();
    const file = join(directory, "alerts.db");
    writeFileSync(file, "these are my notes, not a database\n");
    expect(() => openAlertStore({ directory })).toThrow(StoreForeignError);
    expect(readFileSync(file, "utf8")).toBe("these are my notes, not a database\n");
  });

  it("refuses another program's SQLite database without writing to it", () => {
    const directory = tempDir();
    const file = join(directory, "alerts.db");
    const other = new Database(file);
    other.exec(
      "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)",
    );
    other.close();
    const before = readFileSync(file);
    expect(() => openAlertStore({ directory })).toThrow(/not a falco-sdk store/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses a damaged store with a clear error and never overwrites it", () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    store.append(testAlerts(0, 200));
    store.close();
    const file = join(directory, "alerts.db");
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 100, 4096); // the schema page, after the file header
    writeFileSync(file, bytes);
    const error = (() => {
      try {
        openAlertStore({ directory }).close();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as Error).message).toMatch(/damaged.*left as it is.*another directory/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it("says a directory it cannot write is the problem", () => {
    const error = (() => {
      try {
        openAlertStore({ directory: "/proc/self/falco-store" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreAccessError);
    expect((error as Error).message).toMatch(/permissions/);
  });

  it.runIf(process.getuid?.() === 0)(
    "says a read-only file system is the problem (tmpfs, root)",
    () => {
      const mnt = join(tempDir(), "ro");
      mkdirSync(mnt);
      execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", mnt]);
      try {
        expect(() => openAlertStore({ directory: join(mnt, "store") })).toThrow(StoreAccessError);
      } finally {
        execFileSync("umount", [mnt]);
      }
    },
  );

  it.runIf(process.getuid?.() === 0)(
    "on a full disk, refuses the whole batch and keeps every stored alert (tmpfs, root)",
    () => {
      const directory = tempDir();
      const mnt = join(directory, "small");
      mkdirSync(mnt);
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt]);
      try {
        const store = openAlertStore({ directory: mnt });
        let stored = 0;
        let full: unknown;
        for (let i = 0; i < 1000 && full === undefined; i++) {
          try {
            stored = store.append(testAlerts(i * 20, i * 20 + 20))?.last ?? stored;
          } catch (e) {
            full = e;
          }
        }
        expect(full).toBeInstanceOf(StoreFullError);
        expect((full as Error).message).toMatch(/full.*append them again/);
        expect(store.stats().lastCursor).toBe(stored);
        let n = 0;
        for (const _ of store.query({ limit: 1000 }).alerts) n++;
        expect(n).toBe(Math.min(stored, 1000));
        store.close();
        const again = openAlertStore({ directory: mnt });
        expect(again.stats().count).toBe(stored);
        again.close();
      } finally {
        execFileSync("umount", [mnt]);
      }
    },
  );
});
