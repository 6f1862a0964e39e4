//! The signing benchmark: X-shaped credentials, the two requests, twapi's signer and the
//! unavoidable cost (HMAC-SHA1 over the exact base string, then base64).

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use twapi_auth::oauth1::{Credentials, OAuthParams, RequestParts, Signer, reference};

/// A consumer key, 25 characters as X issues them.
pub const CONSUMER_KEY: &str = "oQ5mVz2TQWm0DJ6lZfk9pLxAe";
/// A consumer secret, 50 characters.
pub const CONSUMER_SECRET: &str = "k3Zq8VbN1sWd4Rf7Gh0Jm2Lp5Tx9Cy6Ue8Io3Pa1Sd4Fg7Hj0K";
/// An access token, 50 characters: `<user id>-<random>`, X's shape.
pub const TOKEN: &str = "1359591600649736192-Xk2Lm9Np4Qr7St1Uv5Wx8Yz3Ab6Cd0";
/// An access token secret, 45 characters.
pub const TOKEN_SECRET: &str = "Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8Qa0Ws2";
/// A fixed nonce (32 alphanumeric characters, what drivers draw).
pub const NONCE: &str = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgm";
/// A fixed timestamp.
pub const TIMESTAMP: u64 = 1_700_000_000;

/// `GET followers/ids` with the parameters in the order twapi-core writes them.
pub const FOLLOWERS_IDS_URL: &str = "https://api.x.com/1.1/followers/ids.json?screen_name=XDevelopers&cursor=-1&count=5000&stringify_ids=true";
/// `POST friendships/create`.
pub const FRIENDSHIPS_CREATE_URL: &str = "https://api.x.com/1.1/friendships/create.json";
/// Its form body.
pub const FRIENDSHIPS_CREATE_BODY: &str = "user_id=1359591600649736192&follow=true";

/// The four credentials.
pub fn credentials() -> Credentials {
    Credentials::new(CONSUMER_KEY, CONSUMER_SECRET).with_token(TOKEN, TOKEN_SECRET)
}

/// The per-request inputs.
pub fn oauth_params() -> OAuthParams<'static> {
    OAuthParams::new(NONCE, TIMESTAMP)
}

/// The two signed requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `GET followers/ids?screen_name=…&cursor=-1&count=5000&stringify_ids=true`.
    FollowersIds,
    /// `POST friendships/create` with `user_id=…&follow=true` in a form body.
    FriendshipsCreate,
}

impl Case {
    /// Both cases.
    pub const ALL: [Case; 2] = [Case::FollowersIds, Case::FriendshipsCreate];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Case::FollowersIds => "followers_ids",
            Case::FriendshipsCreate => "friendships_create",
        }
    }

    /// The request as the signer reads it (parsed per call, as a driver does).
    ///
    /// # Panics
    /// Never: the URLs are constants that parse.
    pub fn parts(self) -> RequestParts<'static> {
        match self {
            Case::FollowersIds => RequestParts::new("GET", FOLLOWERS_IDS_URL).expect("valid URL"),
            Case::FriendshipsCreate => RequestParts::new("POST", FRIENDSHIPS_CREATE_URL)
                .expect("valid URL")
                .with_form_body(FRIENDSHIPS_CREATE_BODY.as_bytes()),
        }
    }

    /// The signature base string, built once by the step-by-step reference implementation.
    ///
    /// # Panics
    /// Never: the requests are constants that the reference accepts.
    pub fn base_string(self) -> String {
        reference::request_base_string(&credentials(), &self.parts(), &oauth_params())
            .expect("valid request")
    }
}

/// The full `Authorization` header by twapi's signer, keyed once per credentials.
///
/// # Panics
/// Never: the requests are constants the signer accepts.
pub fn twapi_header(signer: &Signer, case: Case) -> String {
    signer
        .authorization(&case.parts(), &oauth_params())
        .expect("signable request")
}

/// The full `Authorization` header by twapi's signer, keyed for this call only.
pub fn twapi_header_keyed_per_call(credentials: &Credentials, case: Case) -> String {
    twapi_header(&Signer::new(credentials), case)
}

type HmacSha1 = Hmac<Sha1>;

/// The unavoidable cost of a signature: HMAC-SHA1 over the exact base string, plus base64 of
/// the digest. No parsing, sorting, encoding or header.
#[derive(Clone)]
pub struct LowerBound {
    key: Vec<u8>,
    base_string: String,
    keyed: HmacSha1,
}

impl LowerBound {
    /// The base string and signing key of `case`, computed up front.
    ///
    /// # Panics
    /// Never: HMAC takes keys of any length.
    pub fn new(case: Case) -> Self {
        let key = reference::signing_key(CONSUMER_SECRET, Some(TOKEN_SECRET))
            .expose()
            .as_bytes()
            .to_vec();
        let keyed = HmacSha1::new_from_slice(&key).expect("HMAC takes any key");
        Self {
            key,
            base_string: case.base_string(),
            keyed,
        }
    }

    /// The base string.
    pub fn base_string(&self) -> &str {
        &self.base_string
    }

    /// Keys the HMAC, hashes the base string, encodes the digest.
    ///
    /// # Panics
    /// Never: HMAC takes keys of any length.
    pub fn keyed_per_call(&self) -> String {
        let mut mac = HmacSha1::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(self.base_string.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    /// The same with the HMAC state keyed once (cloned per call).
    pub fn pre_keyed(&self) -> String {
        let mut mac = self.keyed.clone();
        mac.update(self.base_string.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }
}

/// The `oauth_signature` of an `Authorization` header, percent-decoded.
pub fn signature_of(header: &str) -> Option<String> {
    let start = header.find("oauth_signature=\"")? + "oauth_signature=\"".len();
    let end = start + header.get(start..)?.find('"')?;
    twapi_auth::percent::decode(header.get(start..end)?)
        .ok()
        .map(std::borrow::Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_have_x_lengths() {
        assert_eq!(
            [
                CONSUMER_KEY.len(),
                CONSUMER_SECRET.len(),
                TOKEN.len(),
                TOKEN_SECRET.len()
            ],
            [25, 50, 50, 45]
        );
    }

    #[test]
    fn twapi_and_the_lower_bound_agree() {
        let signer = Signer::new(&credentials());
        for case in Case::ALL {
            let lower = LowerBound::new(case);
            let header = twapi_header(&signer, case);
            assert_eq!(
                signature_of(&header).as_deref(),
                Some(lower.keyed_per_call().as_str())
            );
            assert_eq!(lower.pre_keyed(), lower.keyed_per_call());
            assert_eq!(header, twapi_header_keyed_per_call(&credentials(), case));
        }
    }
}
