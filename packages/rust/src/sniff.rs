//! Reads the HTTP/2 frames a connection receives, under hyper: Falco's GOAWAY (its stop or a
//! reload) is seen at once, which neither hyper nor tonic tells the application; and, over TLS,
//! a failure right after the handshake (Falco refusing our certificate) is recorded.

use crate::tls::{reason_of, TlsFailure};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;

/// HTTP/2's GOAWAY frame type.
const GOAWAY: u8 = 0x7;

/// A connection's socket (or TLS stream) whose received frames are followed.
pub(crate) struct FrameSniffer<T> {
    io: T,
    /// Set to true at the first GOAWAY.
    goaway: watch::Sender<bool>,
    /// Over TLS: where a failure before any byte arrived is recorded.
    tls_failure: Option<TlsFailure>,
    received_any: bool,
    /// Bytes of the current frame header read so far.
    header: [u8; 9],
    header_len: usize,
    /// Payload bytes of the current frame still to skip.
    payload_left: usize,
}

impl<T> FrameSniffer<T> {
    pub(crate) fn new(io: T, goaway: watch::Sender<bool>, tls_failure: Option<TlsFailure>) -> Self {
        FrameSniffer {
            io,
            goaway,
            tls_failure,
            received_any: false,
            header: [0; 9],
            header_len: 0,
            payload_left: 0,
        }
    }

    fn follow(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.payload_left > 0 {
                let skip = self.payload_left.min(bytes.len());
                self.payload_left -= skip;
                bytes = &bytes[skip..];
                continue;
            }
            let take = (9 - self.header_len).min(bytes.len());
            self.header[self.header_len..self.header_len + take].copy_from_slice(&bytes[..take]);
            self.header_len += take;
            bytes = &bytes[take..];
            if self.header_len == 9 {
                self.header_len = 0;
                let h = &self.header;
                self.payload_left = (usize::from(h[0]) << 16) | (usize::from(h[1]) << 8) | usize::from(h[2]);
                if h[3] == GOAWAY {
                    self.goaway.send_replace(true);
                }
            }
        }
    }

    fn record(&self, error: Option<&io::Error>) {
        let Some(slot) = &self.tls_failure else { return };
        if self.received_any {
            return;
        }
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "Falco closed the connection");
        let error = error.unwrap_or(&eof);
        if let Some(reason) = reason_of(error, true) {
            slot.lock().unwrap().get_or_insert((reason, error.to_string()));
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for FrameSniffer<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let new = &buf.filled()[before..];
                if new.is_empty() && buf.remaining() > 0 {
                    this.record(None); // EOF
                } else {
                    this.received_any = true;
                    let new = new.to_vec();
                    this.follow(&new);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => {
                this.record(Some(&e));
                Poll::Ready(Err(e))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for FrameSniffer<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.io).poll_write(cx, buf);
        if let Poll::Ready(Err(e)) = &written {
            self.record(Some(e)); // Falco hung up after the handshake: a refused certificate
        }
        written
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let flushed = Pin::new(&mut self.io).poll_flush(cx);
        if let Poll::Ready(Err(e)) = &flushed {
            self.record(Some(e));
        }
        flushed
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Err(e)) = &written {
            self.record(Some(e));
        }
        written
    }
    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: u8, payload: usize) -> Vec<u8> {
        let mut f = vec![
            (payload >> 16) as u8,
            (payload >> 8) as u8,
            payload as u8,
            kind,
            0,
            0,
            0,
            0,
            1,
        ];
        f.extend(std::iter::repeat_n(GOAWAY, payload)); // payload bytes that look like a type
        f
    }

    #[test]
    fn sees_goaway_after_other_frames_cut_anywhere() {
        let mut wire = frame(0x4, 18); // SETTINGS
        wire.extend(frame(0x0, 300)); // DATA
        wire.extend(frame(GOAWAY, 8));
        for cut in 0..wire.len() {
            let (tx, rx) = watch::channel(false);
            let mut s = FrameSniffer::new((), tx, None);
            s.follow(&wire[..cut]);
            let seen_early = *rx.borrow();
            s.follow(&wire[cut..]);
            assert!(
                !seen_early || cut > wire.len() - 8 - 9 + 3,
                "GOAWAY seen too early at {cut}"
            );
            assert!(*rx.borrow(), "GOAWAY not seen when cut at {cut}");
        }
        let (tx, rx) = watch::channel(false);
        let mut s = FrameSniffer::new((), tx, None);
        s.follow(&frame(0x0, 7 * 256 + 7)); // a DATA payload of GOAWAY-looking bytes is skipped
        assert!(!*rx.borrow());
    }
}
