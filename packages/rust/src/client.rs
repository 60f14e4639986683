//! Client: version, get and a polling, reconnecting subscribe over Falco's gRPC outputs API.

use crate::endpoint::Endpoint;
use crate::error::{chain, Error, ErrorCode};
use crate::io::{Either, KillSwitch, KillableIo};
use crate::options::Options;
use crate::proto::{outputs, version};
use crate::sniff::FrameSniffer;
use crate::tls::{reason_of, TlsFailure, TlsSetup};
use hyper_util::rt::TokioIo;
use std::path::PathBuf;
use tokio::sync::watch;
use tonic::transport::{Channel, Uri};

/// A client of one Falco (0.24 to 0.43.x gRPC output). Cheap to clone: the
/// clones share the totals of the status events (`possible_losses`, `dropped`).
///
/// ```no_run
/// # async fn f() -> Result<(), falco_sdk::Error> {
/// use falco_sdk::{Client, Options};
/// let client = Client::new(Options::default())?; // Falco's unix socket
/// println!("Falco {}", client.version().await?.version);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) options: Options,
    pub(crate) endpoint: Endpoint,
    tls: Option<TlsSetup>,
    pub(crate) totals: std::sync::Arc<Totals>,
}

/// The totals of the status events of every subscription of a client (and its clones).
#[derive(Default)]
pub(crate) struct Totals {
    pub(crate) possible_losses: std::sync::atomic::AtomicU64,
    pub(crate) dropped: std::sync::atomic::AtomicU64,
}

fn read(what: &str, path: &PathBuf) -> Result<Vec<u8>, Error> {
    std::fs::read(path)
        .map_err(|e| Error::config(format!("cannot read the {what} file {}: {e}", path.display())).caused_by(e))
}

impl Client {
    /// Checks the options and reads the TLS files; connects only when used.
    ///
    /// ```
    /// # use falco_sdk::{Client, ErrorCode, Options};
    /// let client = Client::new(Options::default()).unwrap(); // Falco's unix socket
    /// assert_eq!(client.endpoint().to_string(), "unix:///run/falco/falco.sock");
    /// let error = Client::new(Options::default().with_endpoint("http://falco:5060")).err().unwrap();
    /// assert_eq!(error.code, ErrorCode::Configuration);
    /// ```
    pub fn new(options: Options) -> Result<Client, Error> {
        let endpoint = Endpoint::parse(options.endpoint.as_deref())?;
        if options.max_buffered_alerts == 0 || options.poll_interval.is_zero() || options.liveness_timeout.is_zero() {
            return Err(Error::config(
                "poll_interval, max_buffered_alerts and liveness_timeout must be > 0",
            ));
        }
        let tls = match (&endpoint, &options.tls) {
            (Endpoint::Unix(_), Some(_)) => {
                return Err(Error::config(format!(
                    "{endpoint} is a unix socket: Falco serves it in plaintext; drop tls"
                )))
            }
            (Endpoint::Tcp(_), None) => {
                return Err(Error::config(format!(
                    "{endpoint} is TCP, where Falco always requires mutual TLS: set Options::tls (ca, cert, key)"
                )))
            }
            (_, Some(t)) => Some(TlsSetup::new(
                &read("ca", &t.ca)?,
                &read("cert", &t.cert)?,
                &read("key", &t.key)?,
                t.server_name.as_deref().unwrap_or("localhost"),
            )?),
            (Endpoint::Unix(_), None) => None,
        };
        Ok(Client {
            options,
            endpoint,
            tls,
            totals: Default::default(),
        })
    }

