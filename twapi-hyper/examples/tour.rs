//! The tour: `cargo run -p twapi-hyper --example tour`.
//!
//! With no credentials in the environment it starts the emulator in-process (50,000 users,
//! rate-limit windows of three seconds) and walks through the product in v2, what a 2026
//! self-serve account can call: look users up by username and by id, crawl a large account's
//! followers with a progress bar and see what it cost (the client's meter against the
//! emulator's), search users, list an organisation's affiliates, stop a crawl at a budget and
//! resume it within another, follow a protected account, hit a rate limit and wait it out,
//! meet typed errors, and sign a request; then, briefly, v1.1 for the accounts that still have
//! it. With `X_CONSUMER_KEY`, `X_CONSUMER_SECRET`, `X_ACCESS_TOKEN` and `X_ACCESS_TOKEN_SECRET`
//! (or `X_BEARER_TOKEN`) set, it runs the v2 read-only steps against the real API instead,
//! spending at most $0.05. Secrets are never printed; token values are masked.

#[path = "credentials/mod.rs"]
mod credentials;

use std::error::Error as StdError;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use twapi_emulator::{Config, DemoUser, Emulator};
use twapi_hyper::core::cost::{Charge, USER_READ};
use twapi_hyper::core::fields::{Fields, UserField};
use twapi_hyper::core::request::v1::{FollowersIds, UsersShow};
use twapi_hyper::core::request::v2::{
    Affiliates, Follow, Followers, Me, UserByUsername, UsersByIds, UsersByUsernames, UsersSearch,
};
use twapi_hyper::core::{Api, Auth, Stamp};
use twapi_hyper::model::UserId;
use twapi_hyper::model::v2::User;
use twapi_hyper::{
    CallError, Client, ClientBuilder, Cost, LimiterConfig, Pager, ScreenName, UserRef, Walk,
};

use credentials::{FromEnv, demo_user, emulator_credentials};

type Failure = Box<dyn StdError>;

/// The spending cap of this run: set against the real API, none against the emulator.
static CAP: OnceLock<Cost> = OnceLock::new();

/// The number of the next step.
static STEP: AtomicUsize = AtomicUsize::new(1);

/// Prints the heading of the next step, numbered.
macro_rules! step {
    ($($title:tt)*) => {
        println!("\n{}. {}", STEP.fetch_add(1, Ordering::Relaxed), format_args!($($title)*))
    };
}

