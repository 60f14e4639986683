// Alerts for the UI benchmarks: 20 hosts, 12 rules, 10 namespaces, 8 images, 5 priorities; the
// event time spread over the last 24 h when `spreadMs` is given, else now.
const RULES = Array.from({ length: 12 }, (_, i) => `Bench rule ${i}`);
const PRIORITIES = ["Emergency", "Critical", "Error", "Warning", "Notice"];

/** One alert's Falco JSON (one line). */
export function benchAlertJson(i, timeMs = Date.now()) {
  const time = new Date(timeMs).toISOString().replace("Z", "000000Z");
  return (
    `{"hostname":"node-${i % 20}","output":"12:00:00.000000000: Warning Shell spawned in a container (user=root n=${i})",` +
    `"output_fields":{"container.image.repository":"registry.example/app-${i % 8}","evt.num":${9007199254740993n + BigInt(i)},` +
    `"k8s.ns.name":"ns-${i % 10}","proc.cmdline":"bash -c id ${i}","proc.name":"bash","user.name":"root"},` +
    `"priority":"${PRIORITIES[i % 5]}","rule":"${RULES[i % 12]}","source":"syscall","tags":["container","shell"],"time":"${time}"}`
  );
}
