//! What the client trusts for `https`, and how it tells a refused handshake from a lost
//! connection.
//!
//! The roots are the webpki roots (Mozilla's list of certificate authorities, compiled in: no
//! system store is read, so a build trusts the same servers on every machine), plus any the
//! builder adds: a TLS-inspecting proxy's authority, or a test server's own.

use std::error::Error as StdError;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};
use twapi_core::InvalidRequest;
use twapi_core::param::Invalid;

/// The builder setting a bad root is reported against.
pub(crate) const SETTING: &str = "root_certificate";

/// What the added roots must be.
const EXPECTED: &str = "an X.509 certificate authority, in DER or in PEM `CERTIFICATE` blocks";

/// A root a builder was given, checked when the client is built.
#[derive(Clone)]
pub(crate) enum AddedRoot {
    /// One certificate, DER-encoded.
    Der(Vec<u8>),
    /// One or more `-----BEGIN CERTIFICATE-----` blocks; other blocks are skipped.
    Pem(Vec<u8>),
}

/// The webpki roots and the added ones, each parsed: a root that is not a certificate, or PEM
/// with no certificate in it, is refused here, before any connection is made.
pub(crate) fn roots(added: &[AddedRoot]) -> Result<RootCertStore, InvalidRequest> {
    let mut store = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for (index, root) in added.iter().enumerate() {
        let refused = |why: &dyn std::fmt::Display| {
            InvalidRequest::new(
                SETTING,
                Invalid::Malformed {
                    value: format!("root {}: {why}", index + 1),
                    expected: EXPECTED,
                },
            )
        };
        match root {
            AddedRoot::Der(der) => store
                .add(CertificateDer::from(der.as_slice()).into_owned())
                .map_err(|e| refused(&e))?,
            AddedRoot::Pem(pem) => {
                let mut found = 0_usize;
                for certificate in CertificateDer::pem_slice_iter(pem) {
                    let certificate = certificate.map_err(|e| refused(&e))?;
                    store.add(certificate).map_err(|e| refused(&e))?;
                    found += 1;
                }
                if found == 0 {
                    return Err(refused(&"no CERTIFICATE block"));
                }
            }
        }
    }
    Ok(store)
}

/// rustls with the ring provider (named here, so that no process-wide default is needed),
/// its safe protocol versions (TLS 1.2 and 1.3), `roots`, and no client certificate. The
/// connector sets ALPN (`h2`, `http/1.1`).
pub(crate) fn client_config(roots: RootCertStore) -> Result<ClientConfig, rustls::Error> {
    Ok(
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// Whether a connector's error is rustls refusing the handshake (a certificate it does not
/// trust, a name that does not match, no protocol in common), as opposed to the network
/// failing. The same server would be refused again.
pub(crate) fn is_refused_handshake(error: &(dyn StdError + 'static)) -> bool {
    crate::causes::chain(error).any(<dyn StdError>::is::<rustls::Error>)
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;

    #[test]
    fn garbage_and_pem_without_a_certificate_are_refused_with_their_place() {
        let webpki = webpki_roots::TLS_SERVER_ROOTS.len();
        assert_eq!(roots(&[]).expect("no roots added").len(), webpki);

        let error = roots(&[AddedRoot::Der(b"not a certificate".to_vec())]).expect_err("refused");
        let shown = error.to_string();
        assert!(shown.contains("root_certificate"), "{shown}");
        assert!(shown.contains("root 1"), "{shown}");

        let key_only = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let error = roots(&[AddedRoot::Pem(key_only.to_vec())]).expect_err("refused");
        assert!(
            error.to_string().contains("no CERTIFICATE block"),
            "{error}"
        );
    }

    #[test]
    fn a_refused_handshake_is_found_inside_io_errors() {
        let refused = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert!(is_refused_handshake(&refused));
        let wrapped = io::Error::other(refused);
        assert!(is_refused_handshake(&wrapped));
        let lost = io::Error::new(io::ErrorKind::ConnectionReset, "reset by peer");
        assert!(!is_refused_handshake(&lost));
    }
}
