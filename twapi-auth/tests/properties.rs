//! Invariants: encoding round-trips, order independence, sign-then-verify (and every
//! tampering fails), fast signer == reference, parsers never panic.

use proptest::prelude::*;
use twapi_auth::form;
use twapi_auth::oauth1::reference;
use twapi_auth::oauth1::{
    Credentials, OAuthParams, RequestParts, Signer, TimeWindow, VerifyError,
    parse_authorization_header, verify,
};
use twapi_auth::percent;

/// Names and values: mostly plain, sometimes anything printable (non-ASCII, `&=+%`).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_.]{1,10}",
        2 => "[a-zA-Z0-9 ,.~!*'()+&=/%-]{0,10}",
        2 => "\\PC{0,8}",
    ]
}

/// Parameter names, including ones that sort right at and inside the oauth_* block.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text(),
        1 => prop::sample::select(vec!["oauth", "oauth_", "oauth_a", "oauth_nonce", "oauth_token", "oauthz", "oauth%20", "oauth_signature", "o"])
            .prop_map(str::to_owned),
    ]
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((name(), text()), 0..20)
}

fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// Form-encodes `input` the many ways clients do: unreserved bytes raw or escaped, a space
/// as `+` or `%20`, harmless sub-delimiters raw, hex in either case. `seed` picks.
fn encode_variant(input: &str, seed: u64) -> String {
    let mut out = String::new();
    for (i, byte) in input.bytes().enumerate() {
        let bit = |k: u32| (seed.rotate_left(u32::try_from(i).unwrap_or(0) * 3 + k) & 1) == 1;
        let escape = |out: &mut String, lower: bool| {
            let hex = if lower {
                format!("%{byte:02x}")
            } else {
                format!("%{byte:02X}")
            };
            out.push_str(&hex);
        };
        match byte {
            b' ' if bit(0) => out.push('+'),
            b if percent::is_unreserved(b) && bit(1) => out.push(char::from(b)),
            b if b"!*'(),:@/;$?".contains(&b) && bit(1) => out.push(char::from(b)),
            _ => escape(&mut out, bit(2)),
        }
    }
    out
}

