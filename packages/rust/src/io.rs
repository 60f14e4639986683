//! The socket under one connection, with a kill switch: killing it fails every
//! read and write, so the connection dies at once (the server cancels its
//! calls) without anything more being written, never a half-close.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Kills the connection(s) made with it.
#[derive(Clone, Default)]
pub(crate) struct KillSwitch {
    inner: Arc<KillInner>,
}

#[derive(Default)]
struct KillInner {
    killed: AtomicBool,
    wakers: Mutex<[Option<Waker>; 2]>,
}

impl KillSwitch {
    pub(crate) fn kill(&self) {
        self.inner.killed.store(true, Ordering::SeqCst);
        for waker in self.inner.wakers.lock().unwrap().iter_mut() {
            if let Some(w) = waker.take() {
                w.wake();
            }
        }
    }

    /// An error once killed; else remembers who to wake (slot 0 reads, 1 writes).
    fn check(&self, cx: &Context<'_>, slot: usize) -> Option<io::Error> {
        if !self.inner.killed.load(Ordering::SeqCst) {
            self.inner.wakers.lock().unwrap()[slot] = Some(cx.waker().clone());
        }
        // Checked again after registering: a kill in between is not missed.
        self.inner
            .killed
            .load(Ordering::SeqCst)
            .then(|| io::Error::new(io::ErrorKind::ConnectionAborted, "call cancelled by the client"))
    }
}

/// A socket that fails once its switch is killed.
pub(crate) struct KillableIo<T> {
    pub(crate) io: T,
    pub(crate) switch: KillSwitch,
}

impl<T: AsyncRead + Unpin> AsyncRead for KillableIo<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.switch.check(cx, 0) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for KillableIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Some(e) = self.switch.check(cx, 1) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.io).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.switch.check(cx, 1) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.io).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// A unix or TCP socket.
pub(crate) enum Either {
    Unix(tokio::net::UnixStream),
    Tcp(tokio::net::TcpStream),
}

macro_rules! delegate {
    ($self:ident, $io:ident => $e:expr) => {
        match $self.get_mut() {
            Either::Unix($io) => {
                let $io = std::pin::Pin::new($io);
                $e
            }
            Either::Tcp($io) => {
                let $io = std::pin::Pin::new($io);
                $e
            }
        }
    };
}

impl tokio::io::AsyncRead for Either {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, io => io.poll_read(cx, buf))
    }
}

impl tokio::io::AsyncWrite for Either {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        delegate!(self, io => io.poll_write(cx, buf))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, io => io.poll_flush(cx))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, io => io.poll_shutdown(cx))
    }
}

/// A socket hyper can use, boxed: plain, or TLS over one.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}
