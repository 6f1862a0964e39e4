//! The drivers' conformance suite (twapi-conformance), run for twapi-ureq.

use twapi_conformance::{Driver, Pages, Transport};
use twapi_ureq::core::pager::Pageable;
use twapi_ureq::core::session::Walk;
use twapi_ureq::core::{ApiRequest, Reply};
use twapi_ureq::model::UserId;
use twapi_ureq::model::v2::{FollowResult, UnfollowResult};
use twapi_ureq::{CallError, Client, ClientBuilder, Pager, SessionBuilder};

struct Ureq;

impl Driver for Ureq {
    const NAME: &'static str = "twapi-ureq";
    type Client = Client;

    fn build(session: SessionBuilder, transport: Transport) -> Client {
        let mut builder = ClientBuilder::new(session);
        if let Some(timeout) = transport.request_timeout {
            builder = builder.request_timeout(timeout);
        }
        if let Some(limit) = transport.body_limit {
            builder = builder.body_limit(limit);
        }
        builder.build().expect("a client")
    }

    fn send<R>(client: &Client, request: &R) -> Result<Reply<R::Output>, CallError>
    where
        R: ApiRequest + Clone + Send + Sync + 'static,
        R::Output: Send,
    {
        client.send(request)
    }

    fn pages<R>(client: &Client, pager: Pager<R>) -> Pages<R::Item>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send,
    {
        Box::new(client.pages_with(pager))
    }

    fn walk<R>(client: &Client, walk: Walk<R>) -> Pages<R::Item>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send,
    {
        Box::new(client.walk(walk))
    }

    fn follow(client: &Client, target: UserId) -> Result<FollowResult, CallError> {
        client.follow(target)
    }

    fn unfollow(client: &Client, target: UserId) -> Result<UnfollowResult, CallError> {
        client.unfollow(target)
    }
}

twapi_conformance::suite!(Ureq);