fn query_string(pairs: &[(String, String)], seed: u64) -> String {
    pairs
        .iter()
        .enumerate()
        .map(|(i, (n, v))| {
            let seed = seed.rotate_left(u32::try_from(i).unwrap_or(0));
            format!("{}={}", encode_variant(n, seed), encode_variant(v, !seed))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    url: String,
    form: Vec<(String, String)>,
    body: Option<String>,
    consumer_key: String,
    consumer_secret: String,
    token: Option<(String, String)>,
    nonce: String,
    timestamp: u64,
    callback: Option<String>,
    verifier: Option<String>,
}

impl Case {
    fn credentials(&self) -> Credentials {
        let credentials =
            Credentials::new(self.consumer_key.clone(), self.consumer_secret.as_str());
        match &self.token {
            Some((token, secret)) => credentials.with_token(token.clone(), secret.as_str()),
            None => credentials,
        }
    }

    fn oauth(&self) -> OAuthParams<'_> {
        let mut oauth = OAuthParams::new(&self.nonce, self.timestamp);
        if let Some(callback) = &self.callback {
            oauth = oauth.with_callback(callback);
        }
        if let Some(verifier) = &self.verifier {
            oauth = oauth.with_verifier(verifier);
        }
        oauth
    }
}

fn case() -> impl Strategy<Value = Case> {
    let url = (
        prop::sample::select(vec!["https", "http", "HTTPS"]),
        prop::sample::select(vec!["api.x.com", "API.Twitter.com", "127.0.0.1", "[::1]"]),
        prop::sample::select(vec!["", ":443", ":80", ":8080"]),
        prop::sample::select(vec![
            "",
            "/",
            "/1.1/followers/ids.json",
            "/2/users/123/following",
            "/r%20v/X",
        ]),
        params(),
        any::<u64>(),
    )
        .prop_map(|(scheme, host, port, path, query, seed)| {
            let query = query_string(&query, seed);
            let sep = if query.is_empty() && seed % 2 == 0 {
                ""
            } else {
                "?"
            };
            format!("{scheme}://{host}{port}{path}{sep}{query}")
        });
    let body =
        prop::option::of((params(), any::<u64>()).prop_map(|(p, seed)| query_string(&p, seed)));
    (
        (
            prop::sample::select(vec!["GET", "POST", "DELETE", "get"]),
            url,
            params(),
            body,
        ),
        (text(), text(), prop::option::of((text(), text()))),
        (
            "[a-zA-Z0-9]{1,42}",
            any::<u64>(),
            prop::option::of(prop_oneof![Just("oob".to_owned()), text()]),
            prop::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (method, url, form, body),
                (consumer_key, consumer_secret, token),
                (nonce, timestamp, callback, verifier),
            )| Case {
                method,
                url,
                form,
                body,
                consumer_key,
                consumer_secret,
                token,
                nonce,
                timestamp,
                callback,
                verifier,
            },
        )
}

fn parts<'a>(case: &'a Case, form: &'a [(&'a str, &'a str)]) -> RequestParts<'a> {
    let mut request = RequestParts::new(case.method, &case.url)
        .expect("generated URLs are absolute")
        .with_form_pairs(form);
    if let Some(body) = &case.body {
        request = request.with_form_body(body.as_bytes());
    }
    request
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn encoding_round_trips(input in any::<String>()) {
        let encoded = percent::encode(&input);
        prop_assert_eq!(encoded.len(), percent::encoded_len(&input));
        prop_assert!(encoded.bytes().all(|b| percent::is_unreserved(b) || b == b'%'));
        for escape in encoded.split('%').skip(1) {
            let hex = escape.get(..2).unwrap_or_default();
            prop_assert!(hex.len() == 2 && hex.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)), "{}", encoded);
        }
        prop_assert_eq!(percent::decode(&encoded).unwrap(), input.as_str());
        prop_assert_eq!(percent::decode_form(&encoded).unwrap(), input.as_str());
        prop_assert_eq!(percent::Encoded(&input).to_string(), encoded.clone());
        let mut bytes = Vec::new();
        percent::encode_bytes_into(input.as_bytes(), &mut bytes);
        prop_assert_eq!(bytes, encoded.into_bytes());
    }

    #[test]
    fn variant_encodings_decode_alike(input in any::<String>(), seed in any::<u64>()) {
        let encoded = encode_variant(&input, seed);
        prop_assert_eq!(percent::decode_form(&encoded).unwrap(), input.as_str());
    }

    #[test]
    fn form_bodies_round_trip(pairs in params()) {
        let body = form::encode(&borrowed(&pairs));
        prop_assert_eq!(form::parse(body.as_bytes()).unwrap(), pairs);
    }

    #[test]
    fn signature_does_not_depend_on_parameter_order(
        pairs in params().prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle())),
        seed in any::<u64>(),
    ) {
        let (original, shuffled) = pairs;
        let credentials = Credentials::new("key", "secret").with_token("token", "token-secret");
        let signer = Signer::new(&credentials);
        let oauth = OAuthParams::new("nonce", 1_700_000_000);
        let url = "https://api.x.com/1.1/friendships/update.json";
        let (a, b) = (borrowed(&original), borrowed(&shuffled));
        let first = signer.signature(&RequestParts::new("POST", url).unwrap().with_form_pairs(&a), &oauth).unwrap();
        let second = signer.signature(&RequestParts::new("POST", url).unwrap().with_form_pairs(&b), &oauth).unwrap();
        prop_assert_eq!(first, second);
        // The same parameters in the query, encoded any which way, sign the same.
        let in_query = format!("{url}?{}", query_string(&shuffled, seed));
        let third = signer.signature(&RequestParts::new("POST", &in_query).unwrap(), &oauth).unwrap();
        prop_assert_eq!(first, third);
    }


    #[test]
    fn header_parser_never_panics(input in any::<String>()) {
        let _ = parse_authorization_header(&input);
    }

    #[test]
    fn header_parser_never_panics_on_header_like_input(
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                "OAuth", "oauth", " ", "\t", ",", "=", "\"", "%", "%2", "%2B", "%FF", "realm",
                "oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method",
                "oauth_timestamp", "HMAC-SHA1", "1", "é",
            ]),
            0..40,
        )
    ) {
        let _ = parse_authorization_header(&pieces.concat());
    }

    #[test]
    fn the_path_ends_at_the_first_question_mark_or_hash(target in "/[a-z/.?#=&]{0,60}") {
        // The plain model: the path runs to the first `?` or `#`; a query follows a `?`
        // that comes first, up to the next `#`.
        let path_end = target.find(['?', '#']).unwrap_or(target.len());
        let query = target[path_end..]
            .strip_prefix('?')
            .map(|rest| rest.split('#').next().unwrap_or_default());
        let url = format!("https://api.x.com{target}");
        let request = RequestParts::new("GET", &url).unwrap();
        prop_assert_eq!(request.query(), query);
        prop_assert_eq!(request.base_string_uri(), format!("https://api.x.com{}", &target[..path_end]));
        let origin = RequestParts::from_origin("GET", "https", "api.x.com", &target).unwrap();
        prop_assert_eq!(origin.query(), query);
    }

    #[test]
    fn other_parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64), input in any::<String>()) {
        let _ = form::parse(&bytes);
        let _ = percent::decode(&input);
        let _ = percent::decode_form_bytes(&bytes);
        if let Ok(request) = RequestParts::new("GET", &input) {
            let signer = Signer::new(&Credentials::new("k", "s"));
            let _ = signer.authorization(&request.with_form_body(&bytes), &OAuthParams::new("n", 1));
        }
        let _ = RequestParts::from_origin("GET", "https", &input, &input);
    }
}

