from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class request(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class response(_message.Message):
    __slots__ = ["build", "engine_fields_checksum", "engine_major", "engine_minor", "engine_patch", "engine_version", "major", "minor", "patch", "prerelease", "version"]
    BUILD_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELDS_CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    ENGINE_MAJOR_FIELD_NUMBER: _ClassVar[int]
    ENGINE_MINOR_FIELD_NUMBER: _ClassVar[int]
    ENGINE_PATCH_FIELD_NUMBER: _ClassVar[int]
    ENGINE_VERSION_FIELD_NUMBER: _ClassVar[int]
    MAJOR_FIELD_NUMBER: _ClassVar[int]
    MINOR_FIELD_NUMBER: _ClassVar[int]
    PATCH_FIELD_NUMBER: _ClassVar[int]
    PRERELEASE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    build: str
    engine_fields_checksum: str
    engine_major: int
    engine_minor: int
    engine_patch: int
    engine_version: str
    major: int
    minor: int
    patch: int
    prerelease: str
    version: str
    def __init__(self, version: _Optional[str] = ..., major: _Optional[int] = ..., minor: _Optional[int] = ..., patch: _Optional[int] = ..., prerelease: _Optional[str] = ..., build: _Optional[str] = ..., engine_minor: _Optional[int] = ..., engine_fields_checksum: _Optional[str] = ..., engine_major: _Optional[int] = ..., engine_patch: _Optional[int] = ..., engine_version: _Optional[str] = ...) -> None: ...
