//! The reference implementation of RFC 5849 HMAC-SHA1 signing, one public function per
//! step, written the straightforward way with owned strings.
//!
//! It is the executable specification: every step can be called with explicit inputs and
//! compared against published vectors or another implementation, and the fast
//! [`Signer`](super::Signer) is tested to agree with it on arbitrary requests. Use the
//! `Signer` in production; use these to check or debug a signature.
//!
//! ```
//! use twapi_auth::oauth1::reference::{base_string, parameter_string, signature_from_base_string, signing_key};
//!
//! let params = parameter_string(&[("oauth_nonce", "n"), ("b", "x y"), ("a", "1")]);
//! assert_eq!(params, "a=1&b=x%20y&oauth_nonce=n");
//! let base = base_string("get", "https://api.x.com/2/users/me", &params);
//! assert_eq!(base, "GET&https%3A%2F%2Fapi.x.com%2F2%2Fusers%2Fme&a%3D1%26b%3Dx%2520y%26oauth_nonce%3Dn");
//! let key = signing_key("cs", None);
//! assert_eq!(key.expose(), "cs&");
//! assert_eq!(signature_from_base_string(key.expose(), "bs"), "egQqG5AJep5sJ7anhXju1unge2I=");
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac, SimpleHmac};
use sha1::Sha1;

use super::credentials::{Credentials, OAuthParams, ProtocolParams};
use super::request::{RequestError, RequestParts};
use super::signer::keyed_mac;
use crate::percent::{self, DecodeError};
use crate::secret::Secret;

/// The base string URI of an absolute URL (RFC 5849 §3.4.1.2).
///
/// ```
/// assert_eq!(
///     twapi_auth::oauth1::reference::base_string_uri("http://EXAMPLE.COM:80/r%20v/X?id=123").unwrap(),
///     "http://example.com/r%20v/X",
/// );
/// ```
pub fn base_string_uri(url: &str) -> Result<String, RequestError> {
    Ok(RequestParts::new("GET", url)?.base_string_uri())
}

/// Every signed non-protocol parameter of a request, decoded: the query's, the form body's,
/// then the form pairs', in that order (`oauth_signature` excluded).
pub fn collect_parameters(
    request: &RequestParts<'_>,
) -> Result<Vec<(String, String)>, RequestError> {
    let mut params = Vec::new();
    if let Some(query) = request.query() {
        decode_components(query.as_bytes(), &mut params).map_err(RequestError::Query)?;
    }
    if let Some(body) = request.form_body() {
        decode_components(body, &mut params).map_err(RequestError::Body)?;
    }
    for &(name, value) in request.form_pairs() {
        params.push((name.to_owned(), value.to_owned()));
    }
    params.retain(|(name, _)| name != "oauth_signature");
    Ok(params)
}

fn decode_components(raw: &[u8], out: &mut Vec<(String, String)>) -> Result<(), DecodeError> {
    let mut offset = 0;
    for component in raw.split(|&b| b == b'&') {
        let start = offset;
        offset += component.len() + 1;
        if component.is_empty() {
            continue;
        }
        let eq = component.iter().position(|&b| b == b'=');
        let (name, value) = match eq {
            Some(eq) => (
                component.get(..eq).unwrap_or_default(),
                component.get(eq + 1..).unwrap_or_default(),
            ),
            None => (component, &[][..]),
        };
        let name_decoded = percent::decode_form_bytes(name).map_err(|e| e.shifted(start))?;
        let value_decoded =
            percent::decode_form_bytes(value).map_err(|e| e.shifted(start + name.len() + 1))?;
        out.push((name_decoded.into_owned(), value_decoded.into_owned()));
    }
    Ok(())
}

/// The normalized parameter string (RFC 5849 §3.4.1.3.2): encode every name and value, sort
/// by encoded name then encoded value (duplicates kept), join as `name=value&…`.
///
/// ```
/// assert_eq!(
///     twapi_auth::oauth1::reference::parameter_string(&[("a", "x!y"), ("a", "x y")]),
///     "a=x%20y&a=x%21y",
/// );
/// ```
pub fn parameter_string(params: &[(&str, &str)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(name, value)| (percent::encode(name), percent::encode(value)))
        .collect();
    encoded.sort();
    let pairs: Vec<String> = encoded
        .into_iter()
        .map(|(name, value)| name + "=" + &value)
        .collect();
    pairs.join("&")
}

