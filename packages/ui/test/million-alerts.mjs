// The alerts of the 1M-alert browser test, a pure function of their number: the store is filled
// from it in a child process and the test counts from it independently (never from the store).
// Realistic in shape: Falco's rules with their priorities and tags, weighted (a noisy shell rule
// and rare critical ones), 24 hosts, 8 namespaces each with its images, and big-integer evt.num.

/** Falco rules: name, priority, share out of 100, tags, process, what the output says. */
export const RULES = [
  ["Terminal shell in container", "Notice", 38, ["container", "shell", "mitre_execution"], "bash"],
  [
    "Read sensitive file untrusted",
    "Warning",
    16,
    ["filesystem", "mitre_credential_access"],
    "cat",
  ],
  ["Contact K8S API Server From Container", "Notice", 14, ["k8s", "network"], "kubectl"],
  ["Write below etc", "Error", 10, ["filesystem", "mitre_persistence"], "sed"],
  ["Clear Log Activities", "Warning", 8, ["filesystem", "mitre_defense_evasion"], "truncate"],
  ["Launch Privileged Container", "Informational", 7, ["container", "cis"], "runc"],
  [
    "Drop and execute new binary in container",
    "Critical",
    5,
    ["container", "mitre_persistence"],
    "xmrig",
  ],
  ["Netcat Remote Code Execution in Container", "Warning", 2, ["network", "mitre_execution"], "nc"],
];
export const HOSTS = Array.from(
  { length: 24 },
  (_, k) => `ip-10-0-${k >> 3}-${17 + k * 5}.ec2.internal`,
);
/** Namespaces (with their share out of 100) and their images. */
export const NAMESPACES = [
  ["payments", 22, ["registry.example/payments-api", "registry.example/ledger"]],
  ["checkout", 18, ["registry.example/checkout-web", "docker.io/library/redis"]],
  ["search", 15, ["docker.elastic.co/elasticsearch/elasticsearch"]],
  ["ci", 14, ["registry.example/ci-runner", "docker.io/library/golang"]],
  ["kube-system", 12, ["registry.k8s.io/kube-proxy", "registry.k8s.io/coredns/coredns"]],
  ["monitoring", 9, ["quay.io/prometheus/prometheus", "docker.io/grafana/grafana"]],
  ["ingress-nginx", 6, ["registry.k8s.io/ingress-nginx/controller"]],
  ["default", 4, ["docker.io/library/busybox"]],
];
/** The files of "Read sensitive file untrusted" (the only alerts whose output names them). */
export const FILES = ["/etc/shadow", "/etc/sudoers", "/root/.ssh/id_rsa", "/etc/pam.d/common-auth"];

/** A 32-bit mix of the alert's number and a salt (splitmix-like): the same on every run. */
function mix(i, salt) {
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35);
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}
const weighted = (list, share, r) => {
  let left = r % 100;
  for (const item of list) {
    left -= share(item);
    if (left < 0) return item;
  }
  return list[list.length - 1];
};

/** The attributes of alert number `i` (0-based; it gets the store's cursor i + 1). */
export function millionAlert(i) {
  const [rule, priority, , tags, proc] = weighted(RULES, (r) => r[2], mix(i, 1));
  const [namespace, , images] = weighted(NAMESPACES, (n) => n[1], mix(i, 2));
  const hostname = HOSTS[mix(i, 3) % HOSTS.length];
  const image = images[mix(i, 4) % images.length];
  const file =
    rule === "Read sensitive file untrusted" ? FILES[mix(i, 5) % FILES.length] : undefined;
  return { rule, priority, tags, proc, namespace, hostname, image, file };
}

/** Alert `i`'s Falco JSON (one line); its time is `timeMs` (RFC 3339 with nanoseconds). */
export function millionAlertJson(i, timeMs) {
  const a = millionAlert(i);
  const time = new Date(timeMs)
    .toISOString()
    .replace("Z", `${String(i % 1000).padStart(3, "0")}000Z`);
  const pod = `${a.namespace}-${(mix(i, 6) % 0xfffff).toString(16)}`;
  const command = a.file ? `${a.proc} ${a.file}` : `${a.proc} -c id`;
  const container = (mix(i, 7) * 4096 + (i % 4096)).toString(16).padStart(12, "0").slice(0, 12);
  const output =
    `${time.slice(11, 29)}: ${a.priority} ${a.rule} (user=root process=${a.proc} ` +
    `command=${command}${a.file ? ` file=${a.file}` : ""} container_id=${container} ` +
    `container_image=${a.image} k8s_ns=${a.namespace} k8s_pod=${pod} n=${i})`;
  const fields =
    `{"container.id":"${container}","container.image.repository":"${a.image}",` +
    `"evt.num":${9007199254740993n + BigInt(i)},${a.file ? `"fd.name":"${a.file}",` : ""}` +
    `"k8s.ns.name":"${a.namespace}","k8s.pod.name":"${pod}","proc.cmdline":"${command}",` +
    `"proc.name":"${a.proc}","user.name":"root"}`;
  return (
    `{"hostname":"${a.hostname}","output":${JSON.stringify(output)},"output_fields":${fields},` +
    `"priority":"${a.priority}","rule":"${a.rule}","source":"syscall",` +
    `"tags":${JSON.stringify(a.tags)},"time":"${time}"}`
  );
}

/** The event time of alert `i` of `count`, spread evenly over the `spanMs` before `endMs`. */
export function millionAlertTime(i, count, endMs, spanMs) {
  return endMs - spanMs + Math.floor((i * spanMs) / count);
}
