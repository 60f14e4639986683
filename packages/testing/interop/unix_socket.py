"""A unix socket that never replaces another server's and is removed only while it is ours.

gRPC's C core unlinks whatever socket is at the path before it binds, and again at
shutdown: a live server's socket would be taken over, and a socket another server
put in place since would be deleted. So the socket is bound under a private name
next to the path and hard-linked into place (a link fails when the path exists,
where C core's unlink-and-bind would replace it); the parent process checks first
that nothing answers at the path, and removes a stale socket.
"""

import os

MAX_PATH_BYTES = 107


def staging_path(path):
    """A private name next to `path`, short enough for a unix socket."""
    folder = os.path.dirname(path) or "."
    named = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    if len(os.fsencode(named)) <= MAX_PATH_BYTES:
        return named
    return os.path.join(folder, f".{os.getpid()}.tmp")


def bind(server, path):
    """Binds `server` (grpc) to the unix socket `path`; returns its (st_dev, st_ino)."""
    staging = staging_path(path)
    if os.path.lexists(staging):
        os.unlink(staging)
    if server.add_insecure_port("unix:" + staging) == 0:
        raise OSError(f"cannot listen on {path}")
    try:
        st = os.lstat(staging)
        try:
            os.link(staging, path)
        except FileExistsError:
            raise OSError(
                f"{path} exists: another server created it while this one started; stop it "
                "or choose another socket path"
            ) from None
    finally:
        os.unlink(staging)
    return (st.st_dev, st.st_ino)


def release(path, identity):
    """Removes the socket at `path` if it is still the one `identity` names."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if (st.st_dev, st.st_ino) == identity:
        os.unlink(path)
