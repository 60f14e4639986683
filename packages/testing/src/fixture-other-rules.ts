import type { FixtureContext, FixtureRule } from "./fixture-types.js";

const K8S_USERS = ["system:serviceaccount:ci:deployer", "alice@example.com", "kubernetes-admin"];
const ACCOUNT = "123456789012";

const srcIp = (c: FixtureContext) => `198.51.100.${c.random.int(1, 254)}`;

/** k8s_audit rules (Falco's k8s_audit_rules.yaml). */
export const K8S_AUDIT_RULES: readonly FixtureRule[] = [
  {
    rule: "Attach/Exec Pod",
    priority: "Notice",
    source: "k8s_audit",
    tags: ["k8s"],
    output:
      "Attach/Exec to pod (user=%ka.user.name pod=%ka.target.name resource=%ka.target.resource ns=%ka.target.namespace action=%ka.target.subresource command=%ka.uri.param[command])",
    fields: (c) => ({
      "ka.user.name": c.random.pick(K8S_USERS),
      "ka.target.name": c.workload.pod ?? `debug-${c.random.alnum(5)}`,
      "ka.target.resource": "pods",
      "ka.target.namespace": c.workload.namespace ?? "default",
      "ka.target.subresource": c.random.pick(["exec", "attach"]),
      "ka.uri.param[command]": c.random.pick(["bash", "sh", null]),
    }),
  },
  {
    rule: "Create Privileged Pod",
    priority: "Warning",
    source: "k8s_audit",
    tags: ["k8s"],
    output:
      "Pod started with privileged container (user=%ka.user.name pod=%ka.resp.name resource=%ka.target.resource ns=%ka.target.namespace images=%ka.req.pod.containers.image)",
    fields: (c) => ({
      "ka.user.name": c.random.pick(K8S_USERS),
      "ka.resp.name": `priv-${c.random.alnum(5)}`,
      "ka.target.resource": "pods",
      "ka.target.namespace": c.workload.namespace ?? "default",
      "ka.req.pod.containers.image": "(docker.io/library/busybox:1.36)",
    }),
  },
  {
    rule: "K8s Secret Deleted",
    priority: "Informational",
    source: "k8s_audit",
    tags: ["k8s"],
    output:
      "K8s Secret Deleted (user=%ka.user.name secret=%ka.target.name ns=%ka.target.namespace resource=%ka.target.resource resp=%ka.response.code decision=%ka.auth.decision reason=%ka.auth.reason)",
    fields: (c) => ({
      "ka.user.name": c.random.pick(K8S_USERS),
      "ka.target.name": `db-credentials-${c.random.alnum(4)}`,
      "ka.target.namespace": c.workload.namespace ?? "default",
      "ka.target.resource": "secrets",
      "ka.response.code": "200",
      "ka.auth.decision": "allow",
      "ka.auth.reason": 'RBAC: allowed by ClusterRoleBinding "cluster-admin"',
    }),
  },
];

/** Plugin rules (aws_cloudtrail, okta and github plugins' rule files). */
export const PLUGIN_RULES: readonly FixtureRule[] = [
  {
    rule: "Console Login Without MFA",
    priority: "Critical",
    source: "aws_cloudtrail",
    tags: ["cloud", "aws", "aws_console", "aws_iam"],
    output:
      "Detected a console login without MFA (requesting user=%ct.user, requesting IP=%ct.srcip, AWS region=%ct.region)",
    fields: (c) => ({
      "ct.user": c.random.pick(["dev-alice", "ops-bob", "ci-bot"]),
      "ct.srcip": srcIp(c),
      "ct.region": c.random.pick(["us-east-1", "eu-west-1", "ap-southeast-2"]),
    }),
  },
  {
    rule: "Delete Bucket Public Access Block",
    priority: "Critical",
    source: "aws_cloudtrail",
    tags: ["cloud", "aws", "aws_s3"],
    output:
      "A public access block for a bucket has been deleted (requesting user=%ct.user, requesting IP=%ct.srcip, AWS region=%ct.region, account id=%s3.account, bucket=%s3.bucket)",
    fields: (c) => ({
      "ct.user": c.random.pick(["dev-alice", "ops-bob"]),
      "ct.srcip": srcIp(c),
      "ct.region": "us-east-1",
      "s3.account": ACCOUNT,
      "s3.bucket": `backups-${c.random.alnum(6)}`,
    }),
  },
  {
    rule: "User logged in to Okta without MFA",
    priority: "Warning",
    source: "okta",
    tags: ["okta", "mitre_initial_access", "T1078"],
    output:
      "A user has logged in Okta without MFA (user=%okta.actor.name, ip=%okta.client.ip, app=%okta.app)",
    fields: (c) => ({
      "okta.actor.name": c.random.pick(["alice@example.com", "bob@example.com"]),
      "okta.client.ip": srcIp(c),
      "okta.app": c.random.pick(["Salesforce", "AWS Console", null]),
    }),
  },
  {
    rule: "Secret pushed into a public repository",
    priority: "Critical",
    source: "github",
    tags: ["github"],
    output:
      "A secret was pushed into a public repository (repository=%github.repo repo_owner=%github.owner org=%github.org user=%github.user secret_types=%github.diff.committed_secrets.desc file=%github.diff.committed_secrets.files)",
    fields: (c) => ({
      "github.repo": `https://github.com/example/${c.random.pick(["api", "infra", "web"])}`,
      "github.owner": "example",
      "github.org": "example",
      "github.user": c.random.pick(["octocat", "dev-alice"]),
      "github.diff.committed_secrets.desc": "AWS Access Key",
      "github.diff.committed_secrets.files": "config/prod.env",
    }),
  },
];

/** Falco's internal alerts: `output` is the message, Falco appends `(k=v ...)`. */
export const INTERNAL_RULES: readonly FixtureRule[] = [
  {
    rule: "Falco internal: syscall event drop",
    priority: "Debug",
    source: "internal",
    tags: [],
    output: "Falco internal: syscall event drop. %n_drops system calls dropped in last second.",
    fields: (c) => {
      const drops = c.random.int(1, 400);
      const buffer = c.random.int(0, drops);
      return {
        ebpf_enabled: "0",
        n_drops: String(drops),
        n_drops_buffer_total: String(buffer),
        n_drops_bug: "0",
        n_drops_page_faults: "0",
        n_drops_scratch_map: String(drops - buffer),
        n_evts: String(c.random.int(10_000, 900_000)),
      };
    },
    weight: 0.5,
  },
];