// The two heaviest properties (whole random requests, many verifications each) run fewer cases.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The signer encodes its key straight into the HMAC's key block, or into its SHA-1 when
    /// the key is longer than a block: secrets of every length around the block's 64 bytes
    /// (escapes included) sign as the reference does.
    #[test]
    fn signer_keys_secrets_of_any_length_as_the_reference(
        consumer_secret in "[a-zA-Z0-9 ~&%+/é]{0,70}",
        token_secret in prop::option::of("[a-zA-Z0-9 ~&%+/é]{0,70}"),
    ) {
        let credentials = Credentials::new("key", consumer_secret.as_str());
        let credentials = match &token_secret {
            Some(secret) => credentials.with_token("token", secret.as_str()),
            None => credentials,
        };
        let request = RequestParts::new("GET", "https://api.x.com/2/users/me?a=b").unwrap();
        let oauth = OAuthParams::new("nonce", 1_700_000_000);
        prop_assert_eq!(
            Signer::new(&credentials).authorization(&request, &oauth).unwrap(),
            reference::authorization(&credentials, &request, &oauth).unwrap()
        );
    }

    #[test]
    fn fast_signer_equals_reference(case in case()) {
        let form = borrowed(&case.form);
        let request = parts(&case, &form);
        let credentials = case.credentials();
        let oauth = case.oauth();
        let signer = Signer::new(&credentials);
        let fast = signer.signature(&request, &oauth).unwrap();
        prop_assert_eq!(fast.as_str(), reference::signature(&credentials, &request, &oauth).unwrap());
        prop_assert_eq!(
            signer.authorization(&request, &oauth).unwrap(),
            reference::authorization(&credentials, &request, &oauth).unwrap()
        );
    }

    #[test]
    fn sign_then_verify(case in case(), skew in 0u64..600) {
        let form = borrowed(&case.form);
        let request = parts(&case, &form);
        let credentials = case.credentials();
        let oauth = case.oauth();
        let header = Signer::new(&credentials).authorization(&request, &oauth).unwrap();
        let parsed = parse_authorization_header(&header).unwrap();
        prop_assert_eq!(parsed.consumer_key(), case.consumer_key.as_str());
        prop_assert_eq!(parsed.token(), case.token.as_ref().map(|(t, _)| t.as_str()));
        let token_secret = case.token.as_ref().map(|(_, s)| s.as_str());
        let now = case.timestamp.saturating_add(skew);
        let window = TimeWindow::new(now, 600);
        let check = |request: &RequestParts<'_>, consumer_secret: &str, token_secret: Option<&str>| {
            verify(request, &parsed, consumer_secret, token_secret, window)
        };
        prop_assert_eq!(check(&request, &case.consumer_secret, token_secret), Ok(()));

        // Another method, URL or parameter.
        let other_method = if case.method.eq_ignore_ascii_case("GET") { "POST" } else { "GET" };
        let moved = RequestParts::new(other_method, &case.url).unwrap().with_form_pairs(&form);
        let moved = match &case.body { Some(b) => moved.with_form_body(b.as_bytes()), None => moved };
        prop_assert_eq!(check(&moved, &case.consumer_secret, token_secret), Err(VerifyError::BadSignature));
        let other_url = match case.url.split_once('?') {
            Some((before, query)) => format!("{before}/x?{query}"),
            None => format!("{}/x", case.url),
        };
        let moved = RequestParts::new(case.method, &other_url).unwrap().with_form_pairs(&form);
        let moved = match &case.body { Some(b) => moved.with_form_body(b.as_bytes()), None => moved };
        prop_assert_eq!(check(&moved, &case.consumer_secret, token_secret), Err(VerifyError::BadSignature));
        let mut more = form.clone();
        more.push(("extra", "1"));
        let moved = RequestParts::new(case.method, &case.url).unwrap().with_form_pairs(&more);
        let moved = match &case.body { Some(b) => moved.with_form_body(b.as_bytes()), None => moved };
        prop_assert_eq!(check(&moved, &case.consumer_secret, token_secret), Err(VerifyError::BadSignature));
        // (`oauth_signature` is never signed, so tamper with another parameter.)
        if let Some(index) = case.form.iter().position(|(name, _)| name != "oauth_signature") {
            let changed = format!("{}x", case.form[index].1);
            let mut tampered = borrowed(&case.form);
            tampered[index].1 = &changed;
            let moved = RequestParts::new(case.method, &case.url).unwrap().with_form_pairs(&tampered);
            let moved = match &case.body { Some(b) => moved.with_form_body(b.as_bytes()), None => moved };
            prop_assert_eq!(check(&moved, &case.consumer_secret, token_secret), Err(VerifyError::BadSignature));
        }

        // Another secret.
        let wrong = format!("{}x", case.consumer_secret);
        prop_assert_eq!(check(&request, &wrong, token_secret), Err(VerifyError::BadSignature));
        let wrong_token = token_secret.map_or_else(|| "x".to_owned(), |s| format!("{s}x"));
        prop_assert_eq!(check(&request, &case.consumer_secret, Some(&wrong_token)), Err(VerifyError::BadSignature));

        // The same signature with another nonce or timestamp.
        let signature = parsed.signature().to_owned();
        let resend = |nonce: &str, timestamp: u64| {
            let mut tampered = case.clone();
            tampered.nonce = nonce.to_owned();
            tampered.timestamp = timestamp;
            let protocol = reference::protocol_parameters(&credentials, &tampered.oauth());
            let protocol: Vec<(&str, &str)> = protocol.iter().map(|(n, v)| (*n, v.as_str())).collect();
            parse_authorization_header(&reference::authorization_header(&protocol, &signature)).unwrap()
        };
        let tampered = resend(&format!("{}x", case.nonce), case.timestamp);
        prop_assert_eq!(verify(&request, &tampered, &case.consumer_secret, token_secret, window), Err(VerifyError::BadSignature));
        let tampered = resend(&case.nonce, case.timestamp ^ 1);
        prop_assert_eq!(verify(&request, &tampered, &case.consumer_secret, token_secret, window), Err(VerifyError::BadSignature));

        // Outside the window.
        let late = TimeWindow::new(case.timestamp.saturating_add(601), 600);
        if case.timestamp <= u64::MAX - 601 {
            let outcome = verify(&request, &parsed, &case.consumer_secret, token_secret, late);
            prop_assert!(matches!(outcome, Err(VerifyError::TimestampOutOfWindow { .. })), "{outcome:?}");
        }
    }
}

