//! The fast HMAC-SHA1 signer.
//!
//! It computes exactly what [`reference`](mod@crate::oauth1::reference) computes (a property test holds it
//! to that), with these savings:
//! - the HMAC state is keyed once per credentials and cloned per request (keying costs two
//!   SHA-1 blocks);
//! - the base string is never built: its bytes are percent-encoded (twice, for the
//!   parameter string) straight into a stack buffer that feeds the HMAC;
//! - the parameters are sorted as borrowed slices on the stack (up to 16 before spilling to
//!   a `Vec`), compared by the order of their encoded forms without encoding them;
//! - the oauth_* parameters, the same for every request but for the nonce and timestamp,
//!   are encoded once per credentials, for the base string and for the header.
//!
//! The only allocation per request is the `Authorization` header string, sized once.
//! Measured on the followers/ids request of the benchmark (release build, 2 shared cores;
//! `BENCHMARKS.md`): the whole header costs about 1.3x a raw HMAC-SHA1 keyed per call + base64
//! of the same base string in time, and fewer instructions than it (the key is hashed once
//! per credentials); the reference implementation about 9x.

use std::cmp::Ordering;
use std::fmt;

use hmac::digest::{Key, KeyInit};
use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};
use zeroize::Zeroize;

use super::credentials::{Credentials, Decimal, OAuthParams, ProtocolParams};
use super::request::{RequestError, RequestParts};
use crate::percent::{self, FormBytes, HEX};

type HmacSha1 = Hmac<Sha1>;

// The pre-keyed state signs as well as the key it was made from, so it must be wiped when a
// `Signer` (or the copy a signature works on) is dropped. An `Hmac<Sha1>` is its two keyed
// SHA-1 states (inner and outer) and a block buffer: sha1's `zeroize` feature makes each state
// wipe itself on drop, digest's (which sha1's and hmac's turn on) the buffer, and this stops
// the build if the wiping is ever lost.
const _: () = {
    const fn wiped_on_drop<T: hmac::digest::zeroize::ZeroizeOnDrop>() {}
    wiped_on_drop::<sha1::block_api::Sha1Core>();
    wiped_on_drop::<hmac::digest::block_api::Buffer<hmac::block_api::HmacCore<Sha1>>>();
};

