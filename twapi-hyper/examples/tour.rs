//! The tour: `cargo run -p twapi-hyper --example tour`.
//!
//! With no credentials in the environment it starts the emulator in-process (50,000 users,
//! rate-limit windows of three seconds) and walks through the product: look up users (v1.1
//! and v2), crawl a large account's followers with a progress bar, follow a protected account
//! and see the pending request, hit a rate limit and wait it out, meet typed errors, and sign
//! a request. With `X_CONSUMER_KEY`, `X_CONSUMER_SECRET`, `X_ACCESS_TOKEN` and
//! `X_ACCESS_TOKEN_SECRET` (or `X_BEARER_TOKEN`) set, it runs the read-only steps against the
//! real API instead. Secrets are never printed; token values are masked.

#[path = "credentials/mod.rs"]
mod credentials;

use std::error::Error as StdError;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use twapi_core::fields::{Fields, UserField};
use twapi_core::pager::Pager;
use twapi_core::rate_limit::LimiterConfig;
use twapi_core::request::v1::{
    FollowersIds, FriendsIds, FriendshipsOutgoing, Users, UsersLookup, UsersShow,
};
use twapi_core::request::v2::UsersByUsernames;
use twapi_core::{Api, Auth, ScreenName, Stamp, UserRef};
use twapi_emulator::{Config, Emulator};
use twapi_hyper::{CallError, Client, ClientBuilder};
use twapi_model::UserId;

use credentials::{FromEnv, demo_user, emulator_credentials};

type Failure = Box<dyn StdError>;

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
    println!(" or X_BEARER_TOKEN, to run the read-only steps against the real API.)\n");
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
    println!(
        "The emulator serves 50,000 users at {} (built in {:.1?}), with 15-minute windows \
         scaled to {window:?}. We act as @{}.",
        emulator.base_url(),
        started.elapsed(),
        me.screen_name
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
    look_up(&client, &names).await?;
    let crawled = crawl(&client, &names[0], None).await?;
    let truth = emulator.follower_ids(most_followed.id.parse()?);
    println!(
        "  The emulator's own list has {} ids: {}.",
        truth.len(),
        if crawled == truth {
            "the same, in the same order"
        } else {
            "they differ!"
        }
    );
    follow_protected(
        &client,
        UserId::new(protected.id.parse()?),
        &protected.screen_name,
    )
    .await?;
    rate_limits(builder(), window).await?;
    typed_errors(&client).await?;
    sign(&Auth::oauth1(&credentials), emulator.base_url(), &names[0])?;
    emulator.shutdown().await;
    println!("\nThat was the tour, in {:.1?}.", started.elapsed());
    Ok(())
}

/// The read-only steps, against the real API.
async fn real_api(found: FromEnv) -> Result<(), Failure> {
    println!("twapi tour — against the real API (read-only steps only).\n");
    let (builder, auth) = match found {
        FromEnv::OAuth1(credentials) => (
            ClientBuilder::oauth1(&credentials),
            Auth::oauth1(&credentials),
        ),
        FromEnv::Bearer(token) => (ClientBuilder::app_only(token.clone()), Auth::AppOnly(token)),
    };
    let client = builder.build()?;
    let names = ["XDevelopers".parse()?, "X".parse()?];
    look_up(&client, &names).await?;
    // One page of followers/ids out of the 15 a window allows.
    crawl(&client, &names[0], Some(5_000)).await?;
    typed_errors(&client).await?;
    sign(&auth, twapi_auth::X_API_BASE, &names[0])?;
    Ok(())
}

/// Step 1: users by screen name, three ways.
async fn look_up(client: &Client, names: &[ScreenName]) -> Result<(), Failure> {
    println!("\n1. Look up users");
    let first = names.first().ok_or("no names")?;
    let user = client.send(&UsersShow::of(first.clone())).await?.value;
    println!(
        "  v1.1 users/show     @{} ({}): {} followers, follows {}, protected: {}, joined {}",
        user.screen_name,
        user.name,
        user.followers_count,
        user.friends_count,
        user.protected,
        user.created_at.date()
    );
    let lookup = UsersLookup {
        users: Users::ScreenNames(names.to_vec()),
        include_entities: None,
    };
    let users = client.send(&lookup).await?.value;
    let listed: Vec<String> = users
        .iter()
        .map(|u| format!("@{} = {}", u.screen_name, u.id))
        .collect();
    println!("  v1.1 users/lookup   {}", listed.join(", "));
    let by = UsersByUsernames {
        usernames: names.to_vec(),
        fields: Fields::users([UserField::PublicMetrics, UserField::Protected]),
    };
    let page = client.send(&by).await?.value;
    for user in page.items() {
        let followers = user.public_metrics.map_or(0, |m| m.followers_count);
        println!(
            "  v2   /2/users/by    @{}: id {}, {followers} followers, protected: {}",
            user.username,
            user.id,
            user.protected.unwrap_or(false)
        );
    }
    Ok(())
}