/// The most a run against the real API may spend.
const REAL_API_CAP: Cost = Cost::from_cents(5);

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match credentials::from_env() {
        Some(found) => real_api(found).await,
        None => emulated().await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("the tour stopped: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The whole tour, against an emulator started here.
async fn emulated() -> Result<(), Failure> {
    let window = Duration::from_secs(3);
    println!("twapi tour — no X_* credentials set, so against the emulator, in-process.");
    println!("(Set X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET,");
    println!(" or X_BEARER_TOKEN, to run the v2 read-only steps against the real API, for at");
    println!(" most {REAL_API_CAP}.)\n");
    let started = Instant::now();
    let emulator = Emulator::start(Config {
        users: 50_000,
        window,
        ..Config::default()
    })
    .await?;
    let facts = emulator.facts().clone();
    let me = demo_user(&facts, "plain")?;
    let most_followed = demo_user(&facts, "most_followed")?;
    let protected = demo_user(&facts, "protected")?;
    let organisation = demo_user(&facts, "organisation")?;
    println!(
        "The emulator serves 50,000 users at {} (built in {:.1?}), with 15-minute windows \
         scaled to {window:?}. We act as @{}, over OAuth 1.0a.",
        emulator.base_url(),
        started.elapsed(),
        me.screen_name
    );
    println!(
        "X bills pay-per-use: $0.010 for each user a read returns (each user once a UTC day), \
         $0.015 for a follow. The client meters every reply; the emulator meters what it served."
    );
    let credentials = emulator_credentials(&facts, me);
    let builder = || {
        ClientBuilder::oauth1(&credentials)
            .base_url(emulator.base_url())
            .limiter_config(LimiterConfig {
                window,
                ..LimiterConfig::default()
            })
    };
    let client = builder().wait_on_rate_limit(true).build()?;

    let names = [
        most_followed.screen_name.parse()?,
        protected.screen_name.parse()?,
        me.screen_name.parse()?,
    ];
    let user = look_up(&client, &names).await?;
    let crawled = crawl(&client, &user, None).await?;
    let truth = emulator.follower_ids(user.id.get());
    println!(
        "  The emulator's own list has {} ids: {}.",
        truth.len(),
        if crawled == truth {
            "the same, in the same order"
        } else {
            "they differ!"
        }
    );
    let ours = client.session().usage(SystemTime::now());
    let theirs = emulator.usage();
    println!(
        "  So far today: the client's meter says {} for {} users; the emulator's, {} for {} \
         users: {}.",
        ours.cost,
        ours.resources,
        theirs.cost,
        theirs.resources,
        if ours.cost == theirs.cost {
            "equal to the cent"
        } else {
            "they differ!"
        }
    );
    search(&client, "falcon", 5).await?;
    affiliates(&client, organisation, &emulator).await?;
    budget(&client, organisation, &emulator).await?;
    follow_protected(
        &client,
        UserId::new(protected.id.parse()?),
        &protected.screen_name,
    )
    .await?;
    rate_limits(builder(), window).await?;
    typed_errors(&client).await?;
    sign(&Auth::oauth1(&credentials), emulator.base_url(), &names[0])?;
    legacy(&client, &names[0]).await?;
    let ours = client.session().usage(SystemTime::now()).cost;
    let theirs = emulator.usage().cost;
    println!(
        "\nThat was the tour, in {:.1?}. The day's bill by the client's meter: {ours}; by the \
         emulator's: {theirs}{}.",
        started.elapsed(),
        if ours == theirs {
            ", the same"
        } else {
            " (other clients' requests count there too)"
        }
    );
    emulator.shutdown().await;
    Ok(())
}

/// The v2 read-only steps, against the real API, never spending more than [`REAL_API_CAP`].
async fn real_api(found: FromEnv) -> Result<(), Failure> {
    println!(
        "twapi tour — against the real API: v2 read-only steps only, spending at most \
         {REAL_API_CAP}"
    );
    println!(
        "(X bills $0.010 a user returned; each step checks its worst case against what is \
         left, and walks carry the rest as their budget.)"
    );
    let (builder, auth) = match found {
        FromEnv::OAuth1(credentials) => (
            ClientBuilder::oauth1(&credentials),
            Auth::oauth1(&credentials),
        ),
        FromEnv::Bearer(token) => (ClientBuilder::app_only(token.clone()), Auth::AppOnly(token)),
    };
    let client = builder.build()?;
    CAP.set(REAL_API_CAP).map_err(|_| "the cap is set once")?;
    let name: ScreenName = "XDevelopers".parse()?;
    let user = look_up(&client, std::slice::from_ref(&name)).await?;
    crawl(&client, &user, Some(3)).await?;
    if client.auth_mode().is_user_context() {
        search(&client, "developers", 1).await?;
    } else {
        step!("Search users: skipped");
        println!("  GET /2/users/search needs user context; an app-only bearer is refused it.");
    }
    typed_errors(&client).await?;
    sign(&auth, twapi_hyper::auth::X_API_BASE, &name)?;
    let spent = client.session().usage(SystemTime::now());
    println!(
        "\nSpent by this run, by the client's meter: {} for {} users (the cap was {REAL_API_CAP}).",
        spent.cost, spent.resources
    );
    Ok(())
}

/// What is left of the run's spending cap (by the client's meter), if it has one.
fn left(client: &Client) -> Option<Cost> {
    let spent = client.session().usage(SystemTime::now()).cost;
    CAP.get().map(|cap| cap.saturating_sub(spent))
}

/// Whether what is left of the cap covers `worst`.
fn affords(client: &Client, worst: Cost) -> bool {
    left(client).is_none_or(|left| worst <= left)
}

/// Step 1: users by username and by id (v2); returns the first, with its public metrics.
async fn look_up(client: &Client, names: &[ScreenName]) -> Result<User, Failure> {
    step!("Look up users (v2)");
    let fields = Fields::users([
        UserField::PublicMetrics,
        UserField::Protected,
        UserField::CreatedAt,
    ]);
    let first = names.first().ok_or("no names")?;
    if !affords(client, USER_READ) {
        return Err("the spending cap does not cover one look-up".into());
    }
    let reply = client
        .send(&UserByUsername {
            username: first.clone(),
            fields: fields.clone(),
        })
        .await?;
    let cost = priced(reply.charge());
    let user = reply.into_data()?;
    let metrics = user.public_metrics.unwrap_or_default();
    println!(
        "  GET /2/users/by/username/:username  @{} ({}): {} followers, follows {}, protected: \
         {}, joined {}  — cost {cost}",
        user.username,
        user.name,
        metrics.followers_count,
        metrics.following_count,
        user.protected.unwrap_or(false),
        user.created_at
            .map_or("?".to_owned(), |t| t.date().to_string()),
    );
    if names.len() < 2 {
        return Ok(user);
    }
    let by = UsersByUsernames {
        usernames: names.to_vec(),
        fields: fields.clone(),
    };
    let reply = client.send(&by).await?;
    let cost = priced(reply.charge());
    let listed: Vec<String> = reply
        .value
        .items()
        .iter()
        .map(|u| format!("@{} = {}", u.username, u.id))
        .collect();
    println!(
        "  GET /2/users/by?usernames=           {}  — cost {cost}",
        listed.join(", ")
    );
    let ids = reply.value.items().iter().map(|u| u.id).collect();
    let reply = client.send(&UsersByIds { ids, fields }).await?;
    let cost = priced(reply.charge());
    let listed: Vec<String> = reply
        .value
        .items()
        .iter()
        .map(|u| {
            let followers = u.public_metrics.map_or(0, |m| m.followers_count);
            format!("@{} ({followers} followers)", u.username)
        })
        .collect();
    println!(
        "  GET /2/users?ids=                    {}  — cost {cost}",
        listed.join(", ")
    );
    Ok(user)
}

/// Step 2: walk an account's followers with a progress bar; returns the ids.
async fn crawl(client: &Client, user: &User, limit: Option<u64>) -> Result<Vec<u64>, Failure> {
    step!(
        "Crawl @{}'s followers (GET /2/users/:id/followers, up to 1,000 a page)",
        user.username
    );
    let count = user.public_metrics.map_or(0, |m| m.followers_count);
    let total = limit.map_or(count, |l| l.min(count));
    let bar = ProgressBar::new(total).with_style(ProgressStyle::with_template(
        "  {bar:40} {pos:>7}/{len:7} users  {per_sec}  {msg}",
    )?);
    let request = Followers {
        max_results: Some(1_000),
        ..Followers::of(user.id)
    };
    let mut pager = Pager::new(request);
    if let Some(limit) = limit {
        pager = pager.with_limit(limit);
    }
    let mut walk = Walk::new(pager);
    if let Some(left) = left(client) {
        println!("  (within a budget of {left}, what is left of the cap)");
        walk = walk.with_budget(left);
    }
    let started = Instant::now();
    let mut pages = client.walk(walk);
    let mut ids = Vec::new();
    let mut charge = Charge::default();
    let mut last_state = None;
    while let Some(page) = pages.next().await {
        let page = page?;
        bar.inc(page.items.len() as u64);
        add(&mut charge, &page.charge);
        let remaining = page.rate_limit.window.map_or(0, |w| w.remaining);
        let so_far = charge.spent();
        bar.set_message(format!(
            "{so_far} so far, {remaining} requests left in the window"
        ));
        ids.extend(page.items.iter().map(|u| u.id.get()));
        last_state = Some(page.state);
    }
    bar.finish();
    println!(
        "  {} users in {} pages, {:.1?}, for {}. The walk's state after the last page, \
         which a crawl persists to resume after a crash:\n  {}",
        ids.len(),
        last_state.as_ref().map_or(0, |s| s.pages),
        started.elapsed(),
        priced(&charge),
        serde_json::to_string(&last_state)?
    );
    Ok(ids)
}

/// Step 3: search users by name or username.
async fn search(client: &Client, query: &str, shown: u32) -> Result<(), Failure> {
    step!("Search users (GET /2/users/search?query={query})");
    if !affords(client, USER_READ * u64::from(shown)) {
        println!("  skipped: what is left of the cap does not cover {shown} users");
        return Ok(());
    }
    let request = UsersSearch {
        max_results: Some(shown),
        ..UsersSearch::new(query)
    };
    let reply = client.send(&request).await?;
    let found: Vec<String> = reply
        .value
        .items()
        .iter()
        .map(|u| format!("@{} ({})", u.username, u.name))
        .collect();
    println!(
        "  the first {shown}: {}  — cost {}",
        found.join(", "),
        priced(reply.charge())
    );
    let more = reply
        .value
        .meta
        .as_ref()
        .and_then(|m| m.next_token.as_ref());
    println!(
        "  more behind meta.next_token: {}",
        if more.is_some() { "yes" } else { "no" }
    );
    Ok(())
}

/// Step 4: an organisation account's affiliates.
async fn affiliates(
    client: &Client,
    organisation: &DemoUser,
    emulator: &Emulator,
) -> Result<(), Failure> {
    step!(
        "Affiliates of an organisation, @{} (GET /2/users/:id/affiliates)",
        organisation.screen_name
    );
    let id = organisation.user_id();
    let request = Affiliates {
        max_results: Some(100),
        ..Affiliates::of(id)
    };
    let mut pages = client.pages(request);
    let (mut users, mut charge, mut count) = (Vec::new(), Charge::default(), 0);
    while let Some(page) = pages.next().await {
        let page = page?;
        add(&mut charge, &page.charge);
        count += 1;
        users.extend(page.items);
    }
    let first: Vec<String> = users
        .iter()
        .take(3)
        .map(|u| format!("@{}", u.username))
        .collect();
    let ids: Vec<u64> = users.iter().map(|u| u.id.get()).collect();
    println!(
        "  {} affiliates in {count} pages (newest first: {}, …)  — cost {}",
        users.len(),
        first.join(", "),
        priced(&charge)
    );
    println!(
        "  The emulator's list: {}.",
        if ids == emulator.affiliate_ids(id.get()) {
            "the same"
        } else {
            "they differ!"
        }
    );
    Ok(())
}

/// Step 5: a budget stops a crawl; the crawl resumes to the end within a second budget.
async fn budget(
    client: &Client,
    organisation: &DemoUser,
    emulator: &Emulator,
) -> Result<(), Failure> {
    let first_budget = Cost::from_dollars(5);
    step!(
        "A budget stops a crawl: @{}'s {} followers, within {first_budget}",
        organisation.screen_name,
        organisation.followers
    );
    // No max_results: the walk sizes each page to what the budget can pay for at worst.
    let request = Followers::of(organisation.user_id());
    let walk = Walk::new(Pager::new(request.clone())).with_budget(first_budget);
    let (mut ids, mut sizes, mut spent) = (Vec::new(), Vec::new(), Cost::ZERO);
    let mut pages = client.walk(walk);
    let mut stop = None;
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                sizes.push(page.items.len().to_string());
                spent += page.charge.spent();
                ids.extend(page.items.iter().map(|u| u.id.get()));
            }
            Err(error) => stop = Some(error),
        }
    }
    println!(
        "  pages of {} users: {} followers for {spent} (users billed earlier today are free; each \
         next page asks only as many users as what is left pays for at $0.010 each)",
        sizes.join(", "),
        ids.len()
    );
    let stop = stop.ok_or("the budget did not stop the walk")?;
    match stop.cause() {
        CallError::BudgetExhausted { spent, budget } => println!(
            "  stopped, typed: CallError::Interrupted(BudgetExhausted {{ spent: {spent}, \
             budget: {budget} }}), nothing sent past it"
        ),
        other => return Err(format!("the walk stopped on something else: {other}").into()),
    }
    println!("  as text: {stop}");
    let state = stop
        .resume_state()
        .ok_or("no state to resume from")?
        .clone();
    println!(
        "  the state to resume from: {}",
        serde_json::to_string(&state)?
    );

    let rest = organisation.followers.saturating_sub(ids.len() as u64);
    let second_budget = USER_READ * rest;
    println!(
        "  Resumed in the same session (its meter remembers who was billed today) with a second \
         budget of {second_budget}, the {rest} followers left at worst:"
    );
    let walk = Walk::new(Pager::resume(request, state)).with_budget(second_budget);
    let mut pages = client.walk(walk);
    let (mut more, mut count, mut spent) = (0, 0, Cost::ZERO);
    while let Some(page) = pages.next().await {
        let page = page?;
        more += page.items.len();
        count += 1;
        spent += page.charge.spent();
        ids.extend(page.items.iter().map(|u| u.id.get()));
    }
    println!(
        "  {more} more followers in {count} pages for {spent}, to the end: {} in all; the \
         emulator's list: {}.",
        ids.len(),
        if ids == emulator.follower_ids(organisation.user_id().get()) {
            "the same, in the same order"
        } else {
            "they differ!"
        }
    );
    Ok(())
}