/// The signature base string: `UPPER(method)&pe(base_string_uri)&pe(parameter_string)`.
pub fn base_string(method: &str, base_string_uri: &str, parameter_string: &str) -> String {
    let mut out = method.to_ascii_uppercase();
    out.push('&');
    percent::encode_into(base_string_uri, &mut out);
    out.push('&');
    percent::encode_into(parameter_string, &mut out);
    out
}

/// The HMAC key: `pe(consumer_secret)&pe(token_secret)`; without a token it ends in `&`.
pub fn signing_key(consumer_secret: &str, token_secret: Option<&str>) -> Secret {
    let token_secret = token_secret.unwrap_or_default();
    let mut key = String::with_capacity(
        percent::encoded_len(consumer_secret) + percent::encoded_len(token_secret) + 1,
    );
    percent::encode_into(consumer_secret, &mut key);
    key.push('&');
    percent::encode_into(token_secret, &mut key);
    Secret::new(key)
}

/// `base64(HMAC-SHA1(signing_key, base_string))`, computed with the textbook HMAC
/// construction (`hmac::SimpleHmac`), independent of the signer's pre-keyed state.
pub fn signature_from_base_string(signing_key: &str, base_string: &str) -> String {
    let digest = if let Ok(mut mac) = SimpleHmac::<Sha1>::new_from_slice(signing_key.as_bytes()) {
        mac.update(base_string.as_bytes());
        mac.finalize().into_bytes()
    } else {
        // HMAC accepts keys of every length, so this branch only keeps the function total.
        let mut mac = keyed_mac(signing_key.as_bytes());
        mac.update(base_string.as_bytes());
        mac.finalize().into_bytes()
    };
    STANDARD.encode(digest)
}

/// The oauth_* parameters a client sends for these credentials (`oauth_signature` aside):
/// consumer key, nonce, `HMAC-SHA1`, timestamp, token if any, `1.0`, and the callback or
/// verifier if given.
pub fn protocol_parameters(
    credentials: &Credentials,
    oauth: &OAuthParams<'_>,
) -> Vec<(&'static str, String)> {
    let timestamp = oauth.timestamp().to_string();
    ProtocolParams::new(
        credentials.consumer_key(),
        credentials.token(),
        oauth,
        &timestamp,
    )
    .as_slice()
    .iter()
    .map(|&(name, value)| (name, value.to_owned()))
    .collect()
}

/// The signature base string of a request (RFC 5849 3.4.1): its own parameters and the
/// protocol parameters, collected, sorted and joined behind the method and the base string URI.
/// What a lower bound of signing feeds to HMAC-SHA1, and what to compare when two signers
/// disagree.
pub fn request_base_string(
    credentials: &Credentials,
    request: &RequestParts<'_>,
    oauth: &OAuthParams<'_>,
) -> Result<String, RequestError> {
    let mut params = collect_parameters(request)?;
    params.extend(
        protocol_parameters(credentials, oauth)
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value)),
    );
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    Ok(base_string(
        request.method(),
        &request.base_string_uri(),
        &parameter_string(&borrowed),
    ))
}

/// The signature of a request, every step done with owned strings.
pub fn signature(
    credentials: &Credentials,
    request: &RequestParts<'_>,
    oauth: &OAuthParams<'_>,
) -> Result<String, RequestError> {
    let base = request_base_string(credentials, request, oauth)?;
    let key = signing_key(
        credentials.consumer_secret().expose(),
        credentials.token_secret().map(Secret::expose),
    );
    Ok(signature_from_base_string(key.expose(), &base))
}

/// The `Authorization` header value for the given oauth_* parameters and signature:
/// `OAuth ` then `name="pe(value)"` sorted by name, joined by `, `.
///
/// ```
/// assert_eq!(
///     twapi_auth::oauth1::reference::authorization_header(&[("oauth_nonce", "a b")], "x+y="),
///     r#"OAuth oauth_nonce="a%20b", oauth_signature="x%2By%3D""#,
/// );
/// ```
pub fn authorization_header(protocol: &[(&str, &str)], signature: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = protocol.to_vec();
    pairs.push(("oauth_signature", signature));
    pairs.sort_unstable();
    let rendered: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}=\"{}\"", percent::encode(value)))
        .collect();
    format!("OAuth {}", rendered.join(", "))
}

/// The full `Authorization` header value of a request, the reference way.
pub fn authorization(
    credentials: &Credentials,
    request: &RequestParts<'_>,
    oauth: &OAuthParams<'_>,
) -> Result<String, RequestError> {
    let signature = signature(credentials, request, oauth)?;
    let protocol = protocol_parameters(credentials, oauth);
    let borrowed: Vec<(&str, &str)> = protocol
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    Ok(authorization_header(&borrowed, &signature))
}
