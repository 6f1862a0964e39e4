//! The crawls, as twarc2 has them and beyond: `followers`, `following`, `search` (page walks)
//! and `users` (look-ups batched 100 a request), to JSONL, with a limit, a budget, a progress
//! bar and a state file to resume from.
//!
//! A page walk is twapi-core's [`Pager`] (which page next, the limit, the state to resume
//! from) with each page a call through the session ([`Client::send`](twapi_hyper::Client::send): limiter, waits,
//! retries, identity, the cost meter). The lines written are the JSON objects exactly as X
//! sent them, so a field this version of twapi does not model is kept; the typed answer
//! drives the pager.

use std::io::BufRead as _;
use std::path::PathBuf;

use twapi_core::cost::Cost;
use twapi_core::fields::Fields;
use twapi_core::pager::{Pageable, Pager};
use twapi_core::request::{v1, v2};
use twapi_core::{ScreenName, UserRef};
use twapi_hyper::CallError;
use twapi_model::UserId;

use crate::connection::Connection;
use crate::failure::{Failure, Kind};
use crate::jsonl::Answer;
use crate::output::Printer;
use crate::progress::{Progress, Waits};
use crate::resume::{Position, Sink, Subject};

/// What every crawl takes.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) output: Option<PathBuf>,
    pub(crate) state: Option<PathBuf>,
    pub(crate) limit: Option<u64>,
    pub(crate) max_cost: Option<Cost>,
    pub(crate) fields: Fields,
    pub(crate) page_size: Option<u32>,
    pub(crate) pages: bool,
    pub(crate) v1: bool,
}

/// Which list of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    Followers,
    Following,
}

impl List {
    fn name(self) -> &'static str {
        match self {
            List::Followers => "followers",
            List::Following => "following",
        }
    }
}

/// What a crawl is, for the state file: a state of another crawl is refused.
fn fingerprint(command: &str, target: &str, options: &Options) -> String {
    let fields: Vec<&str> = options
        .fields
        .user_fields
        .iter()
        .map(twapi_core::fields::UserField::as_str)
        .collect();
    format!(
        "{command} {target}{}{} fields={}",
        if options.v1 { " --v1" } else { "" },
        if options.pages { " --pages" } else { "" },
        fields.join(",")
    )
}

/// `twapi followers USER` and `twapi following USER`.
pub(crate) async fn list(
    connection: &Connection,
    list: List,
    user: &str,
    options: &Options,
    printer: &Printer,
    waits: &Waits,
) -> Result<(), Failure> {
    let crawl = fingerprint(list.name(), user, options);
    let (mut sink, resumed) =
        Sink::open(options.output.as_deref(), options.state.as_deref(), &crawl)?;
    if finished(&sink, resumed) {
        return Ok(());
    }
    let subject = if let Some(subject) = sink.state.subject.clone() {
        subject
    } else {
        let (subject, spent) = resolve(connection, user, list, options.v1).await?;
        sink.state.subject = Some(subject.clone());
        sink.state.spent += spent;
        sink.save()?;
        subject
    };
    let total = subject.count.map(|c| options.limit.map_or(c, |l| l.min(c)));
    let id = UserId::new(subject.id);
    let owned = connection.client.session().user_id() == Some(id);
    let run = Run {
        connection,
        options,
        printer,
        waits,
        owned,
        total,
    };
    match (list, options.v1) {
        (List::Followers, false) => {
            let mut request = v2::Followers::of(id);
            request.fields = options.fields.clone();
            request.max_results = options.page_size;
            run.walk(&mut sink, request, "data").await
        }
        (List::Following, false) => {
            let mut request = v2::Following::of(id);
            request.fields = options.fields.clone();
            request.max_results = options.page_size;
            run.walk(&mut sink, request, "data").await
        }
        (List::Followers, true) => {
            let mut request = v1::FollowersList::of(UserRef::Id(id));
            request.count = options.page_size;
            run.walk(&mut sink, request, "users").await
        }
        (List::Following, true) => {
            let mut request = v1::FriendsList::of(UserRef::Id(id));
            request.count = options.page_size;
            run.walk(&mut sink, request, "users").await
        }
    }
}

