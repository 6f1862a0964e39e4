//! Golden tests: every applicable vector of `../shared/reference/oauth1-vectors.json`, plus
//! an inline copy of the key vectors so the crate keeps golden tests without that folder.

use serde_json::Value;
use twapi_auth::Secret;
use twapi_auth::bearer::{AppAuth, basic_credential};
use twapi_auth::oauth1::reference::{
    self, base_string, base_string_uri, collect_parameters, parameter_string,
    signature_from_base_string, signing_key,
};
use twapi_auth::oauth1::{
    Credentials, OAuthParams, RequestParts, Signer, TimeWindow, VerifyError,
    parse_authorization_header, verify,
};
use twapi_auth::percent;
use twapi_auth::pkce::PkceVerifier;

#[path = "../../tests-support/shared_reference.rs"]
mod shared_reference;

/// The vectors file, or `None` when it is absent and the run opted out (see `shared_reference`).
fn load() -> Option<Value> {
    let path = shared_reference::path("oauth1-vectors.json")?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).expect("the vectors file is JSON"))
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("field {key} of {} is a string", value["name"]))
}

fn opt_text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn pairs(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .map(|list| {
            list.iter()
                .map(|pair| (text_at(pair, 0).to_owned(), text_at(pair, 1).to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn text_at(pair: &Value, index: usize) -> &str {
    pair[index]
        .as_str()
        .expect("a [name, value] pair of strings")
}

fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

/// One signing vector: every step, the fast signer, the reference pipeline, and the server
/// side. Returns whether the full pipelines applied (the vector sends what this crate sends).
fn check_signing_vector(vector: &Value) -> bool {
    if opt_text(vector, "kind") == Some("hmac_only") {
        check_hmac_vector(vector);
        return false;
    }
    let method = text(vector, "method");
    let url = text(vector, "url");
    let body = opt_text(vector, "body");
    let is_form =
        opt_text(vector, "body_content_type") == Some("application/x-www-form-urlencoded");
    let mut request = RequestParts::new(method, url).expect("vector URLs are absolute");
    if let (Some(body), true) = (body, is_form) {
        request = request.with_form_body(body.as_bytes());
    }
    check_steps(vector, &request);
    check_pipelines(vector, &request)
}

fn check_hmac_vector(vector: &Value) {
    let name = text(vector, "name");
    {
        let key = signing_key(
            text(vector, "consumer_secret"),
            Some(text(vector, "token_secret")),
        );
        assert_eq!(key.expose(), text(vector, "expected_signing_key"), "{name}");
        assert_eq!(
            signature_from_base_string(key.expose(), text(vector, "expected_base_string")),
            text(vector, "expected_signature"),
            "{name}"
        );
    }
}

/// Every step of the reference implementation on its own.
fn check_steps(vector: &Value, request: &RequestParts<'_>) {
    let name = text(vector, "name");
    let method = text(vector, "method");
    // Base string URI and parameter collection (query + form body, decoded).
    assert_eq!(
        request.base_string_uri(),
        text(vector, "base_url"),
        "{name}"
    );
    assert_eq!(
        sorted(collect_parameters(request).expect("vector parameters decode")),
        sorted(pairs(&vector["params"])),
        "{name}: collected parameters"
    );

    // Parameter string, base string, key, signature.
    let oauth = pairs(&vector["oauth_params_signed"]);
    let mut all = pairs(&vector["params"]);
    all.extend(oauth.iter().cloned());
    let params = parameter_string(&borrowed(&all));
    assert_eq!(params, text(vector, "expected_parameter_string"), "{name}");
    let base = base_string(method, text(vector, "base_url"), &params);
    assert_eq!(base, text(vector, "expected_base_string"), "{name}");
    let consumer_secret = text(vector, "consumer_secret");
    let token_secret = opt_text(vector, "token_secret").filter(|s| !s.is_empty());
    let key = signing_key(consumer_secret, token_secret);
    assert_eq!(key.expose(), text(vector, "expected_signing_key"), "{name}");
    let signature = signature_from_base_string(key.expose(), &base);
    assert_eq!(signature, text(vector, "expected_signature"), "{name}");

    // The header: exact when the vector lists parameters alphabetically without a realm
    // (the order this crate writes), otherwise equal once parsed.
    let expected_header = text(vector, "expected_header");
    let header = reference::authorization_header(&borrowed(&oauth), &signature);
    if is_alphabetical(vector) {
        assert_eq!(header, expected_header, "{name}");
    } else {
        assert_eq!(
            parse_authorization_header(&header),
            parse_authorization_header(expected_header),
            "{name}: header"
        );
    }
}

fn is_alphabetical(vector: &Value) -> bool {
    vector.get("header_order").is_none() && opt_text(vector, "realm").is_none()
}

/// The full pipelines (fast and reference) where the vector's oauth_* parameters are the ones
/// this crate sends (oauth_version included, a numeric timestamp), then the server side.
fn check_pipelines(vector: &Value, request: &RequestParts<'_>) -> bool {
    let name = text(vector, "name");
    let consumer_secret = text(vector, "consumer_secret");
    let expected_header = text(vector, "expected_header");
    let timestamp = text(vector, "timestamp").parse::<u64>().ok();
    let mut credentials = Credentials::new(text(vector, "consumer_key"), consumer_secret);
    if let Some(token) = opt_text(vector, "token") {
        credentials = credentials.with_token(token, text(vector, "token_secret"));
    }
    let extras = pairs(&vector["extra_oauth_params"]);
    let extra = |wanted: &str| {
        extras
            .iter()
            .find(|(n, _)| n == wanted)
            .map(|(_, v)| v.as_str())
    };
    let pipelines = timestamp.is_some() && vector["include_oauth_version"] == Value::Bool(true);
    if let (Some(timestamp), true) = (timestamp, pipelines) {
        let mut params = OAuthParams::new(text(vector, "nonce"), timestamp);
        if let Some(callback) = extra("oauth_callback") {
            params = params.with_callback(callback);
        }
        if let Some(verifier) = extra("oauth_verifier") {
            params = params.with_verifier(verifier);
        }
        let signer = Signer::new(&credentials);
        assert_eq!(
            signer.signature(request, &params).unwrap().as_str(),
            text(vector, "expected_signature"),
            "{name}: fast signer"
        );
        assert_eq!(
            reference::signature(&credentials, request, &params).unwrap(),
            text(vector, "expected_signature"),
            "{name}: reference pipeline"
        );
        let fast_header = signer.authorization(request, &params).unwrap();
        assert_eq!(
            fast_header,
            reference::authorization(&credentials, request, &params).unwrap()
        );
        if is_alphabetical(vector) {
            assert_eq!(fast_header, expected_header, "{name}: fast header");
        }
    }

    // The server side accepts the published header as is.
    let parsed = parse_authorization_header(expected_header).expect("vector headers parse");
    let token_secret = credentials.token_secret().map(Secret::expose);
    let outcome = verify(
        request,
        &parsed,
        consumer_secret,
        token_secret,
        TimeWindow::new(timestamp.unwrap_or_default(), 300),
    );
    match timestamp {
        Some(_) => assert_eq!(outcome, Ok(()), "{name}: verify"),
        None => assert!(
            matches!(outcome, Err(VerifyError::InvalidTimestamp(_))),
            "{name}: a non-numeric timestamp is its own error"
        ),
    }
    pipelines
}

#[test]
fn signing_vectors_from_shared_reference() {
    let Some(file) = load() else { return };
    let (mut checked, mut pipelines) = (0, 0);
    for list in ["vectors", "derived_in_scope_vectors"] {
        for vector in file[list].as_array().expect("a list of vectors") {
            assert_eq!(vector["verified"], Value::Bool(true), "{}", vector["name"]);
            pipelines += usize::from(check_signing_vector(vector));
            checked += 1;
        }
    }
    println!("{checked} signing vectors, {pipelines} through the full signer pipelines");
    assert!(
        checked >= 20 && pipelines >= 15,
        "{checked} vectors, {pipelines} pipelines"
    );
}

#[test]
fn base_string_vectors_from_shared_reference() {
    let Some(file) = load() else { return };
    for vector in file["base_string_vectors"].as_array().expect("a list") {
        let uri = base_string_uri(text(vector, "url")).expect("absolute URL");
        let params = pairs(&vector["params"]);
        let ours = base_string(
            text(vector, "method"),
            &uri,
            &parameter_string(&borrowed(&params)),
        );
        let expected = text(vector, "expected_base_string");
        if vector["verified"] == Value::Bool(true) {
            assert_eq!(ours, expected, "{}", vector["source"]);
        } else {
            // Divergent (dghubble keeps an empty path): the note names the RFC value.
            let note = text(vector, "note");
            let rfc_value = note
                .split_whitespace()
                .skip_while(|word| *word != "yields")
                .nth(1)
                .expect("the note names the reference value");
            assert_ne!(ours, expected, "a divergent vector must not be reproduced");
            assert_eq!(ours, rfc_value);
        }
    }
}

#[test]
fn percent_encoding_vectors_from_shared_reference() {
    let Some(file) = load() else { return };
    for vector in file["percent_encoding_vectors"].as_array().expect("a list") {
        let input = text(vector, "input");
        let expected = text(vector, "expected");
        assert_eq!(percent::encode(input), expected, "{}", vector["source"]);
        assert_eq!(percent::decode(expected).unwrap(), input);
    }
}

#[test]
fn normalization_vectors_from_shared_reference() {
    let Some(file) = load() else { return };
    let credentials = Credentials::new("key", "secret").with_token("token", "token-secret");
    let signer = Signer::new(&credentials);
    let oauth = OAuthParams::new("nonce", 1_318_622_958);
    for vector in file["parameter_normalization_vectors"]
        .as_array()
        .expect("a list")
    {
        let params = pairs(&vector["params"]);
        let params = borrowed(&params);
        assert_eq!(
            parameter_string(&params),
            text(vector, "expected"),
            "{}",
            vector["source"]
        );
        // The fast signer sorts the same way without building the string.
        let request = RequestParts::new("POST", "https://api.x.com/1.1/x.json")
            .unwrap()
            .with_form_pairs(&params);
        assert_eq!(
            signer.signature(&request, &oauth).unwrap().as_str(),
            reference::signature(&credentials, &request, &oauth).unwrap()
        );
    }
}

#[test]
fn base_string_uri_vectors_from_shared_reference() {
    let Some(file) = load() else { return };
    // Divergent vectors and the value RFC 5849 gives for them (from each vector's note).
    let rfc_values = [("https://example.com:443", "https://example.com/")];
    for vector in file["base_string_uri_vectors"].as_array().expect("a list") {
        let input = text(vector, "input");
        let ours = base_string_uri(input).unwrap();
        if vector["verified"] == Value::Bool(true) {
            assert_eq!(ours, text(vector, "expected"), "{input}");
        } else {
            let (_, rfc) = rfc_values
                .iter()
                .find(|(known, _)| *known == input)
                .unwrap_or_else(|| panic!("new divergent vector {input}: decide and list it"));
            assert_ne!(ours, text(vector, "expected"));
            assert_eq!(ours, *rfc);
        }
    }
}

#[test]
fn related_vectors_from_shared_reference() {
    let Some(file) = load() else { return };
    let bearer = &file["related_vectors"]["app_only_bearer_credentials"];
    let key = text(bearer, "consumer_key");
    let secret = Secret::new(text(bearer, "consumer_secret"));
    assert_eq!(
        basic_credential(key, &secret).expose(),
        text(bearer, "expected_base64")
    );
    let request = AppAuth::new(key, secret).token_request().unwrap();
    assert_eq!(
        request.headers()["authorization"],
        format!("Basic {}", text(bearer, "expected_base64")).as_str()
    );

    let pkce = &file["related_vectors"]["pkce_s256"];
    assert_eq!(text(pkce, "method"), "S256");
    let verifier = PkceVerifier::new(text(pkce, "code_verifier")).unwrap();
    assert_eq!(
        verifier.challenge().as_str(),
        text(pkce, "expected_code_challenge")
    );

    for entry in file["not_verifiable"].as_array().expect("a list") {
        println!(
            "not verifiable, skipped as the file says: {}",
            entry["name"]
        );
    }
}

fn docs_credentials() -> Credentials {
    Credentials::new(
        "xvz1evFS4wEEPTGEFPHBog",
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    )
    .with_token(
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )
}

/// Inline copies of the key vectors, so the crate has golden tests without ../shared.
#[test]
fn inline_twitter_docs_vectors() {
    let docs = docs_credentials();
    let oauth = OAuthParams::new("kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1_318_622_958);

    // Twitter docs "Creating a signature".
    let body = b"status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21";
    let request = RequestParts::new(
        "POST",
        "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
    )
    .unwrap()
    .with_form_body(body);
    assert_eq!(
        Signer::new(&docs).authorization(&request, &oauth).unwrap(),
        "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", \
         oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", \
         oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", \
         oauth_version=\"1.0\""
    );
    let params = collect_parameters(&request).unwrap();
    let mut all: Vec<(&str, &str)> = borrowed(&params);
    let protocol = reference::protocol_parameters(&docs, &oauth);
    all.extend(protocol.iter().map(|(n, v)| (*n, v.as_str())));
    assert_eq!(
        base_string("POST", &request.base_string_uri(), &parameter_string(&all)),
        "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26\
         oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26\
         oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26\
         oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26\
         status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
    );

    // Derived: GET followers/ids (the benchmark request) and a comma list.
    let followers = RequestParts::new(
        "GET",
        "https://api.twitter.com/1.1/followers/ids.json?cursor=-1&screen_name=twitterdev&count=5000&stringify_ids=true",
    )
    .unwrap();
    assert_eq!(
        Signer::new(&docs).signature(&followers, &oauth).unwrap(),
        "u7MCmGIrna705fO+Iew+22NC300="
    );
    let lookup = RequestParts::new(
        "GET",
        "https://api.twitter.com/1.1/users/lookup.json?screen_name=twitterapi%2Ctwitter&include_entities=false",
    )
    .unwrap();
    assert_eq!(
        Signer::new(&docs).signature(&lookup, &oauth).unwrap(),
        "HTYNgn5mDM1y/ZAdez4X5yBLZiE="
    );
}

#[test]
fn inline_sign_in_with_twitter_vectors() {
    // Sign in with Twitter: request token (callback, no token) and access token (verifier).
    let consumer = Credentials::new(
        "cChZNFj6T5R0TigYB9yd1w",
        "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg",
    );
    let request_token =
        RequestParts::new("POST", "https://api.twitter.com/oauth/request_token").unwrap();
    let params = OAuthParams::new("ea9ec8429b68d6b77cd5600adbbb0456", 1_318_467_427)
        .with_callback("http://localhost/sign-in-with-twitter/");
    assert_eq!(
        Signer::new(&consumer)
            .signature(&request_token, &params)
            .unwrap(),
        "F1Li3tvehgcraF8DMJ7OyxO4w9Y="
    );
    let access = consumer.clone().with_token(
        "NPcudxy0yU5T3tBzho7iCotZ3cnetKwcTIRlX0iwRl0",
        "veNRnAWe6inFuo8o2u8SLLZLjolYDmDP7SzL0YfYI",
    );
    let access_token =
        RequestParts::new("POST", "https://api.twitter.com/oauth/access_token").unwrap();
    let params = OAuthParams::new("a9900fe68e2573b27a37f10fbad6a755", 1_318_467_427)
        .with_verifier("uw7NjWHT6OJ1MpJOXsHfNxoAhPKpgI8BlYDhxEjIBY");
    assert_eq!(
        Signer::new(&access)
            .signature(&access_token, &params)
            .unwrap(),
        "39cipBtIOHEEnybAR4sATQTpl2I="
    );
}

#[test]
fn inline_rfc5849_vectors() {
    // RFC 5849 §1.2 (no oauth_version, a realm), verified on the server side.
    let photos = RequestParts::new(
        "GET",
        "http://photos.example.net/photos?file=vacation.jpg&size=original",
    )
    .unwrap();
    let header = parse_authorization_header(
        "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", \
         oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", \
         oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"",
    )
    .unwrap();
    let window = TimeWindow::new(137_131_202, 300);
    assert_eq!(
        verify(
            &photos,
            &header,
            "kd94hf93k423kf44",
            Some("pfkkdhi9sl3r4s00"),
            window
        ),
        Ok(())
    );

    // RFC 5849 §3.4.1 with oauthlib's secrets: duplicates, `+` in the body, double encoding.
    let rfc = RequestParts::new(
        "POST",
        "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
    )
    .unwrap()
    .with_form_body(b"c2&a3=2+q");
    let header = parse_authorization_header(
        "OAuth realm=\"Example\", oauth_consumer_key=\"9djdj82h48djs9d2\", oauth_nonce=\"7d8f3e4a\", \
         oauth_signature=\"wsdNmjGB7lvis0UJuPAmjvX%2FPXw%3D\", oauth_signature_method=\"HMAC-SHA1\", \
         oauth_timestamp=\"137131201\", oauth_token=\"kkk9d7dh3k39sjv7\"",
    )
    .unwrap();
    let key = "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ";
    let window = TimeWindow::new(137_131_201, 0);
    assert_eq!(
        verify(&rfc, &header, key, Some("just-a-string    asdasd"), window),
        Ok(())
    );
}

#[test]
fn inline_primitive_vectors() {
    // Raw HMAC (oauth.net wiki), base string URIs, encoding, normalization.
    assert_eq!(
        signature_from_base_string(signing_key("cs", Some("ts")).expose(), "bs"),
        "VZVjXceV7JgPq/dOTnNmEfO0Fv8="
    );
    assert_eq!(
        base_string_uri("http://EXAMPLE.COM:80/r%20v/X?id=123").unwrap(),
        "http://example.com/r%20v/X"
    );
    assert_eq!(
        base_string_uri("https://www.example.net:8080/?q=1").unwrap(),
        "https://www.example.net:8080/"
    );
    assert_eq!(
        base_string_uri("HTTP://www.example.com:443/").unwrap(),
        "http://www.example.com:443/"
    );
    assert_eq!(
        base_string_uri("https://www.example.com/path#fragment").unwrap(),
        "https://www.example.com/path"
    );
    assert_eq!(
        percent::encode("Dogs, Cats & Mice"),
        "Dogs%2C%20Cats%20%26%20Mice"
    );
    assert_eq!(percent::encode("\u{80}"), "%C2%80");
    assert_eq!(
        parameter_string(&[
            (".", "ape"),
            ("5.6", "bat"),
            ("rsa", "cat"),
            (" ", "dog"),
            ("ル", "eel"),
            ("dup", "fox")
        ]),
        "%20=dog&%E3%83%AB=eel&.=ape&5.6=bat&dup=fox&rsa=cat"
    );

    // App-only Basic credential and RFC 7636 Appendix B.
    assert_eq!(
        basic_credential(
            "xvz1evFS4wEEPTGEFPHBog",
            &Secret::new("L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg")
        )
        .expose(),
        "eHZ6MWV2RlM0d0VFUFRHRUZQSEJvZzpMOHFxOVBaeVJnNmllS0dFS2hab2xHQzB2SldMdzhpRUo4OERSZHlPZw=="
    );
    assert_eq!(
        PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            .unwrap()
            .challenge()
            .as_str(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}