/// An HMAC-SHA1 signature in base64 (28 bytes, padded), as it appears before the header
/// percent-encodes it. Not a secret: it travels in the request.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 28]);

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Signature {
    /// The base64 form of an HMAC-SHA1 digest (standard alphabet, padded).
    pub fn from_digest(digest: &[u8; 20]) -> Self {
        let mut out = [b'='; 28];
        for (chunk, dst) in digest.chunks(3).zip(out.chunks_mut(4)) {
            let (b0, b1, b2) = match *chunk {
                [b0, b1, b2] => (b0, b1, b2),
                [b0, b1] => (b0, b1, 0),
                [b0] => (b0, 0, 0),
                _ => (0, 0, 0),
            };
            let n = u32::from(b0) << 16 | u32::from(b1) << 8 | u32::from(b2);
            let sextet = |shift: u32| BASE64[usize::try_from((n >> shift) & 63).unwrap_or(0)];
            let written = chunk.len() + 1;
            for (slot, shift) in dst.iter_mut().zip([18, 12, 6, 0]).take(written) {
                *slot = sextet(shift);
            }
        }
        Self(out)
    }

    /// The percent-encoded form the header carries, in a stack buffer: at most three bytes
    /// per base64 character, and in practice a few `%2B`, `%2F` and `%3D`. Returns the
    /// buffer and the length used.
    fn percent_encoded(&self) -> ([u8; 28 * 3], usize) {
        let mut out = [0; 28 * 3];
        let mut len = 0;
        for &byte in &self.0 {
            if percent::is_unreserved(byte) {
                if let Some(slot) = out.get_mut(len) {
                    *slot = byte;
                }
                len += 1;
            } else {
                if let Some(slots) = out.get_mut(len..len + 3) {
                    slots.copy_from_slice(&[
                        b'%',
                        HEX[usize::from(byte >> 4)],
                        HEX[usize::from(byte & 0x0F)],
                    ]);
                }
                len += 3;
            }
        }
        (out, len)
    }

    /// The base64 text, e.g. `hCtSmYh+iHYCEqBWrE7C7hYmtUk=`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

impl PartialEq<str> for Signature {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Signature {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Signs requests for one set of credentials. Create it once (it keys the HMAC) and use it
/// for every request; it is cheap to share across threads.
///
/// ```
/// use twapi_auth::oauth1::{Credentials, OAuthParams, RequestParts, Signer};
///
/// let credentials = Credentials::new("xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw")
///     .with_token(
///         "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
///         "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
///     );
/// let signer = Signer::new(&credentials);
/// let request = RequestParts::new(
///     "GET",
///     "https://api.twitter.com/1.1/followers/ids.json?cursor=-1&screen_name=twitterdev&count=5000&stringify_ids=true",
/// )?;
/// let oauth = OAuthParams::new("kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1_318_622_958);
/// assert_eq!(signer.signature(&request, &oauth)?, "u7MCmGIrna705fO+Iew+22NC300=");
/// let header = signer.authorization(&request, &oauth)?;
/// assert!(header.starts_with("OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce="));
/// # Ok::<(), twapi_auth::oauth1::RequestError>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    keyed: HmacSha1,
    block: OAuthBlock,
}

/// The oauth_* parameters of a plain request (no callback, no verifier) are the same for
/// every request but for the nonce and the timestamp, and they sort as one contiguous block
/// among request parameters whose names do not start with `oauth_`. Their encoded forms
/// are prepared once, so signing copies them instead of encoding them again.
///
/// Every piece lives in one buffer, written in one allocation: a server that signs for many
/// users makes a `Signer` per call, and keying must cost little beside the HMAC's own keying.
#[derive(Clone, Debug)]
struct OAuthBlock {
    /// The pieces, one after another, in the order of [`BlockPiece`]'s variants.
    text: String,
    /// Where each piece ends in `text` (each starts where the one before ends).
    ends: [usize; PIECES],
    /// Whether the credentials carry a token.
    has_token: bool,
}

/// The pieces of an [`OAuthBlock`].
#[derive(Clone, Copy)]
enum BlockPiece {
    /// The consumer key, as given.
    ConsumerKey,
    /// The token, as given (empty without one).
    Token,
    /// `oauth_consumer_key%3D…%26oauth_nonce%3D`, in the base string's double encoding.
    BaseHead,
    /// `[%26oauth_token%3D…]%26oauth_version%3D1.0`.
    BaseTail,
    /// `OAuth oauth_consumer_key="…", oauth_nonce="`.
    HeaderHead,
    /// `"[, oauth_token="…"], oauth_version="1.0"`.
    HeaderTail,
}

/// How many pieces an [`OAuthBlock`] holds: the last [`BlockPiece`] and those before it.
const PIECES: usize = BlockPiece::HeaderTail as usize + 1;

const BASE_MIDDLE: &[u8] = b"%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D";
const HEADER_SIGNATURE: &[u8] = b"\", oauth_signature=\"";
const HEADER_MIDDLE: &[u8] = b"\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"";

/// Appends `pe(pe(text))`: an unreserved byte stays, any other becomes `%25XX`.
fn encode_twice_into(text: &str, out: &mut String) {
    if percent::all_unreserved(text.as_bytes()) {
        out.push_str(text);
        return;
    }
    for &byte in text.as_bytes() {
        if percent::is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push_str("%25");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
}

/// The length of `pe(pe(text))`.
fn encoded_twice_len(text: &str) -> usize {
    text.bytes()
        .map(|b| if percent::is_unreserved(b) { 1 } else { 5 })
        .sum()
}

impl OAuthBlock {
    fn new(consumer_key: &str, token: Option<&str>) -> Self {
        let token_text = token.unwrap_or_default();
        let capacity = consumer_key.len()
            + token_text.len()
            + "oauth_consumer_key%3D%26oauth_nonce%3D".len()
            + encoded_twice_len(consumer_key)
            + "%26oauth_token%3D%26oauth_version%3D1.0".len()
            + encoded_twice_len(token_text)
            + "OAuth oauth_consumer_key=\"\", oauth_nonce=\"".len()
            + percent::encoded_len(consumer_key)
            + "\", oauth_token=\"\", oauth_version=\"1.0\"".len()
            + percent::encoded_len(token_text);
        let mut text = String::with_capacity(capacity);
        let mut ends = [0; PIECES];
        let mut end = |text: &String, piece: BlockPiece| ends[piece as usize] = text.len();
        text.push_str(consumer_key);
        end(&text, BlockPiece::ConsumerKey);
        text.push_str(token_text);
        end(&text, BlockPiece::Token);
        text.push_str("oauth_consumer_key%3D");
        encode_twice_into(consumer_key, &mut text);
        text.push_str("%26oauth_nonce%3D");
        end(&text, BlockPiece::BaseHead);
        if let Some(token) = token {
            text.push_str("%26oauth_token%3D");
            encode_twice_into(token, &mut text);
        }
        text.push_str("%26oauth_version%3D1.0");
        end(&text, BlockPiece::BaseTail);
        text.push_str("OAuth oauth_consumer_key=\"");
        percent::encode_into(consumer_key, &mut text);
        text.push_str("\", oauth_nonce=\"");
        end(&text, BlockPiece::HeaderHead);
        text.push('"');
        if let Some(token) = token {
            text.push_str(", oauth_token=\"");
            percent::encode_into(token, &mut text);
            text.push('"');
        }
        text.push_str(", oauth_version=\"1.0\"");
        end(&text, BlockPiece::HeaderTail);
        debug_assert!(text.len() <= capacity, "the capacity is computed exactly");
        Self {
            text,
            ends,
            has_token: token.is_some(),
        }
    }

    /// One piece of the block.
    fn get(&self, piece: BlockPiece) -> &str {
        let index = piece as usize;
        let start = index
            .checked_sub(1)
            .and_then(|before| self.ends.get(before))
            .copied()
            .unwrap_or(0);
        let end = self.ends.get(index).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or_default()
    }

    fn consumer_key(&self) -> &str {
        self.get(BlockPiece::ConsumerKey)
    }

    fn token(&self) -> Option<&str> {
        self.has_token.then(|| self.get(BlockPiece::Token))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("consumer_key", &self.block.consumer_key())
            .field("token", &self.block.token())
            .field("keyed", &"HMAC-SHA1(***)")
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Keys the HMAC with `pe(consumer_secret)&pe(token_secret)`.
    ///
    /// Cheap enough to make one per call (a server signing for many users, each with a token
    /// secret of its own): the key is encoded straight into the HMAC's key block, and the
    /// prepared oauth_* pieces take one allocation.
    pub fn new(credentials: &Credentials) -> Self {
        Self {
            keyed: keyed_mac_from_secrets(
                credentials.consumer_secret().expose(),
                credentials.token_secret().map_or("", crate::Secret::expose),
            ),
            block: OAuthBlock::new(credentials.consumer_key(), credentials.token()),
        }
    }

    /// The signature of a request: what goes into `oauth_signature`, before encoding.
    pub fn signature(
        &self,
        request: &RequestParts<'_>,
        oauth: &OAuthParams<'_>,
    ) -> Result<Signature, RequestError> {
        let timestamp = Decimal::new(oauth.timestamp());
        self.sign(request, oauth, &timestamp)
            .map(|(signature, _)| signature)
    }

    /// The full `Authorization` header value: `OAuth oauth_consumer_key="…", …`, parameters
    /// in alphabetical order, values percent-encoded.
    pub fn authorization(
        &self,
        request: &RequestParts<'_>,
        oauth: &OAuthParams<'_>,
    ) -> Result<String, RequestError> {
        let timestamp = Decimal::new(oauth.timestamp());
        let (signature, fast) = self.sign(request, oauth, &timestamp)?;
        if fast {
            // Written as bytes, every piece copied whole into a buffer sized exactly once;
            // the one UTF-8 check at the end (a fast ASCII scan) cannot fail, since every
            // piece is ASCII, and is cheaper than turning each piece into a `str`.
            let header_head = self.block.get(BlockPiece::HeaderHead);
            let header_tail = self.block.get(BlockPiece::HeaderTail);
            let nonce = oauth.nonce().as_bytes();
            let nonce_unreserved = percent::all_unreserved(nonce);
            let nonce_len = if nonce_unreserved {
                nonce.len()
            } else {
                percent::encoded_len(oauth.nonce())
            };
            let (signature_buffer, signature_len) = signature.percent_encoded();
            let signature = signature_buffer.get(..signature_len).unwrap_or_default();
            let timestamp = timestamp.as_bytes();
            let mut out = Vec::with_capacity(
                header_head.len()
                    + nonce_len
                    + HEADER_SIGNATURE.len()
                    + signature.len()
                    + HEADER_MIDDLE.len()
                    + timestamp.len()
                    + header_tail.len(),
            );
            out.extend_from_slice(header_head.as_bytes());
            if nonce_unreserved {
                out.extend_from_slice(nonce);
            } else {
                percent::encode_bytes_into(nonce, &mut out);
            }
            out.extend_from_slice(HEADER_SIGNATURE);
            out.extend_from_slice(signature);
            out.extend_from_slice(HEADER_MIDDLE);
            out.extend_from_slice(timestamp);
            out.extend_from_slice(header_tail.as_bytes());
            String::from_utf8(out).map_err(|_| RequestError::InvalidHeaderValue)
        } else {
            Ok(write_header(
                self.protocol(oauth, &timestamp).as_slice(),
                &signature,
            ))
        }
    }

    /// Signs, through the prepared oauth_* block when it applies (the flag says so).
    fn sign(
        &self,
        request: &RequestParts<'_>,
        oauth: &OAuthParams<'_>,
        timestamp: &Decimal,
    ) -> Result<(Signature, bool), RequestError> {
        let mut params = ParamList::default();
        collect(&mut params, request)?;
        let params = params.as_mut_slice();
        let plain = oauth.callback().is_none() && oauth.verifier().is_none();
        if plain && !params.iter().any(|param| param.name.starts_with(b"oauth_")) {
            sort(params);
            let split = params.partition_point(|param| {
                compare_pieces(param.name, Piece::Plain(b"oauth_")) == Ordering::Less
            });
            let (before, after) = params.split_at(split);
            let mut sink = MacSink::new(self.keyed.clone());
            write_method_and_uri(&mut sink, request);
            for param in before {
                sink.param(param);
                sink.put(b"%26");
            }
            sink.put(self.block.get(BlockPiece::BaseHead).as_bytes());
            sink.double_encoded(Piece::Plain(oauth.nonce().as_bytes()));
            sink.put(BASE_MIDDLE);
            sink.put(timestamp.as_bytes());
            sink.put(self.block.get(BlockPiece::BaseTail).as_bytes());
            for param in after {
                sink.put(b"%26");
                sink.param(param);
            }
            return Ok((Signature::from_digest(&sink.finish()), true));
        }
        let protocol = self.protocol(oauth, timestamp);
        let signature = sign_collected(self.keyed.clone(), request, params, protocol.as_slice());
        Ok((signature, false))
    }

    /// Signs an `http::Request` in place: reads its method, absolute URI and (when the
    /// `Content-Type` is form-urlencoded) its body, and sets the `Authorization` header
    /// (marked sensitive).
    ///
    /// ```
    /// use twapi_auth::oauth1::{Credentials, OAuthParams, Signer};
    ///
    /// let signer = Signer::new(&Credentials::new("key", "secret").with_token("token", "token-secret"));
    /// let mut request = http::Request::get("https://api.x.com/2/users/me")
    ///     .body(bytes::Bytes::new())
    ///     .unwrap();
    /// signer.authorize(&mut request, &OAuthParams::new("nonce", 1_700_000_000))?;
    /// assert!(request.headers()["authorization"].to_str().unwrap().starts_with("OAuth "));
    /// # Ok::<(), twapi_auth::oauth1::RequestError>(())
    /// ```
    pub fn authorize<B: AsRef<[u8]>>(
        &self,
        request: &mut http::Request<B>,
        oauth: &OAuthParams<'_>,
    ) -> Result<(), RequestError> {
        let header = self.authorization(&RequestParts::from_request(request)?, oauth)?;
        let mut value =
            http::HeaderValue::try_from(header).map_err(|_| RequestError::InvalidHeaderValue)?;
        value.set_sensitive(true);
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        Ok(())
    }

    fn protocol<'a>(
        &'a self,
        oauth: &OAuthParams<'a>,
        timestamp: &'a Decimal,
    ) -> ProtocolParams<'a> {
        ProtocolParams::new(
            self.block.consumer_key(),
            self.block.token(),
            oauth,
            timestamp.as_str(),
        )
    }
}

/// An HMAC-SHA1 state keyed with `key`. HMAC zero-pads keys up to the block size and
/// hashes longer ones; doing that here lets the keyed constructor be infallible.
pub(crate) fn keyed_mac(key: &[u8]) -> HmacSha1 {
    let mut block = Key::<HmacSha1>::default();
    if key.len() > block.len() {
        let mut digest = Sha1::digest(key);
        for (dst, src) in block.iter_mut().zip(digest.iter()) {
            *dst = *src;
        }
        digest.as_mut_slice().zeroize();
    } else {
        for (dst, src) in block.iter_mut().zip(key) {
            *dst = *src;
        }
    }
    let mac = <HmacSha1 as KeyInit>::new(&block);
    block.as_mut_slice().zeroize();
    mac
}

/// An HMAC-SHA1 state keyed with `pe(consumer_secret)&pe(token_secret)`, the key encoded
/// straight into the key block (or, when longer than a block, straight into its SHA-1), so
/// that keying allocates nothing. The same key as [`super::reference::signing_key`].
fn keyed_mac_from_secrets(consumer_secret: &str, token_secret: &str) -> HmacSha1 {
    /// Writes the encoded key, piece by piece, to `put`.
    fn write_key(consumer_secret: &str, token_secret: &str, put: &mut impl FnMut(&[u8])) {
        for (i, secret) in [consumer_secret, token_secret].into_iter().enumerate() {
            if i == 1 {
                put(b"&");
            }
            let bytes = secret.as_bytes();
            let mut run_start = 0;
            for (at, &byte) in bytes.iter().enumerate() {
                if !percent::is_unreserved(byte) {
                    put(bytes.get(run_start..at).unwrap_or_default());
                    put(&[
                        b'%',
                        HEX[usize::from(byte >> 4)],
                        HEX[usize::from(byte & 0x0F)],
                    ]);
                    run_start = at + 1;
                }
            }
            put(bytes.get(run_start..).unwrap_or_default());
        }
    }
    let mut block = Key::<HmacSha1>::default();
    let len = percent::encoded_len(consumer_secret) + 1 + percent::encoded_len(token_secret);
    if len > block.len() {
        let mut hasher = Sha1::new();
        write_key(consumer_secret, token_secret, &mut |piece| {
            hasher.update(piece);
        });
        let mut digest = hasher.finalize();
        for (dst, src) in block.iter_mut().zip(digest.iter()) {
            *dst = *src;
        }
        digest.as_mut_slice().zeroize();
    } else {
        let mut at = 0;
        write_key(consumer_secret, token_secret, &mut |piece| {
            for (dst, src) in block.iter_mut().skip(at).zip(piece) {
                *dst = *src;
            }
            at += piece.len();
        });
    }
    let mac = <HmacSha1 as KeyInit>::new(&block);
    block.as_mut_slice().zeroize();
    mac
}

/// Signs with a keyed MAC over the request and the given oauth_* parameters (every one
/// that is signed, `oauth_signature` excluded). Shared by [`Signer`] and the verifier.
///
/// The request's parameters and the protocol parameters are sorted separately (the
/// protocol list usually arrives sorted) and merged while streaming.
pub(crate) fn sign<'a>(
    mac: HmacSha1,
    request: &RequestParts<'a>,
    protocol: &[(&'a str, &'a str)],
) -> Result<Signature, RequestError> {
    let mut params = ParamList::default();
    collect(&mut params, request)?;
    Ok(sign_collected(
        mac,
        request,
        params.as_mut_slice(),
        protocol,
    ))
}

/// Collects the request's own parameters: query, form body, form pairs.
fn collect<'a>(params: &mut ParamList<'a>, request: &RequestParts<'a>) -> Result<(), RequestError> {
    if let Some(query) = request.query() {
        push_encoded(params, query.as_bytes(), true).map_err(RequestError::Query)?;
    }
    if let Some(body) = request.form_body() {
        push_encoded(params, body, false).map_err(RequestError::Body)?;
    }
    push_plain(params, request.form_pairs());
    Ok(())
}

