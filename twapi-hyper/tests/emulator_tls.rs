//! The client against the emulator over https, as a client that insists on https is pointed
//! at it: the emulator started with `tls`, its certificate authority read from the file the
//! facts name and added as the one custom root. OAuth 1.0a signatures are made and checked
//! over the `https` scheme, OAuth 2.0 and app-only bearers travel too, and a client without
//! the root is refused at the handshake, not retried.

use twapi_core::request::v1::UsersShow;
use twapi_core::request::v2::{Followers, Me};
use twapi_core::retry::Retryability;
use twapi_emulator::{Config, Emulator};
use twapi_hyper::{CallError, ClientBuilder};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_the_written_authority() {
    let emulator = Emulator::start(Config {
        users: 500,
        tls: true,
        ..Config::default()
    })
    .await
    .expect("the emulator starts with TLS");
    let facts = emulator.facts().clone();
    assert!(
        facts.base_url.starts_with("https://127.0.0.1:"),
        "{}",
        facts.base_url
    );
    let ca_file = facts.ca_file.clone().expect("the facts name the CA file");
    let ca = std::fs::read(&ca_file).expect("the CA file is written");
    assert_eq!(
        Some(String::from_utf8_lossy(&ca).as_ref()),
        emulator.ca_pem()
    );

    let me = facts.user("plain").expect("a plain user");
    let client = ClientBuilder::oauth1(&facts.credentials(me))
        .base_url(&facts.base_url)
        .add_root_certificates_pem(ca.clone())
        .build()
        .expect("a client");
    let reply = client
        .send(&Me::default())
        .await
        .expect("OAuth 1.0a over https");
    assert_eq!(reply.value.data.expect("me").id, me.user_id());
    let top = facts.user("most_followed").expect("a most followed user");
    let request = Followers {
        max_results: Some(100),
        ..Followers::of(top.user_id())
    };
    let page = client.send(&request).await.expect("a page over https");
    let expected: Vec<u64> = emulator
        .follower_ids(top.user_id().get())
        .into_iter()
        .take(100)
        .collect();
    let got: Vec<u64> = page
        .value
        .data
        .unwrap_or_default()
        .iter()
        .map(|u| u.id.get())
        .collect();
    assert_eq!(got, expected);

    // Bearer tokens: the app's, and an OAuth 2.0 user's.
    let app = ClientBuilder::app_only(facts.bearer_token.clone())
        .base_url(&facts.base_url)
        .add_root_certificates_pem(ca.clone())
        .build()
        .expect("an app-only client");
    assert!(app.send(&UsersShow::of(top.user_id())).await.is_ok());
    let token = emulator.oauth2_user_token(me).expect("a token");
    let oauth2 = ClientBuilder::oauth2_user(token)
        .base_url(&facts.base_url)
        .add_root_certificates_pem(ca)
        .build()
        .expect("an OAuth 2.0 client");
    assert!(oauth2.send(&Me::default()).await.is_ok());

    // Without the root: refused at the handshake, and not worth retrying.
    let stranger = ClientBuilder::oauth1(&facts.credentials(me))
        .base_url(&facts.base_url)
        .build()
        .expect("a client");
    let error = stranger
        .send(&Me::default())
        .await
        .expect_err("an unknown authority");
    assert!(matches!(error, CallError::Tls(_)), "{error:?}");
    assert_eq!(error.retryability(), Retryability::Never);

    emulator.shutdown().await;
    assert!(
        !ca_file.exists(),
        "the CA file the emulator chose goes with it"
    );
}
