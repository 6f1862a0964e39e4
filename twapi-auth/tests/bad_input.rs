//! Bad input gets a typed error that says what and where, never a panic.

use bytes::Bytes;
use http::StatusCode;
use twapi_auth::bearer::{self, TokenError};
use twapi_auth::form::{self, FormError};
use twapi_auth::oauth1::{
    Credentials, OAuthParams, ParseError, RequestError, RequestParts, Signer, TimeWindow,
    VerifyError, parse_authorization_header, verify,
};
use twapi_auth::oauth2::{self, ClientConfig, OAuth2Error, OAuth2ErrorCode, PkceFlow, Scope};
use twapi_auth::percent::{self, DecodeErrorKind};
use twapi_auth::pkce::{PkceError, PkceVerifier};
use twapi_auth::three_legged::{self, FlowError};

fn response(status: u16, body: &'static [u8]) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::from_static(body))
        .unwrap()
}

fn signer() -> Signer {
    Signer::new(&Credentials::new("key", "secret").with_token("token", "token-secret"))
}

#[test]
fn percent_decoding_errors_say_where() {
    let error = percent::decode("ok%E2%98").unwrap_err();
    assert_eq!(
        (error.kind(), error.offset()),
        (DecodeErrorKind::InvalidUtf8, 2)
    );
    let error = percent::decode("a%C3%28").unwrap_err();
    assert_eq!(
        (error.kind(), error.offset()),
        (DecodeErrorKind::InvalidUtf8, 1)
    );
    let error = percent::decode("abc%G1").unwrap_err();
    assert_eq!(
        (error.kind(), error.offset()),
        (DecodeErrorKind::InvalidEscape, 3)
    );
    let error = percent::decode_form("ab%4").unwrap_err();
    assert_eq!(
        (error.kind(), error.offset()),
        (DecodeErrorKind::InvalidEscape, 2)
    );
    let error = percent::decode_form_bytes(b"ab\xFF").unwrap_err();
    assert_eq!(
        (error.kind(), error.offset()),
        (DecodeErrorKind::InvalidUtf8, 2)
    );
    assert_eq!(
        error.to_string(),
        "percent-decoded bytes are not UTF-8 at byte 2"
    );
}

#[test]
fn unsignable_requests() {
    let oauth = OAuthParams::new("nonce", 1);
    let signer = signer();
    let request = RequestParts::new("GET", "https://api.x.com/x?a=1&b=%FF").unwrap();
    let error = signer.signature(&request, &oauth).unwrap_err();
    assert!(
        matches!(error, RequestError::Query(e) if e.kind() == DecodeErrorKind::InvalidUtf8 && e.offset() == 6),
        "{error:?}"
    );
    let request = RequestParts::new("GET", "https://api.x.com/x?a=%zz").unwrap();
    assert!(matches!(
        signer.signature(&request, &oauth),
        Err(RequestError::Query(e)) if e.kind() == DecodeErrorKind::InvalidEscape
    ));
    let body = [b'a', b'=', 0xC3];
    let request = RequestParts::new("POST", "https://api.x.com/x")
        .unwrap()
        .with_form_body(&body);
    assert!(matches!(
        signer.authorization(&request, &oauth),
        Err(RequestError::Body(e)) if e.kind() == DecodeErrorKind::InvalidUtf8 && e.offset() == 2
    ));

    assert_eq!(
        RequestParts::new("GET", "/relative/path").unwrap_err(),
        RequestError::MissingScheme
    );
    assert_eq!(
        RequestParts::new("GET", "https:///path").unwrap_err(),
        RequestError::MissingHost
    );
    assert_eq!(
        RequestParts::new("GET", "https://host:99999/").unwrap_err(),
        RequestError::InvalidPort
    );
    assert_eq!(
        RequestParts::new("GET", "https://host:8a/").unwrap_err(),
        RequestError::InvalidPort
    );
    assert_eq!(
        RequestParts::new("GE T", "https://host/").unwrap_err(),
        RequestError::InvalidMethod
    );
    assert_eq!(
        RequestParts::new("", "https://host/").unwrap_err(),
        RequestError::InvalidMethod
    );
    let origin_form: http::Uri = "/2/users/me".parse().unwrap();
    assert_eq!(
        RequestParts::from_http(&http::Method::GET, &origin_form).unwrap_err(),
        RequestError::MissingScheme
    );
    let mut request = http::Request::get("/2/users/me")
        .body(Bytes::new())
        .unwrap();
    assert_eq!(
        signer.authorize(&mut request, &oauth),
        Err(RequestError::MissingScheme)
    );
}

