//! The README's code example: look a user up, then stream their followers' ids, waiting out
//! rate limits. Needs the four `X_*` OAuth 1.0a variables (the tour runs without them).
use futures_util::StreamExt;
use twapi_hyper::request::v1::{FollowersIds, UsersShow};
use twapi_hyper::{ClientBuilder, Credentials, ScreenName, UserRef};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let credentials = Credentials::new(var("X_CONSUMER_KEY")?, var("X_CONSUMER_SECRET")?)
        .with_token(var("X_ACCESS_TOKEN")?, var("X_ACCESS_TOKEN_SECRET")?);
    let builder = ClientBuilder::oauth1(&credentials);
    let client = builder.wait_on_rate_limit(true).build()?;

    let name: ScreenName = "XDevelopers".parse()?;
    let user = client.send(&UsersShow::of(name)).await?.value;
    println!("@{}: {} followers", user.screen_name, user.followers_count);

    let mut followers = client.items(FollowersIds::of(UserRef::Id(user.id)));
    while let Some(id) = followers.next().await {
        println!("{}", id?);
    }
    Ok(())
}