fn sign_collected<'a>(
    mac: HmacSha1,
    request: &RequestParts<'a>,
    params: &mut [Param<'a>],
    protocol: &[(&'a str, &'a str)],
) -> Signature {
    let mut oauth = ParamList::default();
    push_plain(&mut oauth, protocol);
    sort(params);
    let oauth = oauth.as_mut_slice();
    sort(oauth);
    let mut sink = MacSink::new(mac);
    write_base_string(&mut sink, request, params, oauth);
    Signature::from_digest(&sink.finish())
}

fn push_plain<'a>(params: &mut ParamList<'a>, pairs: &[(&'a str, &'a str)]) {
    for &(name, value) in pairs {
        if name != "oauth_signature" {
            params.push(Param {
                name: Piece::Plain(name.as_bytes()),
                value: Piece::Plain(value.as_bytes()),
            });
        }
    }
}

/// Insertion sort: the lists are short and often already sorted, where it does one
/// comparison per element.
fn sort(params: &mut [Param<'_>]) {
    for i in 1..params.len() {
        let mut j = i;
        while j > 0 {
            let (Some(before), Some(current)) = (params.get(j - 1), params.get(j)) else {
                break;
            };
            if compare_params(before, current) != Ordering::Greater {
                break;
            }
            params.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// A parameter name or value, borrowed: either decoded text, or a raw component of a
/// query or form body (validated) that is decoded on the fly.
#[derive(Clone, Copy, Debug)]
enum Piece<'a> {
    /// Decoded text made only of unreserved bytes, so that it is its own encoding (single
    /// or double): the parser knows this for free, and the sink then copies it whole.
    Unreserved(&'a [u8]),
    /// Decoded text.
    Plain(&'a [u8]),
    /// A raw query or form component with escapes or `+`, decoded on the fly.
    Form(&'a [u8]),
}

impl<'a> Piece<'a> {
    /// The bytes of a piece that needs no decoding.
    fn decoded(self) -> Option<&'a [u8]> {
        match self {
            Self::Unreserved(bytes) | Self::Plain(bytes) => Some(bytes),
            Self::Form(_) => None,
        }
    }

    fn bytes(self) -> PieceBytes<'a> {
        match self {
            Self::Unreserved(bytes) | Self::Plain(bytes) => PieceBytes::Plain(bytes.iter()),
            Self::Form(raw) => PieceBytes::Form(FormBytes::new(raw)),
        }
    }

    fn starts_with(self, prefix: &[u8]) -> bool {
        if let Some(bytes) = self.decoded() {
            bytes.starts_with(prefix)
        } else {
            let mut bytes = self.bytes();
            prefix.iter().all(|&p| bytes.next() == Some(p))
        }
    }

    fn eq_str(self, text: &str) -> bool {
        match self.decoded() {
            Some(bytes) => bytes == text.as_bytes(),
            None => self.bytes().eq(text.bytes()),
        }
    }
}

/// What a query or form component holds, as far as encoding goes; the parser widens it as
/// it meets bytes (the order is from least to most work).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Escaping {
    /// Only unreserved bytes.
    None,
    /// Some byte that encoding escapes, but no `%` escape or `+` to decode.
    Reserved,
    /// Escapes or `+`: decoded on the fly.
    Form,
}

impl Escaping {
    fn piece(self, bytes: &[u8]) -> Piece<'_> {
        match self {
            Self::None => Piece::Unreserved(bytes),
            Self::Reserved => Piece::Plain(bytes),
            Self::Form => Piece::Form(bytes),
        }
    }
}

enum PieceBytes<'a> {
    Plain(std::slice::Iter<'a, u8>),
    Form(FormBytes<'a>),
}

impl Iterator for PieceBytes<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        match self {
            Self::Plain(bytes) => bytes.next().copied(),
            Self::Form(bytes) => bytes.next(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Param<'a> {
    name: Piece<'a>,
    value: Piece<'a>,
}

const EMPTY: Param<'static> = Param {
    name: Piece::Unreserved(&[]),
    value: Piece::Unreserved(&[]),
};

const INLINE: usize = 16;

/// Up to 16 parameters on the stack; more spill into a `Vec`.
struct ParamList<'a> {
    inline: [Param<'a>; INLINE],
    len: usize,
    spilled: Vec<Param<'a>>,
}

impl Default for ParamList<'_> {
    fn default() -> Self {
        Self {
            inline: [EMPTY; INLINE],
            len: 0,
            spilled: Vec::new(),
        }
    }
}

impl<'a> ParamList<'a> {
    fn push(&mut self, param: Param<'a>) {
        if self.spilled.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = param;
                self.len += 1;
                return;
            }
            self.spilled.reserve(INLINE * 2);
            self.spilled.extend_from_slice(&self.inline);
        }
        self.spilled.push(param);
    }

    fn as_mut_slice(&mut self) -> &mut [Param<'a>] {
        if self.spilled.is_empty() {
            self.inline.get_mut(..self.len).unwrap_or_default()
        } else {
            &mut self.spilled
        }
    }
}