/// `twapi search QUERY`.
pub(crate) async fn search(
    connection: &Connection,
    query: &str,
    options: &Options,
    printer: &Printer,
    waits: &Waits,
) -> Result<(), Failure> {
    let crawl = fingerprint("search", query, options);
    let (mut sink, resumed) =
        Sink::open(options.output.as_deref(), options.state.as_deref(), &crawl)?;
    if finished(&sink, resumed) {
        return Ok(());
    }
    let run = Run {
        connection,
        options,
        printer,
        waits,
        owned: false,
        total: options.limit,
    };
    if options.v1 {
        let mut request = v1::UsersSearch::new(query);
        request.count = options.page_size;
        run.walk(&mut sink, request, "").await
    } else {
        let mut request = v2::UsersSearch::new(query);
        request.fields = options.fields.clone();
        request.max_results = options.page_size;
        run.walk(&mut sink, request, "data").await
    }
}

/// A resumed crawl that had already ended: say so, and do nothing.
fn finished(sink: &Sink, resumed: bool) -> bool {
    if resumed && sink.state.done {
        eprintln!(
            "twapi: this crawl is complete ({} lines); nothing to fetch",
            sink.state.lines
        );
        return true;
    }
    false
}

/// Looks up the account a list belongs to: its id, and its count to size the bar.
async fn resolve(
    connection: &Connection,
    user: &str,
    list: List,
    v1: bool,
) -> Result<(Subject, Cost), Failure> {
    let reference = user_ref(user)?;
    let client = &connection.client;
    if v1 {
        let reply = client.send(&v1::UsersShow::of(reference)).await?;
        let spent = reply.charge().spent();
        let found = reply.into_value();
        let count = match list {
            List::Followers => found.followers_count,
            List::Following => found.friends_count,
        };
        let subject = Subject {
            id: found.id.get(),
            count,
        };
        return Ok((subject, spent));
    }
    let fields = Fields::users([twapi_core::fields::UserField::PublicMetrics]);
    let reply = match reference {
        UserRef::Id(id) => client.send(&v2::UserById { id, fields }).await?,
        UserRef::ScreenName(username) => {
            client
                .send(&v2::UserByUsername { username, fields })
                .await?
        }
    };
    let spent = reply.charge().spent();
    let found = reply
        .into_data()
        .map_err(|e| Failure::call(&CallError::Core(e)))?;
    let count = found.public_metrics.map(|m| match list {
        List::Followers => m.followers_count,
        List::Following => m.following_count,
    });
    let subject = Subject {
        id: found.id.get(),
        count,
    };
    Ok((subject, spent))
}

/// A username (`@` optional) or a numeric id.
pub(crate) fn user_ref(user: &str) -> Result<UserRef, Failure> {
    let user = user.trim().trim_start_matches('@');
    if !user.is_empty() && user.bytes().all(|b| b.is_ascii_digit()) {
        return user
            .parse::<u64>()
            .map(|id| UserRef::Id(UserId::new(id)))
            .map_err(|_| Failure::usage(format!("{user} is not a user id")));
    }
    user.parse::<ScreenName>()
        .map(UserRef::ScreenName)
        .map_err(|e| Failure::usage(format!("{user:?} is not a username: {e}")))
}

/// One crawl's settings, shared by its pages.
struct Run<'a> {
    connection: &'a Connection,
    options: &'a Options,
    printer: &'a Printer,
    waits: &'a Waits,
    /// The list is the authenticated user's own (priced as an owned read).
    owned: bool,
    total: Option<u64>,
}

