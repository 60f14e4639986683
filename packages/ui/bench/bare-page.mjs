// The live baseline: a minimal node:http SSE writer and a bare page whose EventSource appends one
// <div data-cursor> per alert and keeps the newest MAX_ROWS (bounded like the UI's virtual table).
// No store, no cursor resume, no parsing beyond JSON.parse, no CSP: what a page costs at least.
import { createServer } from "node:http";

const MAX_ROWS = 200;
const PAGE = `<!doctype html><meta charset="utf-8"><title>bare</title><div id="table"></div><script>
const table = document.getElementById("table");
const source = new EventSource("/stream");
source.addEventListener("open", () => { document.body.dataset.state = "live"; });
source.addEventListener("alert", (event) => {
  const alert = JSON.parse(event.data);
  const row = document.createElement("div");
  row.className = "row";
  row.dataset.cursor = event.lastEventId;
  row.textContent = alert.time + " " + alert.priority + " " + alert.rule + " " + alert.output;
  table.prepend(row);
  if (table.childElementCount > ${MAX_ROWS}) table.lastElementChild.remove();
});
</script>`;

/** Starts the bare server; `emit(jsons, firstCursor)` writes each alert to every open stream. */
export async function startBarePage() {
  const clients = new Set();
  const server = createServer((req, res) => {
    if (req.url === "/stream") {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
      res.flushHeaders();
      res.socket.setNoDelay(true);
      clients.add(res);
      res.on("close", () => clients.delete(res));
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(PAGE);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    emit(jsons, firstCursor) {
      let text = "";
      jsons.forEach((json, i) => {
        text += `id: ${firstCursor + i}\nevent: alert\ndata: ${json}\n\n`;
      });
      for (const res of clients) res.write(text);
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