/// Step 6: follow a protected account; the request waits for approval.
async fn follow_protected(client: &Client, target: UserId, name: &str) -> Result<(), Failure> {
    step!("Follow a protected account, @{name}");
    let me = client.my_id().await?;
    let reply = client
        .send(&Follow {
            source_user_id: me,
            target_user_id: target,
        })
        .await?;
    let cost = reply.cost();
    let result = reply.into_data()?;
    println!(
        "  POST /2/users/:id/following  →  following: {}, pending_follow: {}  — cost {cost} \
         (a follow is billed per request)",
        result.following,
        result.pending_follow.unwrap_or(false)
    );
    println!("  The request waits for @{name} to approve it (client.follow(id) does the same).");
    Ok(())
}

/// Step 7: spend a window's budget, meet the limit, then wait it out.
async fn rate_limits(builder: ClientBuilder, window: Duration) -> Result<(), Failure> {
    step!("Rate limits (GET /2/users/me: 75 requests a window; the window is {window:?} here)");
    let impatient = builder.clone().build()?;
    let me = Me::default();
    let mut sent = 0;
    let until = loop {
        match impatient.send(&me).await {
            Ok(_) => sent += 1,
            Err(error) if error.is_rate_limited() => {
                println!("  request {}: {error}", sent + 1);
                break error.rate_limited_until();
            }
            Err(error) => return Err(error.into()),
        }
    };
    if let Some(until) = until {
        let left = until.duration_since(SystemTime::now()).unwrap_or_default();
        println!(
            "  Nothing was sent: the client-side limiter knew. The window reopens in {left:.1?}."
        );
    }
    // A client sharing that limiter, but waiting: it sleeps through.
    let shared = impatient.limiter().ok_or("the client has a limiter")?;
    let patient = builder
        .limiter(shared.clone())
        .wait_on_rate_limit(true)
        .build()?;
    let started = Instant::now();
    patient.send(&me).await?;
    println!(
        "  With wait_on_rate_limit(true) the same request slept {:.1?} and went through.",
        started.elapsed()
    );
    Ok(())
}