impl Run<'_> {
    /// Walks the pages of `request` from where the sink's state stands; `key` names the
    /// array of the raw answer that holds the items (empty: the answer is the array).
    async fn walk<R>(&self, sink: &mut Sink, request: R, key: &str) -> Result<(), Failure>
    where
        R: Pageable + Clone + Send + Sync + 'static,
        R::Output: Send,
    {
        let mut pager = match &sink.state.position {
            Some(Position::Pages(state)) => Pager::resume(request, state.clone()),
            _ => match self.options.limit {
                Some(limit) => Pager::new(request).with_limit(limit),
                None => Pager::new(request),
            },
        };
        let progress = Progress::new(self.total, sink.state.items, "users", self.waits);
        let result = self.pages(sink, &mut pager, key, &progress).await;
        progress.finish();
        self.connection.save_usage()?;
        result.map_err(|failure| resume_hint(failure, sink, self.options))?;
        self.summary(sink);
        Ok(())
    }

    async fn pages<R>(
        &self,
        sink: &mut Sink,
        pager: &mut Pager<R>,
        key: &str,
        progress: &Progress,
    ) -> Result<(), Failure>
    where
        R: Pageable + Clone + Send + Sync + 'static,
        R::Output: Send,
    {
        let client = &self.connection.client;
        // Listened for from the first page on, so a Ctrl-C pressed while a page is being
        // written is seen at the next one.
        let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
        loop {
            let Some(request) = self.next_request(pager, sink.state.spent)? else {
                if !sink.state.done {
                    sink.state.done = true;
                    sink.save()?;
                }
                return Ok(());
            };
            let (reply, stop) =
                unless_interrupted(client.send(&request), &mut interrupt, self.waits).await?;
            let reply = reply?;
            let spent = reply.charge().spent();
            let rate_limit = *reply.rate_limit();
            let body = reply.body().clone();
            let items = pager
                .handle(reply.into_value())
                .map_err(|e| Failure::call(&CallError::Pager(e)))?;
            let answer = Answer::read(&body, key)?;
            let lines = if self.options.pages {
                vec![answer.page_line()?]
            } else {
                answer.item_lines(items.len())?
            };
            let count = items.len() as u64;
            sink.page(
                &lines,
                count,
                Position::Pages(pager.state().clone()),
                spent,
                pager.is_done(),
            )?;
            self.connection.save_usage()?;
            progress.advance(count);
            if stop {
                return Err(interrupted());
            }
            if self.printer.verbose {
                let window = rate_limit
                    .window
                    .map(|w| format!(", {}", crate::output::describe(&w)))
                    .unwrap_or_default();
                progress.println(format!(
                    "page {}: {count} users for {spent}{window}",
                    pager.state().pages
                ));
            }
        }
    }

    /// The next page's request within the budget, planned as twapi-core's walk plans it
    /// ([`Pager::next_request_affordable`]).
    fn next_request<R: Pageable>(
        &self,
        pager: &Pager<R>,
        spent: Cost,
    ) -> Result<Option<R>, Failure> {
        let Some(budget) = self.options.max_cost else {
            return Ok(pager.next_request());
        };
        pager
            .next_request_affordable(budget.saturating_sub(spent), self.owned)
            .map_err(|_| Failure::call(&CallError::BudgetExhausted { spent, budget }))
    }

    fn summary(&self, sink: &Sink) {
        if self.printer.verbose || sink.has_state() {
            eprintln!(
                "twapi: {} lines, {} users, {} spent (by this client's meter)",
                sink.state.lines, sink.state.items, sink.state.spent
            );
        }
    }
}

/// Runs `send` unless Ctrl-C comes first. While the session waits (a rate limit, a backoff)
/// nothing is in flight and the run stops at once; while a request is in flight it is let
/// finish, so that its page is written before the run stops (an answer X billed is not asked
/// for again) — a second Ctrl-C stops at once. The flag says whether to stop after the page.
async fn unless_interrupted<T>(
    send: impl Future<Output = T>,
    interrupt: &mut std::pin::Pin<&mut impl Future<Output = std::io::Result<()>>>,
    waits: &Waits,
) -> Result<(T, bool), Failure> {
    let mut send = std::pin::pin!(send);
    tokio::select! {
        output = &mut send => Ok((output, false)),
        _ = interrupt => {
            if waits.is_waiting() {
                return Err(interrupted());
            }
            tokio::select! {
                output = &mut send => Ok((output, true)),
                _ = tokio::signal::ctrl_c() => Err(interrupted()),
            }
        }
    }
}

/// The failure of a Ctrl-C.
fn interrupted() -> Failure {
    Failure::new(Kind::Interrupted, "interrupted")
}

