"""Python stubs from the repository's .proto files, and JSON -> protobuf messages.

The stubs are generated with grpc_tools.protoc into a scratch directory (never
committed), so the server always matches proto/falco/*.proto.
"""

import importlib
import os
import re
import sys
import types


def load_stubs(proto_dir, stubs_dir):
    """Generates (once per stubs_dir) and imports falco/{schema,outputs,version}_pb2."""
    names = ("schema", "outputs", "version")
    marker = os.path.join(stubs_dir, "falco", "version_pb2.py")
    if not os.path.exists(marker):
        # Generate into a private directory, then rename it into place: several
        # servers may start at once and share one stubs_dir (it is keyed by the
        # .proto files' content), and a rename is atomic.
        import tempfile

        import grpc_tools
        from grpc_tools import protoc

        well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
        parent = os.path.dirname(os.path.abspath(stubs_dir))
        os.makedirs(parent, exist_ok=True)
        scratch = tempfile.mkdtemp(prefix=".stubs-", dir=parent)
        args = [
            "grpc_tools.protoc",
            f"-I{proto_dir}",
            f"-I{well_known}",
            f"--python_out={scratch}",
        ] + [os.path.join(proto_dir, "falco", f"{n}.proto") for n in names]
        code = protoc.main(args)
        if code != 0:
            raise RuntimeError(f"grpc_tools.protoc failed ({code}) on {proto_dir}/falco/*.proto")
        try:
            os.rename(scratch, stubs_dir)
        except OSError:
            # Another server put the same stubs in place first.
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
    if stubs_dir not in sys.path:
        sys.path.insert(0, stubs_dir)
    mods = {n: importlib.import_module(f"falco.{n}_pb2") for n in names}
    return types.SimpleNamespace(**mods)


def _snake(name):
    return re.sub(r"([A-Z])", r"_\1", name).lower()


def _enum_value(enum_type, value, field):
    if isinstance(value, bool):
        raise TypeError(f"{field}: expected a number or a name, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return enum_type.Value(value)
        except ValueError:
            raise ValueError(f"{field}: unknown name {value!r}") from None
    raise TypeError(f"{field}: expected a number or a name, got {value!r}")


def _set_time(ts, value):
    if isinstance(value, str):
        ts.FromJsonString(value)  # RFC 3339
        return
    if not isinstance(value, dict):
        raise TypeError(f"time: expected {{seconds, nanos}} or RFC 3339 text, got {value!r}")
    ts.seconds = int(value.get("seconds", 0))
    ts.nanos = int(value.get("nanos", 0))


def alert_from_json(pb, doc):
    """A falco.outputs.response from {field: value}; snake_case or camelCase names."""
    if not isinstance(doc, dict):
        raise TypeError(f"an alert must be an object, got {doc!r}")
    msg = pb.outputs.response()
    for key, value in doc.items():
        name = _snake(key)
        if value is None:
            continue
        if name == "time":
            _set_time(msg.time, value)
        elif name == "priority":
            msg.priority = _enum_value(pb.schema.priority, value, name)
        elif name == "source_deprecated":
            msg.source_deprecated = _enum_value(pb.schema.source, value, name)
        elif name in ("rule", "output", "hostname", "source"):
            if not isinstance(value, str):
                raise TypeError(f"{name}: expected a string, got {value!r}")
            setattr(msg, name, value)
        elif name == "output_fields":
            for k, v in value.items():
                if not isinstance(v, str):
                    raise TypeError(f"output_fields[{k!r}]: values are strings on Falco's wire, got {v!r}")
                msg.output_fields[k] = v
        elif name == "tags":
            msg.tags.extend(str(t) for t in value)
        else:
            raise ValueError(f"unknown alert field {key!r}")
    return msg


def version_from_json(pb, doc):
    """A falco.version.response from {field: value}; snake_case or camelCase names."""
    msg = pb.version.response()
    fields = {f.name: f for f in msg.DESCRIPTOR.fields}
    for key, value in doc.items():
        name = _snake(key)
        if name not in fields:
            raise ValueError(f"unknown version field {key!r}")
        if value is None:
            continue
        setattr(msg, name, value)
    return msg
