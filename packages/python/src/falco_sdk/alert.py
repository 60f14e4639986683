"""The Alert model, from a gRPC `falco.outputs.response`, and Falco's JSON shape."""

import datetime
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List

from ._gen.falco import outputs_pb2

PRIORITIES = ("Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug")
"""Falco's priorities by number: lower is more severe."""

_SOURCES = {0: "syscall", 1: "k8s_audit", 2: "internal", 3: "plugin"}


@dataclass(frozen=True)
class Alert:
    """One Falco alert. `priority` is Capitalised ("Warning"); `time_ns` is the exact time in
    nanoseconds since the epoch, `time` the same as a UTC `datetime` (microseconds)."""

    time_ns: int
    priority: str
    rule: str
    output: str
    output_fields: Dict[str, str] = field(default_factory=dict)
    hostname: str = ""
    tags: List[str] = field(default_factory=list)
    source: str = "syscall"

    @classmethod
    def from_response(cls, message: outputs_pb2.response) -> "Alert":
        """Builds an Alert from a `falco.outputs.response`: source from field 9, else field 3."""
        number = min(max(int(message.priority), 0), len(PRIORITIES) - 1)
        return cls(
            time_ns=message.time.seconds * 1_000_000_000 + message.time.nanos,
            priority=PRIORITIES[number],
            rule=message.rule,
            output=message.output,
            output_fields=dict(message.output_fields),
            hostname=message.hostname,
            tags=list(message.tags),
            source=message.source or _SOURCES.get(int(message.source_deprecated), "unknown"),
        )

    @property
    def time(self) -> datetime.datetime:
        """When the event happened, as an aware UTC datetime (truncated to microseconds)."""
        seconds, nanos = divmod(self.time_ns, 1_000_000_000)
        base = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
        return base.replace(microsecond=nanos // 1000)

    @property
    def time_rfc3339(self) -> str:
        """`time` as Falco's JSON writes it: RFC 3339, UTC, nanoseconds."""
        seconds, nanos = divmod(self.time_ns, 1_000_000_000)
        base = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
        return f"{base.strftime('%Y-%m-%dT%H:%M:%S')}.{nanos:09d}Z"

    def to_json(self) -> Dict[str, Any]:
        """The alert in Falco's JSON output shape (json_output, http_output)."""
        return {
            "hostname": self.hostname,
            "output": self.output,
            "output_fields": dict(self.output_fields),
            "priority": self.priority,
            "rule": self.rule,
            "source": self.source,
            "tags": list(self.tags),
            "time": self.time_rfc3339,
        }

    def json_line(self) -> str:
        """One line of Falco JSON (compact, UTF-8 kept)."""
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
