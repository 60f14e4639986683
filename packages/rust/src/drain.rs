//! The stream of a `get` call: each alert as Falco sends it.

use crate::alert::Alert;
use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::proto::outputs;
use crate::sub_call::KillOnDrop;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio_stream::Stream;

/// The alerts of one [`Client::get`], as a [`Stream`]: ends after Falco's
/// queue is drained, or after one `Err`. Dropping it cancels the call.
///
/// ```no_run
/// # async fn f(client: falco_sdk::Client) -> Result<(), falco_sdk::Error> {
/// use tokio_stream::StreamExt;
/// let rules: Vec<String> = client.get().await?.map(|a| a.map(|a| a.rule)).collect::<Result<_, _>>().await?;
/// # Ok(()) }
/// ```
pub struct Drain {
    client: Client,
    stream: tonic::Streaming<outputs::Response>,
    /// Falco's silence past `timeout` ends the stream.
    silence: Pin<Box<tokio::time::Sleep>>,
    done: bool,
    _guard: KillOnDrop,
}

impl Drain {
    pub(crate) fn new(client: Client, stream: tonic::Streaming<outputs::Response>, guard: KillOnDrop) -> Drain {
        let silence = Box::pin(tokio::time::sleep(client.options.timeout));
        Drain {
            client,
            stream,
            silence,
            done: false,
            _guard: guard,
        }
    }
}

impl Stream for Drain {
    type Item = Result<Alert, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_next(cx) {
            Poll::Ready(Some(Ok(message))) => {
                let deadline = tokio::time::Instant::now() + this.client.options.timeout;
                this.silence.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(Alert::from(message))))
            }
            Poll::Ready(Some(Err(status))) => {
                this.done = true;
                Poll::Ready(Some(Err(this.client.describe(&status))))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => match this.silence.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.done = true;
                    Poll::Ready(Some(Err(Error::new(
                        ErrorCode::Unavailable,
                        format!(
                            "Falco at {} sent nothing for {:?} during get",
                            this.client.endpoint, this.client.options.timeout
                        ),
                    ))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