/// A crawl that stopped early: say how to continue.
fn resume_hint(failure: Failure, sink: &Sink, options: &Options) -> Failure {
    let done = format!(" ({} lines written)", sink.state.lines);
    let hint = match (failure.kind(), sink.has_state()) {
        (Kind::Budget, true) => format!(
            "{done}; run the same command again with a larger --max-cost (it counts what was spent, {}) to continue",
            sink.state.spent
        ),
        (_, true) => format!("{done}; run the same command again to continue where it stopped"),
        (_, false) if options.output.is_some() => {
            format!("{done}; with --state FILE a crawl can be continued where it stopped")
        }
        _ => String::new(),
    };
    failure.hint(&hint)
}

/// `twapi users [FILE]`: ids or usernames, one a line, from the file or stdin, looked up 100
/// a request (consecutive ids, or consecutive usernames, share a request).
pub(crate) async fn users(
    connection: &Connection,
    input: Option<&std::path::Path>,
    options: &Options,
    printer: &Printer,
    waits: &Waits,
) -> Result<(), Failure> {
    let lines: Vec<String> = match input {
        Some(path) if path != std::path::Path::new("-") => std::fs::read_to_string(path)
            .map_err(|e| Failure::io(&format!("cannot read {}", path.display()), e))?
            .lines()
            .map(str::to_owned)
            .collect(),
        _ => std::io::stdin()
            .lock()
            .lines()
            .collect::<Result<_, _>>()
            .map_err(|e| Failure::io("cannot read stdin", e))?,
    };
    let inputs: Vec<UserRef> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .enumerate()
        .map(|(n, l)| user_ref(l).map_err(|f| Failure::usage(format!("input line {}: {f}", n + 1))))
        .collect::<Result<_, _>>()?;
    let inputs = match options.limit {
        Some(limit) => {
            &inputs[..inputs
                .len()
                .min(usize::try_from(limit).unwrap_or(usize::MAX))]
        }
        None => &inputs[..],
    };
    let source = input.map_or_else(|| "-".to_owned(), |p| p.display().to_string());
    let crawl = fingerprint("users", &source, options);
    let (mut sink, resumed) =
        Sink::open(options.output.as_deref(), options.state.as_deref(), &crawl)?;
    if finished(&sink, resumed) {
        return Ok(());
    }
    let start = match sink.state.position {
        Some(Position::Inputs(n)) => usize::try_from(n).unwrap_or(usize::MAX).min(inputs.len()),
        _ => 0,
    };
    let progress = Progress::new(Some(inputs.len() as u64), start as u64, "users", waits);
    let result = lookups(
        connection, &mut sink, inputs, start, options, printer, &progress,
    )
    .await;
    progress.finish();
    connection.save_usage()?;
    result.map_err(|failure| resume_hint(failure, &sink, options))?;
    if printer.verbose || sink.has_state() {
        eprintln!(
            "twapi: {} lines, {} users, {} spent (by this client's meter)",
            sink.state.lines, sink.state.items, sink.state.spent
        );
    }
    Ok(())
}