/// Step 8: errors are typed: X's problems by name, broken rules before sending.
async fn typed_errors(client: &Client) -> Result<(), Failure> {
    step!("Typed errors");
    let missing: ScreenName = "no_such_user_42".parse()?;
    let lookup = UserByUsername {
        username: missing.clone(),
        fields: Fields::default(),
    };
    match client.send(&lookup).await {
        Ok(reply) => {
            let problems: Vec<String> = reply
                .partial_errors()
                .iter()
                .map(|p| format!("{:?}: {}", p.kind(), p.detail.as_deref().unwrap_or("")))
                .collect();
            println!(
                "  /2/users/by/username/{missing}  →  {} {}, cost {}",
                reply.status(),
                problems.join("; "),
                reply.cost()
            );
        }
        Err(error) => {
            let kinds: Vec<String> = error
                .api()
                .map(|api| {
                    api.problems()
                        .iter()
                        .map(|p| format!("{:?}", p.kind()))
                        .collect()
                })
                .unwrap_or_default();
            println!("  /2/users/by/username/{missing}  →  {error}");
            println!("    as a value: {}", kinds.join(", "));
        }
    }
    let too_big = Followers {
        max_results: Some(1_001),
        ..Followers::of(UserId::new(783_214))
    };
    match client.send(&too_big).await {
        Err(CallError::Core(twapi_hyper::core::Error::Invalid(invalid))) => println!(
            "  followers with max_results=1001  →  {invalid} (refused before sending: {:?})",
            invalid.reason()
        ),
        other => println!("  followers with max_results=1001  →  unexpectedly {other:?}"),
    }
    match client.send(&UsersSearch::new("dev@x.com")).await {
        Err(CallError::Core(twapi_hyper::core::Error::Invalid(invalid))) => {
            println!("  users/search for \"dev@x.com\"  →  {invalid} (refused before sending)");
        }
        other => println!("  users/search for \"dev@x.com\"  →  unexpectedly {other:?}"),
    }
    Ok(())
}

