from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

ALERT: priority
Alert: priority
CRITICAL: priority
Critical: priority
DEBUG: priority
DESCRIPTOR: _descriptor.FileDescriptor
Debug: priority
EMERGENCY: priority
ERROR: priority
Emergency: priority
Error: priority
INFORMATIONAL: priority
INTERNAL: source
Informational: priority
Internal: source
K8S_AUDIT: source
K8S_audit: source
K8s_audit: source
NOTICE: priority
Notice: priority
PLUGIN: source
Plugin: source
SYSCALL: source
Syscall: source
WARNING: priority
Warning: priority
alert: priority
critical: priority
debug: priority
emergency: priority
error: priority
informational: priority
internal: source
k8s_audit: source
notice: priority
plugin: source
syscall: source
warning: priority

class priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class source(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