/// Step 2: walk an account's followers with a progress bar; returns the ids.
async fn crawl(
    client: &Client,
    name: &ScreenName,
    limit: Option<u64>,
) -> Result<Vec<u64>, Failure> {
    println!("\n2. Crawl @{name}'s followers (followers/ids, up to 5,000 a page)");
    let user = client.send(&UsersShow::of(name.clone())).await?.value;
    let total = limit.map_or(user.followers_count, |l| l.min(user.followers_count));
    let bar = ProgressBar::new(total).with_style(ProgressStyle::with_template(
        "  {bar:40} {pos:>7}/{len:7} ids  {per_sec}  {msg}",
    )?);
    let mut pager = Pager::new(FollowersIds::of(UserRef::Id(user.id)));
    if let Some(limit) = limit {
        pager = pager.with_limit(limit);
    }
    let started = Instant::now();
    let mut pages = client.pages_with(pager);
    let mut ids = Vec::new();
    let mut last_state = None;
    while let Some(page) = pages.next().await {
        let page = page?;
        bar.inc(page.items.len() as u64);
        if let Some(window) = page.rate_limit.window {
            bar.set_message(format!("{} requests left in the window", window.remaining));
        }
        ids.extend(page.items.iter().map(|id| id.get()));
        last_state = Some(page.state);
    }
    bar.finish();
    println!(
        "  {} ids in {} pages, {:.1?}. The walk's state after the last page, which a crawl \
         persists to resume after a crash:\n  {}",
        ids.len(),
        last_state.as_ref().map_or(0, |s| s.pages),
        started.elapsed(),
        serde_json::to_string(&last_state)?
    );
    Ok(ids)
}

/// Step 3: follow a protected account; the request waits for approval.
async fn follow_protected(client: &Client, target: UserId, name: &str) -> Result<(), Failure> {
    println!("\n3. Follow a protected account, @{name}");
    let result = client.follow(target).await?;
    println!(
        "  POST /2/users/:id/following  →  following: {}, pending_follow: {}",
        result.following,
        result.pending_follow.unwrap_or(false)
    );
    let outgoing = client.send(&FriendshipsOutgoing::default()).await?.value;
    println!(
        "  GET friendships/outgoing     →  {} pending request(s); @{name} among them: {}",
        outgoing.ids.len(),
        outgoing.ids.contains(&target)
    );
    Ok(())
}

/// Step 4: spend a window's budget, meet the limit, then wait it out.
async fn rate_limits(builder: ClientBuilder, window: Duration) -> Result<(), Failure> {
    println!("\n4. Rate limits (friends/ids: 15 requests a window; the window is {window:?} here)");
    let impatient = builder.clone().build()?;
    // Whom I follow: no user named means the authenticating user.
    let mine = FriendsIds {
        user: None,
        cursor: None,
        count: None,
        stringify_ids: None,
    };
    let mut sent = 0;
    let until = loop {
        match impatient.send(&mine).await {
            Ok(_) => sent += 1,
            Err(error) if error.is_rate_limited() => {
                println!("  request {}: {error}", sent + 1);
                break error.rate_limited_until();
            }
            Err(error) => return Err(error.into()),
        }
    };
    if let Some(until) = until {
        let left = until
            .duration_since(std::time::SystemTime::now())
            .unwrap_or_default();
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
    patient.send(&mine).await?;
    println!(
        "  With wait_on_rate_limit(true) the same request slept {:.1?} and went through.",
        started.elapsed()
    );
    Ok(())
}

/// Step 5: errors are typed: X's codes by name, broken rules before sending.
async fn typed_errors(client: &Client) -> Result<(), Failure> {
    println!("\n5. Typed errors");
    let missing: ScreenName = "no_such_user_42".parse()?;
    match client.send(&UsersShow::of(missing.clone())).await {
        Ok(reply) => println!(
            "  users/show @{missing}: found @{}",
            reply.value.screen_name
        ),
        Err(error) => {
            let codes: Vec<String> = error
                .api()
                .map(|api| {
                    api.codes()
                        .iter()
                        .map(|c| format!("{:?} ({})", c.code, c.code.code()))
                        .collect()
                })
                .unwrap_or_default();
            println!("  users/show @{missing}  →  {error}");
            println!("    as a value: {}", codes.join(", "));
        }
    }
    let too_many = UsersLookup {
        users: Users::Ids((1..=101).map(UserId::new).collect()),
        include_entities: None,
    };
    match client.send(&too_many).await {
        Err(CallError::Core(twapi_core::Error::Invalid(invalid))) => println!(
            "  users/lookup of 101 ids  →  {invalid} (refused before sending: {:?})",
            invalid.reason()
        ),
        other => println!("  users/lookup of 101 ids  →  unexpectedly {other:?}"),
    }
    Ok(())
}

/// Step 6: the sans-IO core signs a request; any HTTP client can send it.
fn sign(auth: &Auth, base_url: &str, name: &ScreenName) -> Result<(), Failure> {
    println!("\n6. Sign a request (twapi-core alone: no client, no socket)");
    let nonce = twapi_auth::system::nonce()?;
    let stamp = Stamp {
        timestamp: twapi_auth::system::unix_now(),
        nonce: &nonce,
    };
    let request = Api::new(base_url)?.prepare(&UsersShow::of(name.clone()), auth, stamp)?;
    println!("  {} {}", request.method(), request.uri());
    let header = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .ok_or("no Authorization header")?
        .to_str()?;
    println!("  Authorization: {}", mask_header(header));
    Ok(())
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
