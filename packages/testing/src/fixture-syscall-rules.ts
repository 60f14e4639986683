import type { FixtureContext, FixtureRule } from "./fixture-types.js";

/** Appended to syscall rule outputs, like Falco's `%container.info` plus k8s fields. */
export const CONTAINER_OUTPUT =
  "container_id=%container.id container_name=%container.name " +
  "image=%container.image.repository:%container.image.tag k8s_ns=%k8s.ns.name k8s_pod=%k8s.pod.name";

const USERS = [
  ["root", "0"],
  ["www-data", "33"],
  ["ubuntu", "1000"],
  ["nobody", "65534"],
] as const;

function user({ random }: FixtureContext) {
  const [name, uid] = random.pick(USERS);
  return { "user.name": name, "user.uid": uid, "user.loginuid": random.pick(["-1", uid]) };
}

function proc(context: FixtureContext, name: string, cmdline: string, parent: string) {
  return {
    "proc.name": name,
    "proc.cmdline": cmdline,
    "proc.pname": parent,
    "proc.pid": String(context.random.int(300, 65_000)),
    "proc.exepath": `/usr/bin/${name}`,
  };
}

const shell = (c: FixtureContext) => c.random.pick(["bash", "sh", "zsh", "ash"]);
const ip = (c: FixtureContext) =>
  `10.${c.random.int(0, 255)}.${c.random.int(0, 255)}.${c.random.int(1, 254)}`;

