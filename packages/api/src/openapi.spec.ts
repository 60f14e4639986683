import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AlertStore } from "@falco-sdk/store";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type AlertApi, createAlertApi, ROUTES } from "./alert-api.js";
import { get, removeTempDirs, SseClient, tempStore, testAlerts } from "./test-helpers.js";

interface Parameter {
  name: string;
  in: "query" | "header";
  example: unknown;
  schema: Record<string, unknown>;
}
type Operation = {
  parameters?: ({ $ref: string } | Parameter)[];
  responses: Record<string, unknown>;
};

const doc = parse(readFileSync(new URL("../openapi.yaml", import.meta.url), "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(doc, "openapi");

function resolve<T>(node: T | { $ref: string }): T {
  if (node && typeof node === "object" && "$ref" in node) {
    const path = node.$ref.replace(/^#\//, "").split("/");
    return path.reduce(
      (at: Record<string, unknown>, key) => at[key] as Record<string, unknown>,
      doc,
    ) as T;
  }
  return node as T;
}

/** Validates `value` against the schema at a JSON pointer of the file, failing with ajv's errors. */
function check(pointer: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi#${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  const ok = validate(value);
  expect(ok ? [] : validate.errors, `${pointer}: ${JSON.stringify(value).slice(0, 300)}`).toEqual(
    [],
  );
}

function schemaPointer(operationPath: string, status: string, media: string): string {
  const response = resolve(doc.paths[operationPath].get.responses[status]) as {
    content: Record<string, { schema: { $ref?: string } }>;
  };
  const schema = response.content[media]?.schema;
  if (schema?.$ref) return schema.$ref.slice(1);
  const ref = `/paths/${operationPath.replaceAll("/", "~1")}/get/responses/${status}/content/${media.replace("/", "~1")}/schema`;
  return ref;
}

const ALERT = "/components/schemas/Alert";
let server: Server;
let api: AlertApi;
let store: AlertStore;
let base: string;

beforeAll(async () => {
  store = tempStore();
  store.append(testAlerts(0, 30));
  api = createAlertApi({ store, extraStats: () => ({ relay: { subscribers: 1 } }) });
  server = createServer(api);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  api.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  store.close();
  removeTempDirs();
});

/** Requests `path` with one parameter set to `value` and checks the answer against the file. */
async function request(path: string, parameter: Parameter | undefined, value: unknown) {
  const url = new URL(`${base}${path}`);
  const headers: Record<string, string> = {};
  if (parameter?.in === "header") headers[parameter.name] = String(value);
  else if (parameter) {
    for (const v of Array.isArray(value) ? value : [value])
      url.searchParams.append(parameter.name, String(v));
  }
  if (path.endsWith("/stream")) {
    if (!parameter) url.searchParams.set("after", "0");
    const client = new SseClient(url.href, { headers });
    await client.opened;
    if (client.status !== 200) {
      client.close();
      return (await get(url.href, { headers })) as { status: number; body: string };
    }
    for (;;) {
      const event = await client.next();
      if (event.event === "alert") check(ALERT, JSON.parse(event.data));
      else
        check(
          `/components/schemas/${event.event === "gap" ? "Gap" : "CaughtUp"}`,
          JSON.parse(event.data),
        );
      if (event.event === "caught-up") break;
    }
    client.close();
    return { status: 200, body: "" };
  }
  const reply = await get(url.href, { headers });
  if (reply.status === 200) {
    const media = (reply.headers["content-type"] ?? "").split(";")[0] as string;
    if (media === "application/x-ndjson") {
      for (const line of reply.body.split("\n").filter(Boolean)) check(ALERT, JSON.parse(line));
    } else {
      expect(media).toBe("application/json");
      check(schemaPointer(path, "200", media), JSON.parse(reply.body));
    }
  } else {
    check("/components/schemas/Error", JSON.parse(reply.body));
  }
  return reply;
}

/** A value each parameter's schema refuses, and the server must answer with 400. */
function invalidValue(p: Parameter): string | undefined {
  const schema = resolve(p.schema) as Record<string, unknown>;
  const items = schema.items ? resolve(schema.items as Record<string, unknown>) : undefined;
  if (schema.type === "integer" || schema.pattern) return "x";
  if (p.name === "since" || p.name === "until") return "yesterday";
  if (p.name.endsWith("riority")) return "urgent";
  if (items && (items as { minLength?: number }).minLength) return "";
  return undefined;
}

describe("openapi.yaml", () => {
  it("documents every route the server has, and only those", () => {
    expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  for (const [path, item] of Object.entries(doc.paths as Record<string, { get: Operation }>)) {
    const parameters = (item.get.parameters ?? []).map((p) => resolve<Parameter>(p));
    it(`${path} answers as documented without parameters`, async () => {
      expect((await request(path, undefined, undefined)).status).toBe(200);
    });
    for (const parameter of parameters) {
      it(`${path} takes ${parameter.name}=${JSON.stringify(parameter.example)} as documented`, async () => {
        expect((await request(path, parameter, parameter.example)).status).toBe(200);
      });
      const bad = invalidValue(parameter);
      if (bad !== undefined) {
        it(`${path} refuses ${parameter.name}=${JSON.stringify(bad)} with 400 naming it`, async () => {
          const reply = await request(path, parameter, bad);
          expect(reply.status).toBe(400);
          expect(JSON.parse(reply.body).error.message.startsWith(parameter.name)).toBe(true);
        });
      }
    }
    it(`${path} refuses an unknown parameter with 400, and other methods with 405`, async () => {
      const reply = await request(
        path,
        { name: "nope", in: "query", example: "", schema: {} },
        "1",
      );
      expect(reply.status).toBe(400);
      const post = await get(`${base}${path}`, { method: "POST" });
      expect(post.status).toBe(405);
      check("/components/schemas/Error", JSON.parse(post.body));
    });
  }

  it("answers an unknown path with 404 and the Error schema", async () => {
    const reply = await get(`${base}/api/v1/nope`);
    expect(reply.status).toBe(404);
    check("/components/schemas/Error", JSON.parse(reply.body));
  });
});