/// Decoded form pairs, as a request's parts borrow them.
type DecodedPairs = &'static [(&'static str, &'static str)];

/// A form body whose raw bytes are not UTF-8 but decode to UTF-8 (a raw lead byte completed by
/// an escape, or the reverse) signs alike in the streamed signer and the reference, as the
/// decoded pairs; one that stays broken once decoded is refused by both. Found by the
/// `signature_differential` fuzz target: the signer used to refuse any body that was not UTF-8
/// before decoding.
#[test]
fn fast_signer_equals_reference_on_bodies_utf8_only_once_decoded() {
    let credentials = Credentials::new("ck", "cs").with_token("t", "ts");
    let oauth = OAuthParams::new("n", 1);
    let signer = Signer::new(&credentials);
    let url = "http://example.com/request";
    let cases: [(&[u8], DecodedPairs); 3] = [
        (b"a=\xC3%A9", &[("a", "\u{e9}")]),
        (b"a=%C3\xA9&b=2", &[("a", "\u{e9}"), ("b", "2")]),
        (b"\xC3%A9=1", &[("\u{e9}", "1")]),
    ];
    for (body, pairs) in cases {
        let request = RequestParts::new("POST", url).unwrap().with_form_body(body);
        let fast = signer
            .signature(&request, &oauth)
            .map(|s| s.as_str().to_owned());
        assert_eq!(
            fast,
            reference::signature(&credentials, &request, &oauth),
            "{body:?}"
        );
        let decoded = RequestParts::new("POST", url)
            .unwrap()
            .with_form_pairs(pairs);
        assert_eq!(
            fast.unwrap(),
            signer.signature(&decoded, &oauth).unwrap().as_str()
        );
    }
    for body in [&b"a=\xC3"[..], b"a=\xC3%41", b"\xFF=%A9", b"a=1&b=\xC3"] {
        let request = RequestParts::new("POST", url).unwrap().with_form_body(body);
        let fast = signer.signature(&request, &oauth);
        assert!(
            matches!(fast, Err(twapi_auth::oauth1::RequestError::Body(_))),
            "{body:?}: {fast:?}"
        );
        assert!(
            matches!(
                reference::signature(&credentials, &request, &oauth),
                Err(twapi_auth::oauth1::RequestError::Body(_))
            ),
            "{body:?}"
        );
    }
}
