//! `twapi follow` and `twapi unfollow`: by username or id, as the authenticated user (whose id
//! the session finds), showing the 24-hour cap left.

use std::time::SystemTime;

use twapi_core::endpoint::DailyBucket;
use twapi_core::rate_limit::{Bucket, RateLimitSnapshot};
use twapi_core::request::{ApiRequest, v1, v2};
use twapi_core::{FollowOutcome, UserRef};
use twapi_model::UserId;

use crate::connection::Connection;
use crate::failure::Failure;
use crate::output::{Printer, describe, duration};

/// The target's id (a username is looked up, free of the per-user price only on v1.1).
async fn target_id(connection: &Connection, user: &str) -> Result<UserId, Failure> {
    match crate::crawl::user_ref(user)? {
        UserRef::Id(id) => Ok(id),
        UserRef::ScreenName(username) => connection
            .client
            .send(&v2::UserByUsername {
                username,
                fields: twapi_core::fields::Fields::default(),
            })
            .await?
            .into_data()
            .map(|found| found.id)
            .map_err(|e| Failure::call(&twapi_hyper::CallError::Core(e))),
    }
}

/// Sends the v2 request `make` builds from one's own id and `user`'s: its `data` and the
/// rate limits its answer announced.
async fn as_me<R, T>(
    connection: &Connection,
    user: &str,
    make: impl FnOnce(UserId, UserId) -> R,
) -> Result<(T, RateLimitSnapshot), Failure>
where
    R: ApiRequest<Output = twapi_model::v2::Response<T>> + Clone,
    twapi_model::v2::Response<T>: twapi_core::Payload,
{
    let target = target_id(connection, user).await?;
    let me = connection.client.my_id().await?;
    let reply = connection.client.send(&make(me, target)).await?;
    let snapshot = *reply.rate_limit();
    let data = reply
        .into_data()
        .map_err(|e| Failure::call(&twapi_hyper::CallError::Core(e)))?;
    Ok((data, snapshot))
}

/// `twapi follow USER`.
pub(crate) async fn follow(
    connection: &Connection,
    user: &str,
    v1: bool,
    printer: &Printer,
) -> Result<(), Failure> {
    let client = &connection.client;
    if v1 {
        let reply = client
            .send(&v1::FriendshipsCreate::user(crate::crawl::user_ref(user)?))
            .await?;
        let snapshot = *reply.rate_limit();
        let said = match reply.into_value() {
            FollowOutcome::Followed(found) if found.protected == Some(true) => {
                format!(
                    "requested to follow {} (protected: pending approval)",
                    named(&found, user)
                )
            }
            FollowOutcome::Followed(found) => format!("now following {}", named(&found, user)),
            FollowOutcome::AlreadyRequested => "a request to follow is already pending".to_owned(),
            _ => "followed".to_owned(),
        };
        return report(connection, &said, &snapshot, DailyBucket::Follow, printer);
    }
    let (result, snapshot) = as_me(connection, user, |me, target| v2::Follow {
        source_user_id: me,
        target_user_id: target,
    })
    .await?;
    let said = if result.pending_follow == Some(true) {
        format!("requested to follow {user} (protected: pending approval)")
    } else if result.following {
        format!("now following {user}")
    } else {
        format!("not following {user}")
    };
    report(connection, &said, &snapshot, DailyBucket::Follow, printer)
}

/// `twapi unfollow USER`.
pub(crate) async fn unfollow(
    connection: &Connection,
    user: &str,
    v1: bool,
    printer: &Printer,
) -> Result<(), Failure> {
    let client = &connection.client;
    if v1 {
        let reply = client
            .send(&v1::FriendshipsDestroy {
                user: crate::crawl::user_ref(user)?,
            })
            .await?;
        let snapshot = *reply.rate_limit();
        let said = format!("unfollowed {}", named(&reply.into_value(), user));
        return report(connection, &said, &snapshot, DailyBucket::Unfollow, printer);
    }
    let (result, snapshot) = as_me(connection, user, |me, target| v2::Unfollow {
        source_user_id: me,
        target_user_id: target,
    })
    .await?;
    let said = if result.following {
        format!("still following {user}")
    } else {
        format!("not following {user} (any pending request withdrawn)")
    };
    report(connection, &said, &snapshot, DailyBucket::Unfollow, printer)
}

/// The outcome, then the 24-hour cap left: from X's headers when it sent them, else from the
/// session's limiter, else the documented cap.
fn report(
    connection: &Connection,
    said: &str,
    snapshot: &RateLimitSnapshot,
    bucket: DailyBucket,
    printer: &Printer,
) -> Result<(), Failure> {
    let cap = if let Some(day) = snapshot.user_day.or(snapshot.app_day) {
        describe(&day)
    } else {
        let now = SystemTime::now();
        let me = connection.client.session().user_id().map(UserId::get);
        let caps = bucket.caps();
        let documented = caps.user.or(caps.app);
        crate::usage::budgets(connection)
            .into_iter()
            .filter(|b| b.bucket == Bucket::Daily(bucket))
            .filter(|b| b.user.is_none() || b.user == me)
            .find_map(|b| {
                b.open_window(now)
                    .map(|w| (w, b.learned_limit.or(documented)))
            })
            .map_or_else(
                || {
                    documented.map_or_else(
                        || "no documented cap".to_owned(),
                        |cap| format!("{cap} of {cap} left"),
                    )
                },
                |((remaining, left), limit)| {
                    let limit = limit.map_or_else(String::new, |l| format!(" of {l}"));
                    format!(
                        "{remaining}{limit} left, resets in {}",
                        duration(left.as_secs())
                    )
                },
            )
    };
    let kind = match bucket {
        DailyBucket::Follow => "follows",
        _ => "unfollows",
    };
    if printer.pretty {
        println!("{said}\ndaily {kind}: {cap}");
        Ok(())
    } else {
        printer.value(
            &serde_json::json!({ "result": said, "daily_cap": { "bucket": kind, "left": cap } }),
        )
    }
}

/// How a v1.1 answer's user is named in a sentence: `@screen_name`, or as the command named
/// them when X's answer leaves the name out (a trimmed user carries only its id).
fn named(found: &twapi_model::v1::User, asked: &str) -> String {
    found
        .screen_name
        .as_deref()
        .map_or_else(|| asked.to_owned(), |name| format!("@{name}"))
}
