//! Page walks as `futures::Stream`s: twapi-core's [`Pager`] says which page comes next, the
//! client fetches it, the stream hands it out with the state to resume from.
//!
//! A walk resumes exactly: every [`Page`] carries the [`PagerState`] after it, and an error
//! ends the stream with [`Error::Interrupted`], which carries the state before the page that
//! failed. Persist either, then [`Pager::resume`] — nothing delivered is fetched again,
//! nothing is skipped.

use futures_util::stream::{self, BoxStream, StreamExt};
use twapi_core::pager::{Pageable, Pager, PagerState};
use twapi_core::rate_limit::RateLimitSnapshot;

use crate::client::Client;
use crate::error::Error;

/// One page of a walk.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items (cut at the walk's limit).
    pub items: Vec<T>,
    /// Where the walk stands after this page: resume from it to fetch the next one.
    pub state: PagerState,
    /// The rate limits the page's answer announced.
    pub rate_limit: RateLimitSnapshot,
}

/// A walk in progress.
struct Walk<R> {
    client: Client,
    pager: Pager<R>,
    ended: bool,
}

impl Client {
    /// Walks every page of `request` from the first.
    ///
    /// With `wait_on_rate_limit` the walk sleeps through rate limits and goes on; without,
    /// a rate limit ends it with [`Error::Interrupted`], whose
    /// [`until`](crate::Interrupted::until) says when to come back and whose state says where.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// use twapi_core::request::v1::FollowersIds;
    /// use twapi_core::UserRef;
    /// use twapi_model::UserId;
    ///
    /// # async fn run(client: twapi_hyper::Client) -> Result<(), twapi_hyper::Error> {
    /// let mut pages = client.pages(FollowersIds::of(UserRef::Id(UserId::new(783_214))));
    /// while let Some(page) = pages.next().await {
    ///     let page = page?;
    ///     println!("{} ids; resume from {:?}", page.items.len(), page.state);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages<R>(&self, request: R) -> BoxStream<'static, Result<Page<R::Item>, Error>>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send,
        R::Output: Send,
    {
        self.pages_with(Pager::new(request))
    }

    /// Walks the pages of a [`Pager`]: one with a limit (`Pager::new(r).with_limit(3_000)`
    /// asks for no more than 3,000 items), or one resumed from a saved state
    /// (`Pager::resume(r, state)`).
    pub fn pages_with<R>(&self, pager: Pager<R>) -> BoxStream<'static, Result<Page<R::Item>, Error>>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send,
        R::Output: Send,
    {
        let walk = Walk {
            client: self.clone(),
            pager,
            ended: false,
        };
        stream::unfold(walk, |mut walk| async move {
            if walk.ended {
                return None;
            }
            let request = walk.pager.next_request()?;
            let page = walk.client.send(&request).await.and_then(|reply| {
                let rate_limit = *reply.rate_limit();
                let items = walk
                    .pager
                    .handle(reply.into_value())
                    .map_err(Error::Pager)?;
                Ok(Page {
                    items,
                    state: walk.pager.state().clone(),
                    rate_limit,
                })
            });
            let next = page.map_err(|error| {
                walk.ended = true;
                Error::interrupted(error, walk.pager.state().clone())
            });
            Some((next, walk))
        })
        .boxed()
    }

    /// The items of every page of `request`, one by one.
    ///
    /// An error ends the stream with [`Error::Interrupted`]; its state resumes right after the
    /// last item delivered (errors come only between pages). To persist progress while the
    /// walk goes well, walk [`Client::pages`], whose pages carry their state.
    pub fn items<R>(&self, request: R) -> BoxStream<'static, Result<R::Item, Error>>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send,
    {
        self.items_with(Pager::new(request))
    }

    /// The items of a [`Pager`]'s pages: with a limit, or resumed (see [`Client::pages_with`]).
    pub fn items_with<R>(&self, pager: Pager<R>) -> BoxStream<'static, Result<R::Item, Error>>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send,
    {
        self.pages_with(pager)
            .flat_map(|page| {
                let (items, error) = match page {
                    Ok(page) => (page.items, None),
                    Err(error) => (Vec::new(), Some(error)),
                };
                stream::iter(items.into_iter().map(Ok).chain(error.map(Err)))
            })
            .boxed()
    }
}
