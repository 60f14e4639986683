"""Decodes the protoc-encoded vectors of packages/proto/vectors with the generated Python stubs."""

import datetime
from pathlib import Path

from falco_sdk.proto import outputs_pb2, schema_pb2, version_pb2

from falco_sdk import Alert

VECTORS = Path(__file__).resolve().parents[2] / "proto" / "vectors"


def read(name, message_type):
    return message_type.FromString((VECTORS / f"{name}.bin").read_bytes())


def test_full_response():
    message = read("response-full", outputs_pb2.response)
    alert = Alert.from_response(message)
    assert alert.to_json() == {
        "hostname": "web-1",
        "output": "23:29:32.918828894: Warning A shell was spawned in a container with an attached "
        "terminal (user=root container_id=bfb9637a47a6)",
        "output_fields": {
            "container.id": "bfb9637a47a6",
            "evt.time": "1651447772918828894",
            "user.loginuid": "0",
            "container.image.repository": "<NA>",
            "proc.cmdline": 'bash -il "x=1" ünïcødé',
        },
        "priority": "Warning",
        "rule": "Terminal shell in container",
        "source": "k8s_audit",
        "tags": ["container", "mitre_execution", "shell"],
        "time": "2022-05-01T23:29:32.918828894Z",
    }
    assert message.source_deprecated == schema_pb2.K8S_AUDIT


def test_legacy_response_falls_back_to_the_deprecated_source():
    alert = Alert.from_response(read("response-legacy", outputs_pb2.response))
    assert (alert.source, alert.priority, alert.hostname) == ("plugin", "Debug", "old-host")
    assert alert.time_rfc3339 == "2020-09-13T12:26:40.000000000Z"
    assert alert.time == datetime.datetime(2020, 9, 13, 12, 26, 40, tzinfo=datetime.timezone.utc)


def test_zero_values_are_real_values():
    alert = Alert.from_response(read("response-zero", outputs_pb2.response))
    assert (alert.priority, alert.source, alert.rule) == ("Emergency", "syscall", "Zero")


def test_version_response():
    message = read("version-full", version_pb2.response)
    assert message.version == "0.43.1-rc2+abc123"
    assert (message.engine_major, message.engine_minor, message.engine_patch) == (0, 50, 2)
    assert message.engine_version == "0.50.2"
    assert message.engine_fields_checksum.startswith("d7e1c6c5")
