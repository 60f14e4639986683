// Falco alerts as Slack incoming-webhook messages: `text` (the notification and the
// fallback of Slack-compatible servers) plus an attachment coloured by priority that
// holds Block Kit blocks (https://api.slack.com/messaging/webhooks).

const COLORS = {
  Emergency: "#7b0000",
  Alert: "#b00020",
  Critical: "#d62728",
  Error: "#ff7f0e",
  Warning: "#ffbf00",
  Notice: "#1f77b4",
  Informational: "#2ca02c",
  Debug: "#999999",
};

// Slack's mrkdwn needs &, < and > escaped; nothing else.
const mrkdwn = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Slack refuses a section text over 3000 characters.
const cut = (text, max) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The message for one alert. */
export function alertMessage(alert) {
  const where = [
    alert.hostname,
    alert.outputFields["k8s.ns.name"],
    alert.outputFields["k8s.pod.name"],
  ]
    .filter((v) => v !== undefined && v !== null && v !== "" && v !== "<NA>")
    .join(" / ");
  const text = `Falco ${alert.priority}: ${alert.rule}${where ? ` on ${where}` : ""}`;
  return {
    text: mrkdwn(text),
    attachments: [
      {
        color: COLORS[alert.priority] ?? "#999999",
        fallback: mrkdwn(cut(alert.output, 500)),
        blocks: [
          {
            type: "section",
            text: {
              type: "mrkdwn",
              text: `*${mrkdwn(alert.rule)}*\n${mrkdwn(cut(alert.output, 2800))}`,
            },
          },
          {
            type: "context",
            elements: [
              {
                type: "mrkdwn",
                text: mrkdwn(
                  `${alert.priority} · ${alert.source} · ${alert.time.toISOString()}` +
                    (alert.tags.length > 0 ? ` · ${alert.tags.join(", ")}` : ""),
                ),
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The message that summarises alerts held back by the rate limit. */
export function digestMessage(digest) {
  const lines = digest.rules
    .slice(0, 15)
    .map((r) => `• ${r.count} × *${mrkdwn(r.rule)}* (${r.priority})`);
  if (digest.rules.length > 15) lines.push(`• … and ${digest.rules.length - 15} more rules`);
  const span = `${digest.first.toISOString()} to ${digest.last.toISOString()}`;
  const text = `Falco: ${digest.held} alerts held back by the rate limit (${span})`;
  return {
    text: mrkdwn(text),
    attachments: [
      {
        color: COLORS[digest.priority] ?? "#999999",
        fallback: mrkdwn(text),
        blocks: [{ type: "section", text: { type: "mrkdwn", text: cut(lines.join("\n"), 2900) } }],
      },
    ],
  };
}