/// Step 9: the sans-IO core signs a request; any HTTP client can send it.
fn sign(auth: &Auth, base_url: &str, name: &ScreenName) -> Result<(), Failure> {
    step!("Sign a request (twapi-core alone: no client, no socket)");
    let nonce = twapi_hyper::auth::system::nonce()?;
    let stamp = Stamp {
        timestamp: twapi_hyper::auth::system::unix_now(),
        nonce: &nonce,
    };
    let request = UserByUsername {
        username: name.clone(),
        fields: Fields::default(),
    };
    let request = Api::new(base_url)?.prepare(&request, auth, stamp)?;
    println!("  {} {}", request.method(), request.uri());
    let header = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .ok_or("no Authorization header")?
        .to_str()?;
    println!("  Authorization: {}", mask_header(header));
    Ok(())
}

/// Step 10: v1.1, for the accounts that still have it.
async fn legacy(client: &Client, name: &ScreenName) -> Result<(), Failure> {
    step!("v1.1 (legacy, for accounts that still have it)");
    let reply = client.send(&UsersShow::of(name.clone())).await?;
    let cost = priced(reply.charge());
    let user = reply.value;
    println!(
        "  GET /1.1/users/show.json     @{} ({}): {} followers, follows {}  — cost {cost}",
        user.screen_name.unwrap_or_default(),
        user.name.unwrap_or_default(),
        user.followers_count.unwrap_or_default(),
        user.friends_count.unwrap_or_default(),
    );
    let pager = Pager::new(FollowersIds::of(UserRef::Id(user.id))).with_limit(5_000);
    let mut pages = client.pages_with(pager);
    let (mut ids, mut charge) = (0, Charge::default());
    while let Some(page) = pages.next().await {
        let page = page?;
        ids += page.items.len();
        add(&mut charge, &page.charge);
    }
    println!(
        "  GET /1.1/followers/ids.json  {ids} ids, one page of up to 5,000  — cost {}",
        priced(&charge)
    );
    println!(
        "  A 2026 self-serve app is refused both: 403 with code 453, which twapi types as \
         BillingRefusal::AccessLevel (error.api().and_then(|e| e.billing())); the emulator \
         serves v1.1 as X does for the accounts that still have it."
    );
    Ok(())
}