    /// Where the client connects.
    ///
    /// ```
    /// # use falco_sdk::{Client, Endpoint, Options};
    /// let client = Client::new(Options::default().with_endpoint("unix:///tmp/falco.sock")).unwrap();
    /// assert_eq!(client.endpoint(), &Endpoint::Unix("/tmp/falco.sock".into()));
    /// ```
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// A new connection, whose `KillSwitch` ends it (and its calls) at once.
    /// No keepalive pings and no adaptive-window pings (tonic's defaults):
    /// Falco's server kills connections that ping more than once per 5 minutes while idle.
    /// Mutual TLS is done here, under tonic, so that the connection sees the HTTP/2 frames
    /// (Falco's GOAWAY) and rustls' errors (a TLS failure by its reason).
    pub(crate) async fn connect(&self) -> Result<Connection, Error> {
        let switch = KillSwitch::default();
        let uri = match &self.endpoint {
            Endpoint::Unix(_) => "http://localhost".to_string(),
            Endpoint::Tcp(target) => format!("http://{target}"),
        };
        let endpoint = Channel::from_shared(uri)
            .map_err(|e| Error::config(format!("cannot use endpoint {}: {e}", self.endpoint)).caused_by(e))?
            .connect_timeout(self.options.timeout)
            // HTTP/2's default windows (64 KiB), as Falco's server and the other clients use:
            // what the connection reads ahead of the consumer stays small (hyper's own default is
            // 2 MiB per stream, 5 MiB per connection), and Falco's drain waits on the consumer.
            .initial_stream_window_size(65_535)
            .initial_connection_window_size(65_535);
        let (goaway_tx, goaway) = watch::channel(false);
        let tls_failure: TlsFailure = Default::default();
        let target = self.endpoint.clone();
        let (kill, tls, failure) = (switch.clone(), self.tls.clone(), tls_failure.clone());
        let connector = tower::service_fn(move |_: Uri| {
            let (target, switch, tls, failure) = (target.clone(), kill.clone(), tls.clone(), failure.clone());
            let goaway = goaway_tx.clone();
            async move {
                let io = match target {
                    Endpoint::Unix(path) => Either::Unix(tokio::net::UnixStream::connect(path).await?),
                    Endpoint::Tcp(addr) => {
                        let io = tokio::net::TcpStream::connect(addr).await?;
                        io.set_nodelay(true)?;
                        Either::Tcp(io)
                    }
                };
                let io = KillableIo { io, switch };
                let Some(tls) = tls else {
                    return Ok::<_, std::io::Error>(TokioIo::new(FrameSniffer::new(
                        Box::new(io) as BoxIo,
                        goaway,
                        None,
                    )));
                };
                match tls.connector.connect(tls.server_name.clone(), io).await {
                    Ok(stream) => Ok(TokioIo::new(FrameSniffer::new(
                        Box::new(stream) as BoxIo,
                        goaway,
                        Some(failure),
                    ))),
                    Err(e) => {
                        if let Some(reason) = reason_of(&e, false) {
                            failure.lock().unwrap().get_or_insert((reason, e.to_string()));
                        }
                        Err(e)
                    }
                }
            }
        });
        let channel = tokio::time::timeout(self.options.timeout, endpoint.connect_with_connector(connector))
            .await
            .map_err(|_| self.unavailable("connecting timed out"))?
            .map_err(|e| {
                self.tls_failed(&tls_failure)
                    .unwrap_or_else(|| self.unavailable(&chain(&e)))
                    .caused_by(e)
            })?;
        Ok(Connection {
            channel,
            switch,
            goaway,
            tls_failure,
        })
    }

    /// The TLS error of a connection whose handshake failed, if it did.
    fn tls_failed(&self, failure: &TlsFailure) -> Option<Error> {
        let recorded = failure.lock().unwrap().clone();
        recorded.map(|(reason, detail)| Error::tls(reason, &self.endpoint, &detail))
    }

    pub(crate) fn unavailable(&self, why: &str) -> Error {
        let hint = match self.endpoint {
            Endpoint::Unix(_) => "and that this process may open the socket (often root-only)",
            Endpoint::Tcp(_) => "and that the CA, client certificate and server name match Falco's",
        };
        Error::new(
            ErrorCode::Unavailable,
            format!(
                "cannot reach Falco at {}: {why}; check that Falco runs with grpc.enabled and \
                 grpc_output.enabled and this bind_address, {hint}",
                self.endpoint
            ),
        )
    }

    pub(crate) fn describe(&self, status: &tonic::Status) -> Error {
        self.describe_code(status).caused_by(status.clone())
    }

    /// Like `describe`, and a call that failed because the connection's TLS did says why.
    pub(crate) fn describe_on(&self, connection: &Connection, status: &tonic::Status) -> Error {
        match self.tls_failed(&connection.tls_failure) {
            Some(error) => error.caused_by(status.clone()),
            None => self.describe(status),
        }
    }