#[test]
fn authorization_header_errors() {
    assert_eq!(
        parse_authorization_header("Bearer AAAA"),
        Err(ParseError::NotOAuth)
    );
    assert_eq!(
        parse_authorization_header("Basic eHZ6"),
        Err(ParseError::NotOAuth)
    );
    assert_eq!(parse_authorization_header(""), Err(ParseError::NotOAuth));
    assert_eq!(
        parse_authorization_header("OAuthx a=\"b\""),
        Err(ParseError::NotOAuth)
    );
    assert_eq!(
        parse_authorization_header("OAuth oauth_nonce=\"abc"),
        Err(ParseError::UnterminatedQuote { offset: 18 })
    );
    assert_eq!(
        parse_authorization_header("OAuth oauth_nonce=abc"),
        Err(ParseError::Malformed { offset: 18 })
    );
    assert_eq!(
        parse_authorization_header("OAuth oauth_nonce \"abc\""),
        Err(ParseError::Malformed { offset: 18 })
    );
    assert_eq!(
        parse_authorization_header("OAuth oauth_nonce=\"a\" oauth_token=\"b\""),
        Err(ParseError::Malformed { offset: 22 })
    );
    assert!(matches!(
        parse_authorization_header("OAuth oauth_nonce=\"%E2%98\""),
        Err(ParseError::BadEncoding { name, error }) if name == "oauth_nonce" && error.kind() == DecodeErrorKind::InvalidUtf8
    ));
    assert_eq!(
        parse_authorization_header("OAuth oauth_nonce=\"a\", oauth_nonce=\"b\""),
        Err(ParseError::DuplicateParameter("oauth_nonce".into()))
    );
    assert_eq!(
        parse_authorization_header("OAuth oauth_body_hash=\"a\",oauth_body_hash=\"b\""),
        Err(ParseError::DuplicateParameter("oauth_body_hash".into()))
    );
    assert_eq!(
        parse_authorization_header("OAuth oauth_consumer_key=\"k\""),
        Err(ParseError::MissingParameter("oauth_signature"))
    );
    assert_eq!(
        parse_authorization_header(
            "oauth oauth_consumer_key=\"k\", oauth_signature=\"s\", oauth_signature_method=\"PLAINTEXT\", \
             oauth_timestamp=\"1\", oauth_nonce=\"n\""
        ),
        Err(ParseError::UnsupportedSignatureMethod("PLAINTEXT".into()))
    );
}

#[test]
fn verification_errors_are_distinct() {
    let request =
        RequestParts::new("GET", "https://api.x.com/1.1/users/show.json?user_id=1").unwrap();
    let header = |version: &str, timestamp: &str| {
        parse_authorization_header(&format!(
            "OAuth oauth_consumer_key=\"key\", oauth_nonce=\"n\", oauth_signature=\"c2ln\", \
             oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"{timestamp}\", oauth_version=\"{version}\""
        ))
        .unwrap()
    };
    let window = TimeWindow::new(1_000, 300);
    assert_eq!(
        verify(&request, &header("2.0", "1000"), "secret", None, window),
        Err(VerifyError::UnsupportedVersion("2.0".into()))
    );
    assert_eq!(
        verify(&request, &header("1.0", "-5"), "secret", None, window),
        Err(VerifyError::InvalidTimestamp("-5".into()))
    );
    assert_eq!(
        verify(&request, &header("1.0", "1301"), "secret", None, window),
        Err(VerifyError::TimestampOutOfWindow {
            timestamp: 1301,
            now: 1000
        })
    );
    assert_eq!(
        verify(&request, &header("1.0", "1300"), "secret", None, window),
        Err(VerifyError::BadSignature)
    );
    let broken = RequestParts::new("GET", "https://api.x.com/x?a=%FF").unwrap();
    assert!(matches!(
        verify(&broken, &header("1.0", "1000"), "secret", None, window),
        Err(VerifyError::Request(RequestError::Query(_)))
    ));
}