/// Adds a page's charge to a walk's.
fn add(total: &mut Charge, page: &Charge) {
    let spent = total.spent() + page.spent();
    total.resources += page.resources;
    total.cost += page.cost;
    total.metered = Some(spent);
}

/// What a reply or a page cost, and why it is less than list price when it is.
fn priced(charge: &Charge) -> String {
    let spent = charge.spent();
    let free = charge.cost.saturating_sub(spent).fits(USER_READ);
    if free == 0 {
        spent.to_string()
    } else if free == charge.resources {
        match free {
            1 => format!("{spent} (the user was billed already today)"),
            n => format!("{spent} (all {n} users were billed already today)"),
        }
    } else {
        format!(
            "{spent} ({free} of the {} users were billed already today)",
            charge.resources
        )
    }
}

/// The `Authorization` header with the key and token values masked (the signature, nonce
/// and timestamp are safe to show).
fn mask_header(header: &str) -> String {
    if let Some(token) = header.strip_prefix("Bearer ") {
        return format!("Bearer {}", mask(token));
    }
    let Some(params) = header.strip_prefix("OAuth ") else {
        return mask(header);
    };
    let masked: Vec<String> = params
        .split(", ")
        .map(|pair| match pair.split_once('=') {
            Some((name @ ("oauth_consumer_key" | "oauth_token"), value)) => {
                format!("{name}=\"{}\"", mask(value.trim_matches('"')))
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("OAuth {}", masked.join(", "))
}

/// The first four characters, then an ellipsis.
fn mask(value: &str) -> String {
    let shown: String = value.chars().take(4).collect();
    format!("{shown}…")
}