/// Splits a raw query or form body into parameters in one pass, checking every escape.
/// `utf8_known` says the bytes come from a `&str`; a body is checked here. Components whose
/// escapes decode to non-ASCII bytes are checked to decode to UTF-8.
///
/// A body that is not UTF-8 as it stands can still decode to UTF-8 (a raw lead byte completed
/// by an escape, `a=\xC3%A9`), as the reference reads it; such a body has every component
/// checked by decoding, so both accept and refuse the same bodies.
fn push_encoded<'a>(
    params: &mut ParamList<'a>,
    raw: &'a [u8],
    utf8_known: bool,
) -> Result<(), percent::DecodeError> {
    // ASCII is UTF-8: the word-at-a-time ASCII test spares the full check for most bodies.
    let raw_utf8 = utf8_known || raw.is_ascii() || std::str::from_utf8(raw).is_ok();
    let mut start = 0;
    let mut eq: Option<usize> = None;
    let mut name_escaping = Escaping::None;
    let mut value_escaping = Escaping::None;
    let mut non_ascii_escape = false;
    let mut i = 0;
    loop {
        // Most bytes are unreserved and need nothing: skip them with one lookup each.
        i += raw
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| percent::is_unreserved(b))
            .count();
        let byte = raw.get(i).copied();
        let escaping = if eq.is_some() {
            &mut value_escaping
        } else {
            &mut name_escaping
        };
        match byte {
            None | Some(b'&') => {
                if i > start {
                    let component = raw.get(start..i).unwrap_or_default();
                    if non_ascii_escape || !raw_utf8 {
                        percent::validate_form(component).map_err(|e| e.shifted(start))?;
                    }
                    let (name, value) = match eq {
                        Some(eq) => (
                            raw.get(start..eq).unwrap_or_default(),
                            raw.get(eq + 1..i).unwrap_or_default(),
                        ),
                        None => (component, &[][..]),
                    };
                    let name = name_escaping.piece(name);
                    if !name.eq_str("oauth_signature") {
                        let value = value_escaping.piece(value);
                        params.push(Param { name, value });
                    }
                }
                if byte.is_none() {
                    return Ok(());
                }
                start = i + 1;
                eq = None;
                name_escaping = Escaping::None;
                value_escaping = Escaping::None;
                non_ascii_escape = false;
                i += 1;
            }
            Some(b'=') if eq.is_none() => {
                eq = Some(i);
                i += 1;
            }
            Some(b'%') => {
                let escaped = raw
                    .get(i + 1..i + 3)
                    .and_then(|hex| {
                        Some(
                            percent::hex_value(*hex.first()?)? << 4
                                | percent::hex_value(*hex.get(1)?)?,
                        )
                    })
                    .ok_or(percent::DecodeError::invalid_escape(i))?;
                non_ascii_escape |= escaped >= 0x80;
                *escaping = Escaping::Form;
                i += 3;
            }
            Some(b'+') => {
                *escaping = Escaping::Form;
                i += 1;
            }
            Some(_) => {
                *escaping = (*escaping).max(Escaping::Reserved);
                i += 1;
            }
        }
    }
}

