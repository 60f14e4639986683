"""The generated stubs of Falco's proto files (proto/falco in this repository, made by
`buf generate`): messages in `*_pb2`, service stubs in `*_pb2_grpc`.

    from falco_sdk.proto import outputs_pb2, version_pb2
"""

from ._gen.falco import (
    outputs_pb2,
    outputs_pb2_grpc,
    schema_pb2,
    schema_pb2_grpc,
    version_pb2,
    version_pb2_grpc,
)

__all__ = ["outputs_pb2", "outputs_pb2_grpc", "schema_pb2", "schema_pb2_grpc", "version_pb2", "version_pb2_grpc"]
