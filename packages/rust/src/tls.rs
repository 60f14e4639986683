//! The client's mutual TLS, done under tonic (which then speaks plain HTTP/2 over it), so that
//! the connection sees rustls' typed errors: which side of a failed handshake is wrong.

use crate::error::{Error, TlsReason};
use std::sync::{Arc, Mutex};
use tokio_rustls::rustls::{
    self,
    pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer, ServerName},
    CertificateError,
};

/// The TLS setup of a client: rustls' config and the name checked in Falco's certificate.
#[derive(Clone)]
pub(crate) struct TlsSetup {
    pub(crate) connector: tokio_rustls::TlsConnector,
    pub(crate) server_name: ServerName<'static>,
}

impl TlsSetup {
    pub(crate) fn new(ca: &[u8], cert: &[u8], key: &[u8], server_name: &str) -> Result<TlsSetup, Error> {
        let bad = |what: &str, e: &dyn std::fmt::Display| Error::config(format!("cannot use the {what}: {e}"));
        let mut roots = rustls::RootCertStore::empty();
        for der in CertificateDer::pem_slice_iter(ca) {
            roots
                .add(der.map_err(|e| bad("CA file (Options::tls ca)", &e))?)
                .map_err(|e| bad("CA file (Options::tls ca)", &e))?;
        }
        if roots.is_empty() {
            return Err(Error::config("the CA file (Options::tls ca) holds no PEM certificate"));
        }
        let chain = CertificateDer::pem_slice_iter(cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad("client certificate (Options::tls cert)", &e))?;
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| bad("client key (Options::tls key)", &e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| bad("TLS versions", &e))?
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .map_err(|e| bad("client certificate and key (Options::tls cert, key)", &e))?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        let server_name = ServerName::try_from(server_name.to_string())
            .map_err(|e| bad("server name (Options::tls server_name)", &e))?;
        Ok(TlsSetup {
            connector: tokio_rustls::TlsConnector::from(Arc::new(config)),
            server_name,
        })
    }
}

/// Where a connection records why its TLS failed, for the error of the call that fails then.
pub(crate) type TlsFailure = Arc<Mutex<Option<(TlsReason, String)>>>;

/// The reason of a failed handshake (`handshake_done`: the failure came after it, on a read).
pub(crate) fn reason_of(error: &std::io::Error, handshake_done: bool) -> Option<TlsReason> {
    let tls = error.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => Some(TlsReason::NameMismatch),
        Some(rustls::Error::InvalidCertificate(_)) => Some(TlsReason::CaUntrusted),
        // Falco's alert: certificate required, bad certificate, unknown CA.
        Some(rustls::Error::AlertReceived(_)) => Some(TlsReason::ClientCertRefused),
        Some(_) => Some(TlsReason::Handshake),
        // Hung up unasked right after the handshake: the server refused our certificate.
        None if handshake_done => Some(TlsReason::ClientCertRefused),
        None => None,
    }
}