fn compare_params(a: &Param<'_>, b: &Param<'_>) -> Ordering {
    compare_pieces(a.name, b.name).then_with(|| compare_pieces(a.value, b.value))
}

/// Orders two pieces as their percent-encodings would order byte-wise. Inlined: the sort
/// calls it a few times per request, and decoded pieces usually differ in a byte or two.
#[inline]
fn compare_pieces(left: Piece<'_>, right: Piece<'_>) -> Ordering {
    if let (Some(lhs), Some(rhs)) = (left.decoded(), right.decoded()) {
        for (&l, &r) in lhs.iter().zip(rhs) {
            if l != r {
                return percent::order_key(l).cmp(&percent::order_key(r));
            }
        }
        return lhs.len().cmp(&rhs.len());
    }
    compare_decoding(left, right)
}

/// [`compare_pieces`] when a piece has escapes to decode on the way.
#[inline(never)]
fn compare_decoding(left: Piece<'_>, right: Piece<'_>) -> Ordering {
    let (mut lhs, mut rhs) = (left.bytes(), right.bytes());
    loop {
        match (lhs.next(), rhs.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(l), Some(r)) if l != r => {
                return percent::order_key(l).cmp(&percent::order_key(r));
            }
            (Some(_), Some(_)) => {}
        }
    }
}

