//! Walks a user's followers on the embedded emulator with the blocking client: no account, no
//! network. The emulator is async, so it serves from a tokio runtime's threads while this
//! program's own thread blocks on the client as any blocking program would.
//!
//! ```text
//! cargo run -p twapi-ureq --example blocking
//! ```

use twapi_emulator::{Config, Emulator};
use twapi_ureq::core::UserRef;
use twapi_ureq::request::v1::{FollowersIds, UsersShow};
use twapi_ureq::{ClientBuilder, Pager};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The emulator: 2,000 accounts on loopback, served by one background thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let emulator = runtime.block_on(Emulator::start(Config {
        users: 2_000,
        ..Config::default()
    }))?;
    let facts = emulator.facts();
    let acting = facts.user("plain").ok_or("a plain user")?;
    let star = facts.user("most_followed").ok_or("a star")?;

    // The client, as against the real API but for the base URL.
    let client = ClientBuilder::oauth1(&facts.credentials(acting))
        .base_url(emulator.base_url())
        .wait_on_rate_limit(true)
        .build()?;

    let user = client
        .send(&UsersShow::of(UserRef::Id(star.user_id())))?
        .value;
    // X leaves fields out of some user objects (trimmed users, old bodies): all but the id
    // are optional.
    println!(
        "@{}: {} followers",
        user.screen_name.unwrap_or_default(),
        user.followers_count.unwrap_or_default()
    );

    // Pages of 100 ids, the first 500; each page carries the state a crawl would save.
    let request = FollowersIds {
        count: Some(100),
        ..FollowersIds::of(UserRef::Id(user.id))
    };
    for page in client.pages_with(Pager::new(request).with_limit(500)) {
        let page = page?;
        let first = page.items.first().map(|id| id.get());
        let remaining = page.rate_limit.window.map(|w| w.remaining);
        println!(
            "page {}: {} ids (first {first:?}), {remaining:?} requests left in the window",
            page.state.pages,
            page.items.len(),
        );
    }
    Ok(())
}
