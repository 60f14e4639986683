// A benchmark helper process (forked, IPC): resolves once it sends {type:"ready"}, then
// ask(msg) sends msg with an id and resolves with the answer carrying that id. A helper
// that exits on its own ends the benchmark (its answers would never come).
import { fork } from "node:child_process";

export async function startHelper(script, args = []) {
  const child = fork(script, args);
  let stopping = false;
  child.on("exit", (code, signal) => {
    if (stopping || code === 0) return;
    console.error(`${script} exited (${signal ?? `code ${code}`}); the benchmark cannot go on`);
    process.exit(1);
  });
  let nextId = 0;
  const pending = new Map();
  child.on("message", (msg) => {
    if (msg.id === undefined) return;
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  const ready = await new Promise((resolve) =>
    child.on("message", (m) => m.type === "ready" && resolve(m)),
  );
  return {
    ...ready,
    child,
    ask: (msg) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        child.send({ ...msg, id });
      }),
    stop() {
      stopping = true;
      child.disconnect();
    },
  };
}
