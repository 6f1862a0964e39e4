//! The drivers' conformance suite (twapi-conformance), run for twapi-hyper: the suite's blocking
//! face blocks on a runtime of this file's own.

use std::sync::LazyLock;

use futures_util::StreamExt;
use twapi_conformance::{Driver, Pages, Transport};
use twapi_hyper::core::pager::Pageable;
use twapi_hyper::core::session::Walk;
use twapi_hyper::core::{ApiRequest, Reply};
use twapi_hyper::model::UserId;
use twapi_hyper::model::v2::{FollowResult, UnfollowResult};
use twapi_hyper::{CallError, Client, ClientBuilder, Pager, SessionBuilder};

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
});

struct Hyper;

impl Driver for Hyper {
    const NAME: &'static str = "twapi-hyper";
    type Client = Client;

    fn build(session: SessionBuilder, transport: Transport) -> Client {
        let mut builder = ClientBuilder::new(session);
        if let Some(timeout) = transport.request_timeout {
            builder = builder.request_timeout(timeout);
        }
        if let Some(limit) = transport.body_limit {
            builder = builder.body_limit(limit);
        }
        let _runtime = RUNTIME.enter();
        builder.build().expect("a client")
    }

    fn send<R>(client: &Client, request: &R) -> Result<Reply<R::Output>, CallError>
    where
        R: ApiRequest + Clone + Send + Sync + 'static,
        R::Output: Send,
    {
        RUNTIME.block_on(client.send(request))
    }

    fn pages<R>(client: &Client, pager: Pager<R>) -> Pages<R::Item>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send,
    {
        let mut pages = client.pages_with(pager);
        Box::new(std::iter::from_fn(move || RUNTIME.block_on(pages.next())))
    }

    fn walk<R>(client: &Client, walk: Walk<R>) -> Pages<R::Item>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send,
    {
        let mut pages = client.walk(walk);
        Box::new(std::iter::from_fn(move || RUNTIME.block_on(pages.next())))
    }

    fn follow(client: &Client, target: UserId) -> Result<FollowResult, CallError> {
        RUNTIME.block_on(client.follow(target))
    }

    fn unfollow(client: &Client, target: UserId) -> Result<UnfollowResult, CallError> {
        RUNTIME.block_on(client.unfollow(target))
    }
}

twapi_conformance::suite!(Hyper);
