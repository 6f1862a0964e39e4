//! The core's own cost: a followers/ids exchange through twapi-core (build, sign, decode the
//! reply with its rate-limit headers), and the bookkeeping of a crawl per page (pager and
//! limiter).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use twapi_core::endpoint::EndpointId;
use twapi_core::pager::Pager;
use twapi_core::request::v1::FollowersIds;
use twapi_core::{
    Api, Auth, Context, Limiter, Payload, RateLimit, RateLimitSnapshot, Reply, ScreenName, Stamp,
    UserRef, decode_reply,
};
use twapi_model::v1::IdPage;

use crate::signing::{NONCE, TIMESTAMP, credentials};

/// A followers/ids request, its reply body, and what twapi-core needs to send and read it.
pub struct Exchange {
    api: Api,
    auth: Auth,
    request: FollowersIds,
    body: Bytes,
}

impl Exchange {
    /// `GET followers/ids?screen_name=XDevelopers&cursor=-1&count=5000&stringify_ids=true`,
    /// answered with `body`.
    ///
    /// # Panics
    /// Never: the base URL and the screen name are constants that parse.
    pub fn new(body: Vec<u8>) -> Self {
        let name: ScreenName = "XDevelopers".parse().expect("valid screen name");
        let mut request = FollowersIds::of(UserRef::ScreenName(name));
        request.cursor = Some(twapi_model::v1::Cursor::START);
        request.count = Some(5_000);
        request.stringify_ids = Some(true);
        Self {
            api: Api::default(),
            auth: Auth::oauth1(&credentials()),
            request,
            body: Bytes::from(body),
        }
    }

    /// Builds and signs the request.
    ///
    /// # Panics
    /// Never: the request is valid.
    pub fn prepare(&self) -> http::Request<Bytes> {
        self.api
            .prepare(
                &self.request,
                &self.auth,
                Stamp {
                    timestamp: TIMESTAMP,
                    nonce: NONCE,
                },
            )
            .expect("valid request")
    }

    /// The reply as a transport hands it over: 200, JSON, the window's rate-limit headers.
    ///
    /// # Panics
    /// Never: the headers are constants.
    pub fn response(&self) -> http::Response<Bytes> {
        http::Response::builder()
            .status(200)
            .header("content-type", "application/json;charset=utf-8")
            .header("x-rate-limit-limit", "15")
            .header("x-rate-limit-remaining", "14")
            .header("x-rate-limit-reset", "1700000900")
            .body(self.body.clone())
            .expect("valid response")
    }

    /// The whole exchange: build, sign, then decode the reply (headers and body).
    ///
    /// # Panics
    /// Never: the request is valid and the body decodes.
    pub fn round_trip(&self) -> (http::Request<Bytes>, Reply<IdPage>) {
        let request = self.prepare();
        let reply = decode_reply::<FollowersIds>(self.response()).expect("decodable reply");
        (request, reply)
    }

    /// Decoding the body alone, the way twapi-core decodes it.
    ///
    /// # Panics
    /// Never: the body decodes.
    pub fn decode_only(&self) -> IdPage {
        <IdPage as Payload>::decode(&self.body).expect("decodable body")
    }
}

/// A crawl's per-page bookkeeping: the pager asks for the next page, the limiter grants it,
/// the page comes back, the limiter reads the reply's rate-limit headers.
pub struct Crawl {
    pager: Pager<FollowersIds>,
    limiter: Limiter,
    context: Context,
    now: SystemTime,
    /// The server's window: when it resets and how many requests it has counted.
    server_reset: SystemTime,
    server_used: u32,
}

impl Default for Crawl {
    fn default() -> Self {
        Self::new()
    }
}

impl Crawl {
    /// A walk over followers/ids of user 783214, for user 1359591600649736192 of app `bench`.
    pub fn new() -> Self {
        Self {
            pager: Pager::new(FollowersIds::of(UserRef::Id(twapi_model::UserId::new(
                783_214,
            )))),
            limiter: Limiter::default(),
            context: Context::user("bench", 1_359_591_600_649_736_192),
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(TIMESTAMP),
            server_reset: SystemTime::UNIX_EPOCH,
            server_used: 0,
        }
    }

    /// The pager's part of a page: the next request, then the page handed back (its ids are
    /// moved out, not copied).
    ///
    /// # Panics
    /// Never: the page's cursor moves on (the walk never ends or sticks).
    pub fn pager_step(&mut self, page: IdPage) -> Vec<twapi_model::UserId> {
        let request = self.pager.next_request().expect("the walk goes on");
        std::hint::black_box(&request);
        self.pager.handle(page).expect("the cursor moves on")
    }

    /// The limiter's part of a page: acquire a permit, then observe the reply's headers. The
    /// clock moves 61 s a page, just under X's pace for followers/ids (15 requests per
    /// 15-minute window), and the headers are those of a server counting the same windows.
    ///
    /// # Panics
    /// Never: the pace stays within the window.
    pub fn limiter_step(&mut self) {
        self.now += Duration::from_secs(61);
        let permit = self
            .limiter
            .acquire(EndpointId::FollowersIds, &self.context, self.now)
            .expect("within the window");
        let _ = std::hint::black_box(permit);
        if self.now >= self.server_reset {
            self.server_reset = self.now + Duration::from_secs(900);
            self.server_used = 0;
        }
        self.server_used += 1;
        let snapshot = RateLimitSnapshot {
            window: Some(RateLimit {
                limit: 15,
                remaining: 15 - self.server_used,
                reset: self.server_reset,
            }),
            app_day: None,
            user_day: None,
        };
        self.limiter
            .observe(EndpointId::FollowersIds, &self.context, &snapshot, self.now);
    }
}

/// A page for [`Crawl::pager_step`]: `ids`, with a next cursor that differs every call.
pub fn id_page(ids: Vec<twapi_model::UserId>, next: i64) -> IdPage {
    IdPage {
        ids,
        form: twapi_model::v1::IdForm::String,
        next_cursor: twapi_model::v1::Cursor::new(next),
        previous_cursor: twapi_model::v1::Cursor::new(-1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_crawl_stays_within_the_window() {
        let mut crawl = Crawl::new();
        for next in 2..2_000 {
            crawl.limiter_step();
            let items = crawl.pager_step(id_page(vec![twapi_model::UserId::new(7)], next));
            assert_eq!(items.len(), 1);
        }
        assert_eq!(crawl.pager.state().pages, 1_998);
    }

    #[test]
    fn the_exchange_decodes_what_decoding_alone_does() {
        let exchange = Exchange::new(crate::payload::v1_id_page(1, 10, true));
        let (request, reply) = exchange.round_trip();
        assert!(request.uri().to_string().ends_with(
            "/1.1/followers/ids.json?screen_name=XDevelopers&cursor=-1&count=5000&stringify_ids=true"
        ));
        assert!(request.headers().contains_key("authorization"));
        assert_eq!(reply.value, exchange.decode_only());
        assert_eq!(reply.rate_limit().window.map(|w| w.remaining), Some(14));
    }
}