/** Syscall rules (Falco's default and incubating rules; two priorities raised to cover all eight). */
export const SYSCALL_RULES: readonly FixtureRule[] = [
  {
    rule: "Terminal shell in container",
    containerOnly: true,
    priority: "Notice",
    source: "syscall",
    tags: ["maturity_stable", "container", "shell", "mitre_execution", "T1059"],
    output: `A shell was spawned in a container with an attached terminal (evt_type=%evt.type user=%user.name user_uid=%user.uid user_loginuid=%user.loginuid process=%proc.name parent=%proc.pname command=%proc.cmdline terminal=%proc.tty ${CONTAINER_OUTPUT})`,
    fields: (c) => {
      const sh = shell(c);
      return {
        "evt.type": "execve",
        ...user(c),
        ...proc(c, sh, sh, c.random.pick(["runc", "containerd-shim"])),
        "proc.tty": String(c.random.int(34816, 34830)),
      };
    },
    weight: 3,
  },
  {
    rule: "Read sensitive file untrusted",
    priority: "Warning",
    source: "syscall",
    tags: [
      "maturity_stable",
      "host",
      "container",
      "filesystem",
      "mitre_credential_access",
      "T1555",
    ],
    output: `Sensitive file opened for reading by non-trusted program (file=%fd.name gparent=%proc.aname[2] evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "fd.name": c.random.pick(["/etc/shadow", "/etc/sudoers", "/etc/pam.conf"]),
      "proc.aname[2]": c.random.pick(["bash", null]),
      "evt.type": "openat",
      ...user(c),
      ...proc(c, "cat", "cat /etc/shadow", "bash"),
    }),
    weight: 2,
  },
  {
    rule: "Write below etc",
    priority: "Error",
    source: "syscall",
    tags: ["maturity_stable", "host", "container", "filesystem", "mitre_persistence", "T1098"],
    output: `File below /etc opened for writing (file=%fd.name pcmdline=%proc.pcmdline evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "fd.name": c.random.pick(["/etc/passwd", "/etc/hosts", "/etc/crontab", "/etc/ld.so.preload"]),
      "proc.pcmdline": "bash",
      "evt.type": "openat",
      ...user(c),
      ...proc(c, "tee", "tee -a /etc/passwd", "bash"),
    }),
  },
  {
    rule: "Drop and execute new binary in container",
    containerOnly: true,
    priority: "Critical",
    source: "syscall",
    tags: [
      "maturity_stable",
      "container",
      "process",
      "mitre_persistence",
      "TA0003",
      "PCI_DSS_11.5.1",
    ],
    output: `Executing binary not part of base image (proc_exe=%proc.exe proc_sname=%proc.sname gparent=%proc.aname[2] evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => {
      const binary = `/tmp/${c.random.alnum(8)}`;
      return {
        "proc.exe": binary,
        "proc.sname": "bash",
        "proc.aname[2]": "containerd-shim",
        "evt.type": "execve",
        ...user(c),
        ...proc(c, binary.slice(5), binary, "bash"),
      };
    },
  },
  {
    rule: "Fileless execution via memfd_create",
    priority: "Alert",
    source: "syscall",
    tags: ["maturity_stable", "host", "container", "process", "mitre_defense_evasion", "T1620"],
    output: `Fileless execution via memfd_create (container_start_ts=%container.start_ts proc_cwd=%proc.cwd evt_res=%evt.res proc_sname=%proc.sname gparent=%proc.aname[2] evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "container.start_ts": String(c.timeNs - BigInt(c.random.int(60, 86_400)) * 1_000_000_000n),
      "proc.cwd": "/tmp/",
      "evt.res": "SUCCESS",
      "proc.sname": "bash",
      "proc.aname[2]": "bash",
      "evt.type": "execve",
      ...user(c),
      ...proc(c, "3", "3", "python3"),
    }),
  },
  {
    rule: "Linux Kernel Module Injection Detected",
    priority: "Emergency",
    source: "syscall",
    tags: ["maturity_incubating", "host", "process", "mitre_persistence", "TA0003"],
    output: `Linux Kernel Module injection from container detected (parent_exepath=%proc.pexepath gparent=%proc.aname[2] module=%proc.args evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "proc.pexepath": "/usr/bin/bash",
      "proc.aname[2]": null,
      "proc.args": "rootkit.ko",
      "evt.type": "init_module",
      ...user(c),
      ...proc(c, "insmod", "insmod rootkit.ko", "bash"),
    }),
    weight: 0.5,
  },
  {
    rule: "Contact K8S API Server From Container",
    containerOnly: true,
    priority: "Notice",
    source: "syscall",
    tags: ["maturity_stable", "container", "network", "k8s", "mitre_discovery", "T1565"],
    output: `Unexpected connection to K8s API Server from container (connection=%fd.name lport=%fd.lport rport=%fd.rport fd_type=%fd.type evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "fd.name": `${ip(c)}:${c.random.int(32_768, 60_999)}->10.96.0.1:443`,
      "fd.lport": String(c.random.int(32_768, 60_999)),
      "fd.rport": "443",
      "fd.type": "ipv4",
      "evt.type": "connect",
      ...user(c),
      ...proc(c, "curl", "curl -k https://kubernetes.default/api", "bash"),
    }),
  },
  {
    rule: "Redirect STDOUT/STDIN to Network Connection in Container",
    containerOnly: true,
    priority: "Notice",
    source: "syscall",
    tags: ["maturity_stable", "container", "network", "process", "mitre_execution", "T1059"],
    output: `Redirect stdout/stdin to network connection (gparent=%proc.aname[2] fd.sip=%fd.sip connection=%fd.name evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "proc.aname[2]": "bash",
      "fd.sip": ip(c),
      "fd.name": `${ip(c)}:4444`,
      "evt.type": "dup2",
      ...user(c),
      ...proc(c, "bash", "bash -i", "nc"),
    }),
  },
  {
    rule: "Clear Log Activities",
    priority: "Warning",
    source: "syscall",
    tags: [
      "maturity_stable",
      "host",
      "container",
      "filesystem",
      "mitre_defense_evasion",
      "T1070",
      "NIST_800-53_AU-10",
    ],
    output: `Log files were tampered (file=%fd.name evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "fd.name": c.random.pick(["/var/log/syslog", "/var/log/auth.log", "/var/log/lastlog"]),
      "evt.type": "openat",
      ...user(c),
      ...proc(c, "truncate", "truncate -s0 /var/log/auth.log", "bash"),
    }),
  },
  {
    rule: "Packet socket created in container",
    containerOnly: true,
    priority: "Notice",
    source: "syscall",
    tags: ["maturity_stable", "container", "network", "mitre_credential_access", "T1557.002"],
    output: `Packet socket was created in a container (socket_info=%evt.args connection=%fd.name evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "evt.args": "domain=17(AF_PACKET) type=3 proto=768",
      "fd.name": null,
      "evt.type": "socket",
      ...user(c),
      ...proc(c, "tcpdump", "tcpdump -i eth0", "bash"),
    }),
  },
  {
    rule: "Detect outbound connections to common miner pool ports",
    priority: "Critical",
    source: "syscall",
    tags: ["maturity_sandbox", "host", "container", "network", "mitre_impact", "T1496"],
    output: `Outbound connection to IP/Port flagged by https://cryptoioc.ch (ip=%fd.rip connection=%fd.name evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => {
      const rip = `203.0.113.${c.random.int(1, 254)}`;
      return {
        "fd.rip": rip,
        "fd.name": `${ip(c)}:${c.random.int(32_768, 60_999)}->${rip}:3333`,
        "evt.type": "connect",
        ...user(c),
        ...proc(c, "xmrig", "xmrig -o pool:3333", "sh"),
      };
    },
  },
  {
    rule: "Launch Privileged Container",
    containerOnly: true,
    priority: "Informational",
    source: "syscall",
    tags: ["maturity_incubating", "container", "cis", "mitre_execution", "T1610", "PCI_DSS_10.2.5"],
    output: `Privileged container started (evt_type=%evt.type user=%user.name process=%proc.name command=%proc.cmdline ${CONTAINER_OUTPUT})`,
    fields: (c) => ({
      "evt.type": "container",
      ...user(c),
      ...proc(c, "runc", "runc init", "containerd-shim"),
    }),
  },
];
