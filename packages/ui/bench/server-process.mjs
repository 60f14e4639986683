// A child process for the RSS figures. `ui DIR`: the UI server on the store in DIR; it prints
// {"url", "logins": [...]} and serves until stdin ends. `store DIR` (the baseline): the store
// alone, which runs the queries the first view makes (first page, facets) in-process, then waits.
import { once } from "node:events";
import { openAlertStore } from "@falco-sdk/store";
import { createAlertUiServer } from "../dist/index.js";

const [mode, directory] = process.argv.slice(2);
const store = openAlertStore({ directory, durable: false });
if (mode === "ui") {
  const server = await createAlertUiServer({ store, directory, port: 0 });
  const logins = Array.from({ length: 4 }, () => server.loginUrl());
  console.log(JSON.stringify({ url: server.url, logins }));
  process.stdin.resume();
  await once(process.stdin, "end");
  await server.close();
} else {
  const fields = ["k8s.ns.name", "container.image.repository"];
  for (let i = 0; i < 5; i++) {
    store.query({ limit: 100 });
    store.facets({ fields, limit: 8 });
  }
  console.log(JSON.stringify({ ready: true }));
  process.stdin.resume();
  await once(process.stdin, "end");
}
store.close();