/// `METHOD&pe(base uri)&pe(parameter string)`, streamed; the two sorted parameter lists
/// are merged on the way.
fn write_base_string(
    sink: &mut MacSink,
    request: &RequestParts<'_>,
    params: &[Param<'_>],
    oauth: &[Param<'_>],
) {
    write_method_and_uri(sink, request);
    let (mut params, mut oauth) = (params.iter().peekable(), oauth.iter().peekable());
    let mut first = true;
    loop {
        let next = match (params.peek(), oauth.peek()) {
            (Some(p), Some(o)) if compare_params(p, o) == Ordering::Greater => oauth.next(),
            (Some(_), _) => params.next(),
            (None, _) => oauth.next(),
        };
        let Some(param) = next else { break };
        if !first {
            sink.put(b"%26");
        }
        first = false;
        sink.param(param);
    }
}

/// `METHOD&pe(base uri)&`.
fn write_method_and_uri(sink: &mut MacSink, request: &RequestParts<'_>) {
    let method = request.method().as_bytes();
    if method.iter().any(u8::is_ascii_lowercase) {
        for &byte in method {
            sink.put(&[byte.to_ascii_uppercase()]);
        }
    } else {
        sink.put(method);
    }
    sink.put(b"&");
    let mut port_buffer = [0; 5];
    let uri = request.base_uri(&mut port_buffer);
    // The two schemes X serves are written as constants.
    if uri.scheme.eq_ignore_ascii_case("https") {
        sink.put(b"https%3A%2F%2F");
    } else if uri.scheme.eq_ignore_ascii_case("http") {
        sink.put(b"http%3A%2F%2F");
    } else {
        sink.encoded_lower(uri.scheme.as_bytes());
        sink.put(b"%3A%2F%2F");
    }
    sink.encoded_lower(uri.host.as_bytes());
    if !uri.port.is_empty() {
        sink.put(b"%3A");
        sink.put(uri.port.as_bytes());
    }
    sink.encoded(uri.path.as_bytes());
    sink.put(b"&");
}

const SINK_BUFFER: usize = 512;
/// Indexes are masked with this, which the compiler sees is in bounds (no checks in the
/// hot loops); [`MacSink::reserve`] guarantees the masked index is the real one.
const MASK: usize = SINK_BUFFER - 1;
/// Input bytes handled per step, so that even five output bytes each fit the buffer.
const CHUNK: usize = SINK_BUFFER / 5;

/// A write buffer in front of the HMAC: few `update` calls, no heap, bytes written in place.
struct MacSink {
    mac: HmacSha1,
    buffer: [u8; SINK_BUFFER],
    len: usize,
}

impl MacSink {
    fn new(mac: HmacSha1) -> Self {
        Self {
            mac,
            buffer: [0; SINK_BUFFER],
            len: 0,
        }
    }

    fn flush(&mut self) {
        self.mac
            .update(self.buffer.get(..self.len).unwrap_or_default());
        self.len = 0;
    }

    /// Makes room for `needed` (≤ [`SINK_BUFFER`]) more bytes, flushing if necessary.
    #[inline]
    fn reserve(&mut self, needed: usize) {
        if SINK_BUFFER - self.len < needed {
            self.flush();
        }
    }

    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(dst) = self.buffer.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
            self.len = end;
        } else {
            self.put_long(bytes);
        }
    }

    #[inline(never)]
    fn put_long(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(SINK_BUFFER) {
            self.reserve(chunk.len());
            if let Some(dst) = self.buffer.get_mut(self.len..self.len + chunk.len()) {
                dst.copy_from_slice(chunk);
                self.len += chunk.len();
            }
        }
    }

    /// Writes `pe(bytes)`.
    fn encoded(&mut self, bytes: &[u8]) {
        self.encoded_mapped(bytes, |byte| byte);
    }

    /// Writes `pe(lowercase(bytes))` (scheme and host), lower-casing on the way.
    fn encoded_lower(&mut self, bytes: &[u8]) {
        self.encoded_mapped(bytes, |byte| byte.to_ascii_lowercase());
    }

    /// Writes `pe(map(bytes))` for a byte-to-byte `map`, in one pass.
    #[inline]
    fn encoded_mapped(&mut self, bytes: &[u8], map: impl Fn(u8) -> u8) {
        for chunk in bytes.chunks(CHUNK) {
            self.reserve(chunk.len() * 3);
            let (buffer, mut at) = (&mut self.buffer, self.len);
            for &byte in chunk {
                let byte = map(byte);
                if percent::is_unreserved(byte) {
                    buffer[at & MASK] = byte;
                    at += 1;
                } else {
                    buffer[at & MASK] = b'%';
                    buffer[(at + 1) & MASK] = HEX[usize::from(byte >> 4)];
                    buffer[(at + 2) & MASK] = HEX[usize::from(byte & 0x0F)];
                    at += 3;
                }
            }
            self.len = at;
        }
    }

    /// Writes `pe(pe(name))%3Dpe(pe(value))`.
    fn param(&mut self, param: &Param<'_>) {
        self.double_encoded(param.name);
        self.put(b"%3D");
        self.double_encoded(param.value);
    }

    /// Writes `pe(pe(piece))`: an unreserved byte stays, any other becomes `%25XX`.
    fn double_encoded(&mut self, piece: Piece<'_>) {
        match piece {
            Piece::Unreserved(bytes) => self.put(bytes),
            // Long unreserved runs (keys, tokens, nonces) are copied as they are.
            Piece::Plain(bytes) if bytes.len() >= 16 && percent::all_unreserved(bytes) => {
                self.put(bytes);
            }
            Piece::Plain(bytes) if bytes.len() <= CHUNK => {
                self.double_encoded_chunk(bytes.iter().copied(), bytes.len());
            }
            Piece::Plain(bytes) => {
                for chunk in bytes.chunks(CHUNK) {
                    self.double_encoded_chunk(chunk.iter().copied(), chunk.len());
                }
            }
            // Decoding never lengthens, so the raw length bounds the output. Chunking could
            // split an escape, so a long component goes byte by byte (rare: above 100 bytes).
            Piece::Form(raw) if raw.len() <= CHUNK => {
                self.double_encoded_chunk(FormBytes::new(raw), raw.len());
            }
            Piece::Form(raw) => {
                for byte in FormBytes::new(raw) {
                    self.double_encoded_chunk(std::iter::once(byte), 1);
                }
            }
        }
    }

    /// Writes the double encoding of at most `max_len` (≤ [`CHUNK`]) bytes.
    #[inline]
    fn double_encoded_chunk(&mut self, bytes: impl Iterator<Item = u8>, max_len: usize) {
        self.reserve(max_len * 5);
        let (buffer, mut at) = (&mut self.buffer, self.len);
        for byte in bytes {
            if percent::is_unreserved(byte) {
                buffer[at & MASK] = byte;
                at += 1;
            } else {
                buffer[at & MASK] = b'%';
                buffer[(at + 1) & MASK] = b'2';
                buffer[(at + 2) & MASK] = b'5';
                buffer[(at + 3) & MASK] = HEX[usize::from(byte >> 4)];
                buffer[(at + 4) & MASK] = HEX[usize::from(byte & 0x0F)];
                at += 5;
            }
        }
        self.len = at;
    }

    fn finish(mut self) -> [u8; 20] {
        self.flush();
        self.mac.finalize().into_bytes().into()
    }
}

/// `OAuth name="pe(value)", …` with `oauth_signature` in its alphabetical place, written
/// into one string sized up front.
fn write_header(protocol: &[(&str, &str)], signature: &Signature) -> String {
    const SIGNATURE: &str = "oauth_signature";
    let capacity = "OAuth ".len()
        + protocol
            .iter()
            .map(|(name, value)| name.len() + value.len() * 3 + 5)
            .sum::<usize>()
        + SIGNATURE.len()
        + 28 * 3
        + 5;
    let mut out = String::with_capacity(capacity);
    out.push_str("OAuth ");
    let mut signature_written = false;
    let mut first = true;
    let mut pair = |out: &mut String, name: &str, value: &str| {
        if !first {
            out.push_str(", ");
        }
        first = false;
        out.push_str(name);
        out.push_str("=\"");
        percent::encode_into(value, out);
        out.push('"');
    };
    for &(name, value) in protocol {
        if !signature_written && name > SIGNATURE {
            pair(&mut out, SIGNATURE, signature.as_str());
            signature_written = true;
        }
        pair(&mut out, name, value);
    }
    if !signature_written {
        pair(&mut out, SIGNATURE, signature.as_str());
    }
    out
}
