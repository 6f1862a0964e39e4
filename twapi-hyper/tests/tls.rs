//! `https` end to end, on loopback: a server with a certificate from the test authority in
//! `fixtures/tls` (made by its `make.sh`), which the client trusts only once it is added.
//! Over HTTP/2 (negotiated by ALPN) requests share one connection; over HTTP/1.1 a connection
//! is reused; a certificate from an authority the client does not trust is refused at once,
//! not retried; and roots that are not certificates are refused when the client is built.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, Version};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use twapi_auth::oauth1::Credentials;
use twapi_core::retry::{RetryPolicy, Retryability};
use twapi_hyper::{CallError, ClientBuilder};

const CA_PEM: &[u8] = include_bytes!("fixtures/tls/ca.pem");
const CA_DER: &[u8] = include_bytes!("fixtures/tls/ca.der");
const SERVER_PEM: &[u8] = include_bytes!("fixtures/tls/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("fixtures/tls/server.key");

/// What the server saw of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    version: Version,
    /// The `:authority` of an HTTP/2 request, the `Host` header of an HTTP/1.1 one.
    authority: String,
    path: String,
}

/// The TLS connections a server accepted (counted at TCP accept, before the handshake) and
/// the requests it answered.
struct Server {
    base_url: String,
    accepted: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Asserts that the server accepted one connection and answered `requests` requests on
    /// it, each in `version`, for `localhost:PORT` (its `:authority` or `Host`) and
    /// `/2/users/me`.
    fn saw_on_one_connection(&self, requests: usize, version: Version) {
        assert_eq!(self.accepted.load(Ordering::SeqCst), 1, "one connection");
        let seen = self.seen.lock().expect("not poisoned").clone();
        assert_eq!(seen.len(), requests);
        let port = self.base_url.rsplit(':').next().expect("a port");
        for request in &seen {
            assert_eq!(request.version, version);
            assert_eq!(request.authority, format!("localhost:{port}"));
            assert_eq!(request.path, "/2/users/me");
        }
    }
}

/// A loopback `https` server offering `alpn`, answering `GET /2/users/me` as X does.
async fn tls_server(alpn: &[&[u8]]) -> Server {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(SERVER_PEM)
        .collect::<Result<_, _>>()
        .expect("the server's certificate");
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY).expect("the server's key");
    let mut config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("TLS 1.2 and 1.3")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("a certificate and its key");
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let acceptor = TlsAcceptor::from(Arc::new(config));

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("an address").port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (connections, requests) = (Arc::clone(&accepted), Arc::clone(&seen));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            let (acceptor, requests) = (acceptor.clone(), Arc::clone(&requests));
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake; nothing to serve.
                let Ok(stream) = acceptor.accept(socket).await else {
                    return;
                };
                let answer = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let requests = Arc::clone(&requests);
                    async move { Ok::<_, Infallible>(answer(&request, &requests)) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), answer)
                    .await;
            });
        }
    });
    Server {
        base_url: format!("https://localhost:{port}"),
        accepted,
        seen,
    }
}

fn answer(request: &Request<Incoming>, seen: &Mutex<Vec<Seen>>) -> Response<Full<Bytes>> {
    let authority = match request.version() {
        Version::HTTP_2 => request.uri().authority().map(ToString::to_string),
        _ => request
            .headers()
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned),
    };
    seen.lock().expect("not poisoned").push(Seen {
        version: request.version(),
        authority: authority.unwrap_or_default(),
        path: request.uri().path().to_owned(),
    });
    let body = r#"{"data":{"id":"783214","name":"X","username":"XDevelopers"}}"#;
    Response::builder()
        .header(
            http::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        )
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("a response")
}

fn builder(base_url: &str) -> ClientBuilder {
    let credentials = Credentials::new("ck", "cs").with_token("783214-at", "ats");
    ClientBuilder::oauth1(&credentials)
        .base_url(base_url)
        .request_timeout(Duration::from_secs(10))
}

#[tokio::test]
async fn over_http2_requests_share_one_connection_once_the_root_is_added() {
    let server = tls_server(&[b"h2", b"http/1.1"]).await;
    let client = builder(&server.base_url)
        .add_root_certificates_pem(CA_PEM)
        .build()
        .expect("a client");
    // One request opens the connection; four at once then share it.
    assert_eq!(
        client.me().await.expect("over TLS").username.as_str(),
        "XDevelopers"
    );
    let (a, b, c, d) = tokio::join!(client.me(), client.me(), client.me(), client.me());
    for me in [a, b, c, d] {
        assert_eq!(me.expect("over TLS").username.as_str(), "XDevelopers");
    }
    server.saw_on_one_connection(5, Version::HTTP_2);
}

#[tokio::test]
async fn over_http1_a_connection_is_reused_and_names_its_host() {
    let server = tls_server(&[b"http/1.1"]).await;
    // The same authority in DER this time.
    let client = builder(&server.base_url)
        .add_root_certificate_der(CA_DER)
        .build()
        .expect("a client");
    for _ in 0..3 {
        client.me().await.expect("over TLS");
    }
    server.saw_on_one_connection(3, Version::HTTP_11);
}

#[tokio::test]
async fn a_certificate_from_an_authority_not_trusted_is_refused_and_not_retried() {
    let server = tls_server(&[b"h2", b"http/1.1"]).await;
    // Only the webpki roots: the test authority is not among them. Three attempts allowed.
    let client = builder(&server.base_url)
        .retry_policy(RetryPolicy::new(
            3,
            Duration::from_millis(2),
            Duration::from_millis(5),
        ))
        .build()
        .expect("a client");
    let error = client.me().await.expect_err("an untrusted certificate");
    assert!(matches!(error, CallError::Tls(_)), "{error:?}");
    assert_eq!(error.retryability(), Retryability::Never);
    let shown = error.to_string();
    assert!(shown.contains("TLS handshake was refused"), "{shown}");
    assert!(shown.contains("UnknownIssuer"), "{shown}");
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1, "tried once");
    assert!(server.seen.lock().expect("not poisoned").is_empty());
}

#[tokio::test]
async fn roots_that_are_not_certificates_are_refused_at_build() {
    let refused = |builder: ClientBuilder| match builder.build() {
        Err(error) => error.to_string(),
        Ok(_) => panic!("built"),
    };
    let garbage =
        refused(builder("https://localhost").add_root_certificate_der(b"garbage".to_vec()));
    assert!(garbage.contains("root_certificate"), "{garbage}");
    assert!(garbage.contains("root 1"), "{garbage}");

    let key_only = refused(
        builder("https://localhost")
            .add_root_certificates_pem(CA_PEM)
            .add_root_certificates_pem(SERVER_KEY),
    );
    assert!(
        key_only.contains("root 2: no CERTIFICATE block"),
        "{key_only}"
    );

    // A client sharing another's connections trusts what that one trusts: adding roots to it
    // would be ignored, so it is refused.
    let first = builder("https://localhost").build().expect("a client");
    let sharing = refused(
        builder("https://localhost")
            .share_connections(&first)
            .add_root_certificates_pem(CA_PEM),
    );
    assert!(sharing.contains("share_connections"), "{sharing}");
}