async fn lookups(
    connection: &Connection,
    sink: &mut Sink,
    inputs: &[UserRef],
    mut at: usize,
    options: &Options,
    printer: &Printer,
    progress: &Progress,
) -> Result<(), Failure> {
    let endpoint = if options.v1 {
        twapi_core::EndpointId::UsersLookup
    } else {
        twapi_core::EndpointId::V2UsersByIds
    };
    let batch = endpoint
        .descriptor()
        .max_batch
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(100);
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    while at < inputs.len() {
        // Consecutive inputs of one kind, at most a batch, at most what the budget affords.
        let by_id = matches!(inputs[at], UserRef::Id(_));
        let mut end = at;
        while end < inputs.len()
            && end - at < batch
            && matches!(inputs[end], UserRef::Id(_)) == by_id
        {
            end += 1;
        }
        if let Some(budget) = options.max_cost {
            let left = budget.saturating_sub(sink.state.spent);
            let affordable =
                usize::try_from(left.fits(endpoint.price().unit(false))).unwrap_or(usize::MAX);
            if affordable == 0 {
                return Err(Failure::call(&CallError::BudgetExhausted {
                    spent: sink.state.spent,
                    budget,
                }));
            }
            end = end.min(at + affordable);
        }
        let chunk = &inputs[at..end];
        let ids = || {
            chunk
                .iter()
                .filter_map(|u| match u {
                    UserRef::Id(id) => Some(*id),
                    UserRef::ScreenName(_) => None,
                })
                .collect::<Vec<_>>()
        };
        let names = || {
            chunk
                .iter()
                .filter_map(|u| match u {
                    UserRef::ScreenName(n) => Some(n.clone()),
                    UserRef::Id(_) => None,
                })
                .collect::<Vec<_>>()
        };
        let client = &connection.client;
        let sent = async {
            Ok::<_, CallError>(match (options.v1, by_id) {
                (false, true) => raw(&client
                    .send(&v2::UsersByIds {
                        ids: ids(),
                        fields: options.fields.clone(),
                    })
                    .await?),
                (false, false) => raw(&client
                    .send(&v2::UsersByUsernames {
                        usernames: names(),
                        fields: options.fields.clone(),
                    })
                    .await?),
                (true, true) => raw(&client
                    .send(&v1::UsersLookup {
                        users: v1::Users::Ids(ids()),
                        include_entities: None,
                    })
                    .await?),
                (true, false) => raw(&client
                    .send(&v1::UsersLookup {
                        users: v1::Users::ScreenNames(names()),
                        include_entities: None,
                    })
                    .await?),
            })
        };
        let (sent, stop) = unless_interrupted(sent, &mut interrupt, progress.waits()).await?;
        let (body, spent) = match sent {
            Ok(sent) => sent,
            // Not one of the batch exists or is visible: nothing to write, go on.
            Err(error) if none_found(&error) => (bytes::Bytes::new(), Cost::ZERO),
            Err(error) => return Err(error.into()),
        };
        if body.is_empty() {
            let position = Position::Inputs(end as u64);
            sink.page(&[], 0, position, spent, end == inputs.len())?;
            progress.advance((end - at) as u64);
            progress.println(format!("0 of {} users found", end - at));
            at = end;
            if stop {
                return Err(interrupted());
            }
            continue;
        }
        let answer = Answer::read(&body, if options.v1 { "" } else { "data" })?;
        let found = answer.items.len();
        let missing = answer.errors;
        let lines = if options.pages {
            vec![answer.page_line()?]
        } else {
            answer.item_lines(found)?
        };
        let done = end == inputs.len();
        sink.page(
            &lines,
            found as u64,
            Position::Inputs(end as u64),
            spent,
            done,
        )?;
        connection.save_usage()?;
        progress.advance((end - at) as u64);
        if stop {
            return Err(interrupted());
        }
        if missing > 0 || printer.verbose {
            progress.println(format!(
                "{} of {} users found{}",
                found,
                end - at,
                if missing > 0 {
                    format!(" ({missing} not found or not visible)")
                } else {
                    String::new()
                }
            ));
        }
        at = end;
    }
    if !sink.state.done {
        sink.state.done = true;
        sink.save()?;
    }
    Ok(())
}

/// X's answer when none of a look-up's users exist: v2's 200 with only `errors`, v1.1's 404
/// with code 17.
fn none_found(error: &CallError) -> bool {
    error.api().is_some_and(|api| {
        api.status() == http::StatusCode::OK || api.has_code(twapi_core::ErrorCode::NoUserMatches)
    })
}

/// A reply's raw body and what it cost.
fn raw<T: twapi_core::Payload>(reply: &twapi_core::Reply<T>) -> (bytes::Bytes, Cost) {
    (reply.body().clone(), reply.charge().spent())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_is_an_id_or_a_username() {
        assert!(matches!(user_ref("783214"), Ok(UserRef::Id(id)) if id.get() == 783_214));
        assert!(matches!(
            user_ref("@TwitterDev"),
            Ok(UserRef::ScreenName(_))
        ));
        assert_eq!(
            user_ref("no spaces").map(|_| ()).unwrap_err().kind(),
            Kind::Usage
        );
    }
}
