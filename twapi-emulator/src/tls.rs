//! `--tls`: a certificate authority made at start, a server certificate it signs, and the
//! rustls acceptor that serves with it (ALPN `h2` and `http/1.1`).
//!
//! The authority is new on every start (its key never leaves the process); its certificate is
//! written to a file that the facts name (`ca_file`), so a client that insists on https — one
//! that only talks to `https://api.x.com` — is pointed at the emulator with one custom root.
//! The server certificate names `localhost`, `127.0.0.1`, `::1`, the listening address, and
//! X's API hosts (`api.x.com`, `api.twitter.com`), for clients that can only change the
//! address a host name resolves to.

use std::io;
use std::net::IpAddr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// The names every server certificate carries, besides the listening address.
const NAMES: [&str; 5] = [
    "localhost",
    "127.0.0.1",
    "::1",
    "api.x.com",
    "api.twitter.com",
];

/// A TLS setup made at start.
#[derive(Clone)]
pub(crate) struct Tls {
    /// The authority's certificate, PEM: what a client adds to its roots.
    pub(crate) ca_pem: String,
    /// Serves with the server certificate.
    pub(crate) acceptor: TlsAcceptor,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// A new authority, and a server certificate it signs for [`NAMES`] and `listening`.
    pub(crate) fn make(listening: IpAddr) -> io::Result<Self> {
        let failed = |error: rcgen::Error| {
            io::Error::other(format!("cannot make the TLS certificates: {error}"))
        };
        let ca_key = KeyPair::generate().map_err(failed)?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.distinguished_name
            .push(DnType::CommonName, "twapi-emulator local authority");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_certificate = ca.self_signed(&ca_key).map_err(failed)?;
        let issuer = Issuer::new(ca, ca_key);

        let mut names: Vec<String> = NAMES.iter().map(|&name| name.to_owned()).collect();
        let listening = listening.to_string();
        if !names.contains(&listening) && !listening.starts_with("0.0.0.0") && listening != "::" {
            names.push(listening);
        }
        let server_key = KeyPair::generate().map_err(failed)?;
        let mut server = CertificateParams::new(names).map_err(failed)?;
        server
            .distinguished_name
            .push(DnType::CommonName, "twapi-emulator");
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_certificate = server.signed_by(&server_key, &issuer).map_err(failed)?;

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let chain = vec![
            CertificateDer::from(server_certificate.der().to_vec()),
            CertificateDer::from(ca_certificate.der().to_vec()),
        ];
        let mut config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(io::Error::other)?
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .map_err(io::Error::other)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Self {
            ca_pem: ca_certificate.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}
