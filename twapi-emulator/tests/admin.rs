//! The admin API under `/_emulator/`, over HTTP as a test in any language calls it: faults
//! switched on and off, windows and the limits profile changed, the ground truth of a user's
//! lists, the cost meter, and a reset that puts the whole world back as it was at start.

mod harness;

use bytes::Bytes;
use harness::{app, call, id, json, oauth1, prepare, send, user};
use twapi_core::request::v1 as rq1;
use twapi_core::request::v2 as rq2;
use twapi_model::UserId;

async fn admin(base: &str, method: http::Method, route: &str, body: &str) -> http::Response<Bytes> {
    send(
        http::Request::builder()
            .method(method)
            .uri(format!("{base}/_emulator/{route}"))
            .header("content-type", "application/json")
            .body(Bytes::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

async fn get(base: &str, route: &str) -> serde_json::Value {
    let response = admin(base, http::Method::GET, route, "").await;
    assert_eq!(response.status(), 200, "{route}");
    json(&response)
}

async fn put(base: &str, route: &str, body: &str) -> http::Response<Bytes> {
    admin(base, http::Method::PUT, route, body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_and_windows_over_http() {
    let emulator = harness::start(300).await;
    let facts = emulator.facts().clone();
    let base = facts.base_url.as_str();
    let top = UserId::new(id(user(&facts, "most_followed", 0)));
    let show = rq1::UsersShow::of(top);

    let faults = get(base, "faults").await;
    assert_eq!(faults["over_capacity"], 0.0);
    assert_eq!(faults["slow_delay_ms"], 2000);

    // Every request over capacity, then none again.
    let response = put(base, "faults", r#"{"over_capacity": 1, "seed": 9}"#).await;
    assert_eq!(json(&response)["over_capacity"], 1.0);
    let error = call(base, &show, &app(&facts)).await.unwrap_err();
    assert_eq!(error.api().unwrap().codes()[0].code.code(), 130);
    assert_eq!(get(base, "faults").await["seed"], 9);
    put(base, "faults", "{}").await;
    assert!(call(base, &show, &app(&facts)).await.is_ok());
    // `rate` spreads evenly, as --fault-rate does.
    let spread = json(&put(base, "faults", r#"{"rate": 0.5}"#).await);
    assert_eq!(spread["slow"], 0.1);
    put(base, "faults", "{}").await;

    // The 2021 profile: followers announce 15 a window; counts restart.
    let followers = rq2::Followers::of(top);
    let before = send(prepare(base, &followers, &app(&facts))).await;
    assert_eq!(before.headers()["x-rate-limit-limit"], "300");
    let windows = json(
        &put(
            base,
            "windows",
            r#"{"limits": "classic-2021", "window_seconds": 60}"#,
        )
        .await,
    );
    assert_eq!(windows["limits"], "classic_2021");
    assert_eq!(windows["window_seconds"], 60.0);
    assert_eq!(windows["day_seconds"], 86_400.0);
    let after = send(prepare(base, &followers, &app(&facts))).await;
    assert_eq!(after.headers()["x-rate-limit-limit"], "15");
    assert_eq!(after.headers()["x-rate-limit-remaining"], "14");
    assert_eq!(emulator.timing().window.as_secs(), 60);

    // Bad input: told why, nothing changed.
    for (route, body) in [
        ("faults", r#"{"slow": 2}"#),
        ("faults", r#"{"sloww": 1}"#),
        ("faults", "not json"),
        ("windows", r#"{"day_seconds": 0}"#),
        ("windows", r#"{"limits": "1999"}"#),
    ] {
        let response = put(base, route, body).await;
        assert_eq!(response.status(), 400, "{route} {body}");
        assert!(json(&response)["error"].is_string());
    }
    assert_eq!(get(base, "windows").await["limits"], "classic_2021");
    assert_eq!(
        admin(base, http::Method::DELETE, "faults", "")
            .await
            .status(),
        405
    );
    assert_eq!(
        admin(base, http::Method::GET, "nothing", "").await.status(),
        404
    );
    assert_eq!(
        admin(base, http::Method::GET, "users/1/nothing", "")
            .await
            .status(),
        404
    );
    assert_eq!(
        admin(base, http::Method::GET, "users/1/followers", "")
            .await
            .status(),
        404
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ground_truth_meter_and_reset() {
    let emulator = harness::start(300).await;
    let facts = emulator.facts().clone();
    let base = facts.base_url.as_str();
    let plain = user(&facts, "plain", 0);
    let top = user(&facts, "most_followed", 0);
    let route = format!("users/{}/followers", top.id);

    let truth = get(base, &route).await;
    let start: Vec<u64> = emulator.follower_ids(id(top));
    assert_eq!(truth["count"], start.len());
    let listed: Vec<u64> = truth["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(listed, start);
    let org = facts.user("organisation").unwrap();
    assert_eq!(
        get(base, &format!("users/{}/affiliates", org.id)).await["count"],
        emulator.affiliate_ids(id(org)).len()
    );

    // A follow shows in the ground truth, and on the meter.
    let already = start.contains(&id(plain));
    let (me, them) = (UserId::new(id(plain)), UserId::new(id(top)));
    if already {
        call(
            base,
            &rq2::Unfollow {
                source_user_id: me,
                target_user_id: them,
            },
            &oauth1(&facts, plain),
        )
        .await
        .unwrap();
    } else {
        call(
            base,
            &rq2::Follow {
                source_user_id: me,
                target_user_id: them,
            },
            &oauth1(&facts, plain),
        )
        .await
        .unwrap();
    }
    let changed = get(base, &route).await;
    assert_ne!(changed["count"], truth["count"]);
    let usage = get(base, "usage").await;
    assert!(usage["cost_micros"].as_u64().unwrap() > 0, "{usage}");
    assert_eq!(usage["requests"], 1);

    // The app-only token invalidated, then everything reset.
    let app_auth =
        twapi_auth::bearer::AppAuth::new(facts.consumer_key.clone(), facts.consumer_secret.clone())
            .with_base_url(base.to_owned());
    let token =
        twapi_auth::bearer::parse_token_response(&send(app_auth.token_request().unwrap()).await)
            .unwrap();
    assert_eq!(
        send(app_auth.invalidate_request(&token).unwrap())
            .await
            .status(),
        200
    );
    let show = rq1::UsersShow::of(UserId::new(id(top)));
    assert!(call(base, &show, &app(&facts)).await.is_err());
    put(base, "faults", r#"{"truncated_body": 1}"#).await;

    let response = admin(base, http::Method::POST, "reset", "").await;
    assert_eq!(json(&response)["reset"], true);
    assert_eq!(get(base, &route).await, truth);
    assert_eq!(emulator.follower_ids(id(top)), start);
    assert_eq!(get(base, "usage").await["cost_micros"], 0);
    // The facts' bearer works again; the faults stay as set, their sequence restarted.
    assert_eq!(get(base, "faults").await["truncated_body"], 1.0);
    put(base, "faults", "{}").await;
    assert!(call(base, &show, &app(&facts)).await.is_ok());
    assert_eq!(
        admin(base, http::Method::GET, "reset", "").await.status(),
        405
    );
    emulator.shutdown().await;
}