#[test]
fn form_parsing_rejects_what_is_not_form_encoded() {
    assert_eq!(
        form::parse(br#"{"a":1}"#),
        Err(FormError::NotFormEncoded { offset: 0 })
    );
    assert_eq!(
        form::parse(b"a=b c"),
        Err(FormError::NotFormEncoded { offset: 3 })
    );
    assert_eq!(
        form::parse("a=\u{e9}".as_bytes()),
        Err(FormError::NotFormEncoded { offset: 2 })
    );
    assert!(matches!(
        form::parse(b"a=1&b=%C3"),
        Err(FormError::Decode(e)) if e.kind() == DecodeErrorKind::InvalidUtf8 && e.offset() == 6
    ));
}

#[test]
fn three_legged_replies() {
    let parse = three_legged::parse_request_token_response;
    assert!(matches!(
        parse(&response(200, br#"{"oauth_token":"t"}"#)),
        Err(FlowError::NotFormEncoded(FormError::NotFormEncoded {
            offset: 0
        }))
    ));
    assert!(matches!(
        parse(&response(200, b"<html><body>Whoa there!</body></html>")),
        Err(FlowError::NotFormEncoded(_))
    ));
    assert!(matches!(
        parse(&response(401, br#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#)),
        Err(FlowError::Api { status: StatusCode::UNAUTHORIZED, errors }) if errors[0].code == 32
    ));
    assert!(matches!(
        parse(&response(503, b"<html>")),
        Err(FlowError::Status(StatusCode::SERVICE_UNAVAILABLE))
    ));
    assert!(matches!(
        parse(&response(200, b"oauth_token=t&oauth_token_secret=s")),
        Err(FlowError::CallbackNotConfirmed)
    ));
    assert!(matches!(
        parse(&response(
            200,
            b"oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=false"
        )),
        Err(FlowError::CallbackNotConfirmed)
    ));
    assert!(matches!(
        parse(&response(
            200,
            b"oauth_token_secret=s&oauth_callback_confirmed=true"
        )),
        Err(FlowError::MissingField("oauth_token"))
    ));
    let consumer = Credentials::new("key", "secret");
    assert!(matches!(
        three_legged::parse_access_token_response(
            &consumer,
            &response(200, b"oauth_token=t&oauth_token_secret=s&user_id=1")
        ),
        Err(FlowError::MissingField("screen_name"))
    ));
    assert!(matches!(
        three_legged::CallbackParams::from_query("oauth_token=t"),
        Err(FlowError::MissingField("oauth_verifier"))
    ));
}

/// A field sent twice yields its first value, whichever fields were read before it (found by the
/// `token_responses` fuzz target: taking a field used to move the last pair into its place, so
/// a repeated `user_id` read as its second value).
#[test]
fn three_legged_repeated_fields_read_their_first_value() {
    let consumer = Credentials::new("key", "secret");
    let grant = three_legged::parse_access_token_response(
        &consumer,
        &response(
            200,
            b"oauth_token=t1&oauth_token_secret=s1&oauth_token_secret=s2\
              &user_id=1&user_id=2&screen_name=a&screen_name=b",
        ),
    )
    .unwrap();
    assert_eq!(grant.credentials().token(), Some("t1"));
    assert_eq!(
        grant
            .credentials()
            .token_secret()
            .map(twapi_auth::Secret::expose),
        Some("s1")
    );
    assert_eq!((grant.user_id(), grant.screen_name()), ("1", "a"));
    let token = three_legged::parse_request_token_response(&response(
        200,
        b"oauth_token=t1&oauth_token=t2&oauth_token_secret=s1&oauth_token_secret=s2\
          &oauth_callback_confirmed=true&oauth_callback_confirmed=false",
    ))
    .unwrap();
    assert_eq!((token.token.as_str(), token.secret.expose()), ("t1", "s1"));
}

#[test]
fn bearer_replies() {
    let parse = bearer::parse_token_response;
    assert_eq!(
        parse(&response(
            200,
            br#"{"token_type":"mac","access_token":"x"}"#
        )),
        Err(TokenError::WrongTokenType("mac".into()))
    );
    assert!(matches!(
        parse(&response(200, b"<html>")),
        Err(TokenError::NotJson { .. })
    ));
    assert_eq!(
        parse(&response(200, br#"{"token_type":"bearer"}"#)),
        Err(TokenError::MissingField("access_token"))
    );
    assert!(matches!(
        parse(&response(
            403,
            br#"{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}"#
        )),
        Err(TokenError::Api { status: StatusCode::FORBIDDEN, errors })
            if errors[0].code == 99 && errors[0].label.as_deref() == Some("authenticity_token_error")
    ));
    assert_eq!(
        parse(&response(500, b"oops")),
        Err(TokenError::Status(StatusCode::INTERNAL_SERVER_ERROR))
    );
    assert!(
        bearer::BearerToken::new("bad\ntoken")
            .authorization()
            .is_err()
    );
}

#[test]
fn oauth2_errors() {
    let verifier = || PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    assert_eq!(
        PkceVerifier::new("short").unwrap_err(),
        PkceError::Length(5)
    );
    assert_eq!(
        PkceVerifier::new("a".repeat(129)).unwrap_err(),
        PkceError::Length(129)
    );
    assert_eq!(
        PkceVerifier::new(format!("{}+", "a".repeat(50))).unwrap_err(),
        PkceError::Character { offset: 50 }
    );

    let client = ClientConfig::public("id", "https://example.com/cb");
    let pending = PkceFlow::new(client, verifier(), "expected").authorize(&[Scope::UsersRead]);
    assert!(matches!(
        pending.token_request("code", "forged"),
        Err(OAuth2Error::StateMismatch)
    ));

    let now = 1_700_000_000;
    assert!(matches!(
        oauth2::parse_token_response(
            &response(400, br#"{"error":"invalid_request","error_description":"Value passed for the authorization code was invalid."}"#),
            now,
        ),
        Err(OAuth2Error::Server { status: StatusCode::BAD_REQUEST, error: OAuth2ErrorCode::InvalidRequest, description: Some(_) })
    ));
    assert!(matches!(
        oauth2::parse_token_response(&response(200, br#"{"token_type":"mac","access_token":"x"}"#), now),
        Err(OAuth2Error::WrongTokenType(kind)) if kind == "mac"
    ));
    assert!(matches!(
        oauth2::parse_token_response(&response(200, b"nope"), now),
        Err(OAuth2Error::NotJson { .. })
    ));
    assert!(matches!(
        oauth2::parse_token_response(&response(502, b"<html>"), now),
        Err(OAuth2Error::Status(_))
    ));
    assert!(matches!(
        oauth2::parse_revoke_response(&response(200, br#"{"revoked":false}"#)),
        Err(OAuth2Error::NotRevoked)
    ));
    assert!(matches!(
        oauth2::Callback::from_query("error=access_denied&error_description=The+user+said+no&state=s"),
        Err(OAuth2Error::Denied { error: OAuth2ErrorCode::AccessDenied, description: Some(d) }) if d == "The user said no"
    ));
    let client = ClientConfig::public("id", "https://example.com/cb").with_token_url("not a url");
    let pending = PkceFlow::new(client, verifier(), "s").authorize(&[]);
    assert!(matches!(
        pending.token_request("code", "s"),
        Err(OAuth2Error::Http(_))
    ));
}