    fn describe_code(&self, status: &tonic::Status) -> Error {
        match status.code() {
            // A refused or broken connection: tonic says Unavailable, Cancelled ("connection
            // closed", e.g. a TLS 1.3 server refusing our certificate after the handshake), or
            // Unknown for an h2 error. This crate never cancels a call it still waits on.
            tonic::Code::Unavailable | tonic::Code::Cancelled => self.unavailable(&chain(status)),
            // A connection that broke under a call (Falco crashed mid-stream): tonic's message for
            // hyper's (h2's) I/O error reading the response body.
            tonic::Code::Unknown
                if chain(status).contains("transport")
                    || status.message() == "error reading a body from connection"
                    || has_io_error(status) =>
            {
                self.unavailable(&chain(status))
            }
            tonic::Code::DeadlineExceeded => Error::new(
                ErrorCode::Unavailable,
                format!(
                    "Falco at {} did not answer in time: {}",
                    self.endpoint,
                    status.message()
                ),
            ),
            code => Error::new(
                ErrorCode::Call,
                format!("call to Falco at {} failed: {code:?}: {}", self.endpoint, chain(status)),
            ),
        }
    }

    async fn timed<T>(&self, work: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Error> {
        tokio::time::timeout(self.options.timeout, work).await.map_err(|_| {
            Error::new(
                ErrorCode::Unavailable,
                format!(
                    "Falco at {} did not answer within {:?}",
                    self.endpoint, self.options.timeout
                ),
            )
        })?
    }

    /// Falco's version answer.
    ///
    /// ```no_run
    /// # async fn f(client: falco_sdk::Client) -> Result<(), falco_sdk::Error> {
    /// let answer = client.version().await?;
    /// println!("Falco {} (engine {})", answer.version, answer.engine_version);
    /// # Ok(()) }
    /// ```
    pub async fn version(&self) -> Result<version::Response, Error> {
        self.timed(async {
            let connection = self.connect().await?;
            let mut client = version::service_client::ServiceClient::new(connection.channel.clone());
            let answer = client
                .version(version::Request {})
                .await
                .map_err(|s| self.describe_on(&connection, &s))?;
            Ok(answer.into_inner())
        })
        .await
    }

    /// Drains the alerts queued in Falco now (each goes to one consumer only),
    /// as a stream of each alert as Falco sends it: memory stays bounded however
    /// long the queue. `timeout` bounds connecting and each wait for Falco, not
    /// the consumer's time. Dropping the stream before its end cancels the call;
    /// the alerts Falco had already sent (popped from its queue) are lost with it.
    ///
    /// ```no_run
    /// # async fn f(client: falco_sdk::Client) -> Result<(), falco_sdk::Error> {
    /// use tokio_stream::StreamExt;
    /// let mut alerts = client.get().await?;
    /// while let Some(alert) = alerts.next().await {
    ///     println!("{}", alert?.rule);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get(&self) -> Result<crate::Drain, Error> {
        self.timed(async {
            let connection = self.connect().await?;
            let guard = crate::sub_call::KillOnDrop(connection.switch.clone());
            let mut client = outputs::service_client::ServiceClient::new(connection.channel.clone());
            let stream = client
                .get(outputs::Request {})
                .await
                .map_err(|s| self.describe_on(&connection, &s))?
                .into_inner();
            Ok(crate::Drain::new(self.clone(), stream, guard))
        })
        .await
    }

    /// Every alert from now on, polling and reconnecting: see [`crate::Subscription`].
    ///
    /// ```no_run
    /// # async fn f(client: falco_sdk::Client) -> Result<(), falco_sdk::Error> {
    /// use tokio_stream::StreamExt;
    /// let mut alerts = client.subscribe();
    /// while let Some(alert) = alerts.next().await {
    ///     let alert = alert?; // an Err only after backoff.max_attempts failures in a row
    ///     println!("{} {}", alert.priority, alert.rule);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn subscribe(&self) -> crate::Subscription {
        crate::Subscription::start(self.clone())
    }
}

/// What a connection's socket is under hyper: a unix or TCP socket, or TLS over one.
type BoxIo = Box<dyn crate::io::Io>;

/// One connection to Falco: its channel, its kill switch, whether Falco sent GOAWAY on it
/// (its stop or a reload), and why its TLS failed, if it did.
pub(crate) struct Connection {
    pub(crate) channel: Channel,
    pub(crate) switch: KillSwitch,
    pub(crate) goaway: watch::Receiver<bool>,
    tls_failure: TlsFailure,
}

/// An I/O error among the error's sources: the connection itself failed.
fn has_io_error(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        if cause.downcast_ref::<std::io::Error>().is_some() {
            return true;
        }
        source = cause.source();
    }
    false
}
