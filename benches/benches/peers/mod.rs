//! The peers, compared in the same run: oauth1-request (signing), egg-mode (v1.1 users and
//! cursors), twitter-v2 (v2 users). Included by each bench target and by the callgrind driver
//! (`#[path]`), because the peers are dev-dependencies that the library cannot see.
#![allow(dead_code)]

use std::num::NonZeroU64;

use twapi_bench::signing::{
    CONSUMER_KEY, CONSUMER_SECRET, Case, NONCE, TIMESTAMP, TOKEN, TOKEN_SECRET,
};

/// `followers/ids`, as oauth1-request describes a request: a struct of its parameters.
#[derive(oauth1_request::Request)]
pub struct FollowersIds<'a> {
    pub screen_name: &'a str,
    pub cursor: i64,
    pub count: u32,
    pub stringify_ids: bool,
}

/// `friendships/create`.
#[derive(oauth1_request::Request)]
pub struct FriendshipsCreate {
    pub user_id: u64,
    pub follow: bool,
}

/// oauth1-request's builder with the benchmark's credentials, nonce and timestamp, and
/// `oauth_version="1.0"` (which twapi sends, as X's examples do).
pub fn oauth1_builder() -> oauth1_request::Builder<'static, oauth1_request::HmacSha1, &'static str>
{
    let client = oauth1_request::Credentials::new(CONSUMER_KEY, CONSUMER_SECRET);
    let mut builder = oauth1_request::Builder::new(client, oauth1_request::HmacSha1::new());
    builder
        .token(oauth1_request::Credentials::new(TOKEN, TOKEN_SECRET))
        .nonce(NONCE)
        .timestamp(NonZeroU64::new(TIMESTAMP))
        .version(true);
    builder
}

/// The full `Authorization` header by oauth1-request (it keys the HMAC on every call).
pub fn oauth1_header(
    builder: &oauth1_request::Builder<'static, oauth1_request::HmacSha1, &'static str>,
    case: Case,
) -> String {
    match case {
        Case::FollowersIds => builder.get(
            "https://api.x.com/1.1/followers/ids.json",
            &FollowersIds {
                screen_name: "XDevelopers",
                cursor: -1,
                count: 5_000,
                stringify_ids: true,
            },
        ),
        Case::FriendshipsCreate => builder.post(
            twapi_bench::signing::FRIENDSHIPS_CREATE_URL,
            &FriendshipsCreate {
                user_id: 1_359_591_600_649_736_192,
                follow: true,
            },
        ),
    }
}

/// egg-mode's page of users (followers/list).
pub fn egg_mode_users(body: &[u8]) -> serde_json::Result<egg_mode::cursor::UserCursor> {
    serde_json::from_slice(body)
}

/// egg-mode's page of ids (followers/ids).
pub fn egg_mode_ids(body: &[u8]) -> serde_json::Result<egg_mode::cursor::IDCursor> {
    serde_json::from_slice(body)
}

/// twitter-v2's page of users, as its `get_user_followers` decodes it.
pub type TwitterV2Page =
    twitter_v2::ApiPayload<Vec<twitter_v2::User>, twitter_v2::meta::ResultCountMeta>;

/// twitter-v2's decoding of a v2 followers page.
pub fn twitter_v2_users(body: &[u8]) -> serde_json::Result<TwitterV2Page> {
    serde_json::from_slice(body)
}
