//! Page walks as `futures::Stream`s: twapi-core's [`Walk`] says which page comes next and
//! fetches it with every rule of the session; the stream hands each page out with the state
//! to resume from.
//!
//! A walk resumes exactly: every [`Page`] carries the [`PagerState`](twapi_core::pager::PagerState)
//! after it, and an error ends the stream with [`CallError::Interrupted`], which carries the
//! state before the page that failed. Persist either, then [`Pager::resume`] — nothing
//! delivered is fetched again, nothing is skipped.

use futures_util::stream::{self, BoxStream, StreamExt};
use twapi_core::pager::{Pageable, Pager};
use twapi_core::session::{CallError, Page, Walk, WalkEvent};

use crate::client::Client;

impl Client {
    /// Walks every page of `request` from the first.
    ///
    /// With `wait_on_rate_limit` the walk sleeps through rate limits and goes on; without,
    /// a rate limit ends it with [`CallError::Interrupted`], whose
    /// [`until`](crate::Interrupted::until) says when to come back and whose state says where.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// use twapi_hyper::request::v1::FollowersIds;
    /// use twapi_hyper::model::UserId;
    /// use twapi_hyper::UserRef;
    ///
    /// # async fn run(client: twapi_hyper::Client) -> Result<(), twapi_hyper::CallError> {
    /// let mut pages = client.pages(FollowersIds::of(UserRef::Id(UserId::new(783_214))));
    /// while let Some(page) = pages.next().await {
    ///     let page = page?;
    ///     println!("{} ids; resume from {:?}", page.items.len(), page.state);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages<R>(&self, request: R) -> BoxStream<'static, Result<Page<R::Item>, CallError>>
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
    pub fn pages_with<R>(
        &self,
        pager: Pager<R>,
    ) -> BoxStream<'static, Result<Page<R::Item>, CallError>>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send,
        R::Output: Send,
    {
        self.walk(Walk::new(pager))
    }

    /// Walks the pages of a [`Walk`]: one with a budget (`Walk::new(pager).with_budget(cost)`
    /// asks smaller pages as the budget runs low and ends with
    /// [`CallError::BudgetExhausted`] inside [`CallError::Interrupted`]).
    pub fn walk<R>(&self, walk: Walk<R>) -> BoxStream<'static, Result<Page<R::Item>, CallError>>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send,
        R::Output: Send,
    {
        let client = self.clone();
        stream::unfold(Some(walk), move |walk| {
            let client = client.clone();
            async move {
                let mut walk = walk?;
                match client.run(&mut walk).await {
                    WalkEvent::Page(page) => Some((Ok(page), Some(walk))),
                    WalkEvent::Failed(error) => Some((Err(error), None)),
                    WalkEvent::End => None,
                }
            }
        })
        .boxed()
    }

    /// The items of every page of `request`, one by one.
    ///
    /// An error ends the stream with [`CallError::Interrupted`]; its state resumes right after the
    /// last item delivered (errors come only between pages). To persist progress while the
    /// walk goes well, walk [`Client::pages`], whose pages carry their state.
    pub fn items<R>(&self, request: R) -> BoxStream<'static, Result<R::Item, CallError>>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send,
    {
        self.items_with(Pager::new(request))
    }

    /// The items of a [`Pager`]'s pages: with a limit, or resumed (see [`Client::pages_with`]).
    pub fn items_with<R>(&self, pager: Pager<R>) -> BoxStream<'static, Result<R::Item, CallError>>
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
