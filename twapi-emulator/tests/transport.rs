//! The emulator on hyper's server: HTTP/2 by prior knowledge on plain http, HTTP/2 and
//! HTTP/1.1 by ALPN under TLS with the authority written at start, and the faults that break a
//! delivery over HTTP/2 (a stream reset mid-body, the connection still serving the next one).

mod harness;

use std::sync::Arc;

use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{Request, Version};
use http_body_util::{BodyExt as _, Empty};
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use twapi_emulator::{Config, Emulator, Faults};

/// `GET /2/users/by/username/<name>` with the app's bearer token, for `authority`.
fn lookup(facts: &twapi_emulator::Facts, scheme: &str, name: &str) -> Request<Empty<Bytes>> {
    let authority = facts.base_url.split_once("://").unwrap().1;
    Request::get(format!("{scheme}://{authority}/2/users/by/username/{name}"))
        .header(AUTHORIZATION, format!("Bearer {}", facts.bearer_token))
        .body(Empty::new())
        .unwrap()
}

fn authority(facts: &twapi_emulator::Facts) -> String {
    facts.base_url.split_once("://").unwrap().1.to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_by_prior_knowledge_and_a_reset_stream() {
    let emulator = harness::start(200).await;
    let facts = emulator.facts().clone();
    let name = &facts.user("plain").unwrap().screen_name;
    let tcp = TcpStream::connect(authority(&facts)).await.unwrap();
    let (mut sender, connection) = http2::handshake(TokioExecutor::new(), TokioIo::new(tcp))
        .await
        .expect("an HTTP/2 connection");
    tokio::spawn(connection);

    let response = sender
        .send_request(lookup(&facts, "http", name))
        .await
        .unwrap();
    assert_eq!(response.version(), Version::HTTP_2);
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-rate-limit-remaining"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(value["data"]["username"], name.as_str());

    // Every answer cut mid-body: the stream is reset part-way through its announced length
    // (the reset may overtake the buffered headers: then the request itself fails).
    emulator.set_faults(Faults {
        close_mid_body: 1.0,
        ..Faults::default()
    });
    let failed = match sender.send_request(lookup(&facts, "http", name)).await {
        Err(_) => true,
        Ok(response) => response.into_body().collect().await.is_err(),
    };
    assert!(failed, "the answer fails mid-way");
    // Truncated: a complete answer whose JSON is cut.
    emulator.set_faults(Faults {
        truncated_body: 1.0,
        ..Faults::default()
    });
    let response = sender
        .send_request(lookup(&facts, "http", name))
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
    // The same connection goes on serving.
    emulator.set_faults(Faults::default());
    let response = sender
        .send_request(lookup(&facts, "http", name))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_the_written_authority_in_both_versions() {
    let emulator = Emulator::start(Config {
        users: 200,
        tls: true,
        ..Config::default()
    })
    .await
    .unwrap();
    let facts = emulator.facts().clone();
    let name = &facts.user("plain").unwrap().screen_name;
    let pem = std::fs::read(facts.ca_file.as_ref().expect("a CA file")).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(&pem) {
        roots.add(certificate.unwrap()).unwrap();
    }
    let connect = |alpn: &'static [u8], host: &'static str| {
        let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots.clone())
        .with_no_client_auth();
        config.alpn_protocols = vec![alpn.to_vec()];
        let address = authority(&facts);
        async move {
            let tcp = TcpStream::connect(address).await.unwrap();
            let name = ServerName::try_from(host).unwrap();
            TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await
        }
    };

    // HTTP/2 by ALPN, to the certificate's IP address.
    let tls = connect(b"h2", "127.0.0.1")
        .await
        .expect("the authority is trusted");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, connection) = http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
        .await
        .unwrap();
    tokio::spawn(connection);
    let response = sender
        .send_request(lookup(&facts, "https", name))
        .await
        .unwrap();
    assert_eq!(
        (response.version(), response.status().as_u16()),
        (Version::HTTP_2, 200)
    );

    // HTTP/1.1 by ALPN, to X's own host name (for clients that can only re-resolve it).
    let tls = connect(b"http/1.1", "api.x.com")
        .await
        .expect("X's name is on the certificate");
    let (mut sender, connection) = http1::handshake(TokioIo::new(tls)).await.unwrap();
    tokio::spawn(connection);
    let mut request = lookup(&facts, "https", name);
    *request.uri_mut() = format!("/2/users/by/username/{name}").parse().unwrap();
    request
        .headers_mut()
        .insert("host", authority(&facts).parse().unwrap());
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(
        (response.version(), response.status().as_u16()),
        (Version::HTTP_11, 200)
    );

    // A name the certificate does not carry is refused.
    assert!(connect(b"h2", "example.com").await.is_err());
    emulator.shutdown().await;
}
