//! The README's code example, in v2 (what a 2026 self-serve account can call): look a user up
//! by username, walk their first followers with a limit and a budget, and print what it cost.
//! Needs `X_BEARER_TOKEN`, an app-only bearer (an OAuth 2.0 user token works the same with
//! `ClientBuilder::oauth2_user`); the tour runs without credentials.
use futures_util::StreamExt;
use twapi_hyper::core::fields::{Fields, UserField};
use twapi_hyper::request::v2::{Followers, UserByUsername};
use twapi_hyper::{ClientBuilder, Cost, Pager, Walk};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = ClientBuilder::app_only(std::env::var("X_BEARER_TOKEN")?).build()?;
    let username = "XDevelopers".parse()?;
    let fields = Fields::users([UserField::PublicMetrics]);
    let reply = client.send(&UserByUsername { username, fields }).await?;
    println!("the look-up cost {}", reply.cost()); // X bills $0.010 a user, once a UTC day
    let user = reply.into_data()?;
    let count = user.public_metrics.map_or(0, |m| m.followers_count);
    println!("@{}: {count} followers", user.username);
    let pager = Pager::new(Followers::of(user.id)).with_limit(50); // 50 followers at most
    let mut pages = client.walk(Walk::new(pager).with_budget(Cost::from_cents(50))); // ≤ $0.50
    while let Some(page) = pages.next().await {
        let page = page?;
        println!("{} followers for {}", page.items.len(), page.charge.spent());
    }
    let today = client.session().usage(std::time::SystemTime::now());
    println!("{} users billed today: {}", today.resources, today.cost);
    Ok(())
}
