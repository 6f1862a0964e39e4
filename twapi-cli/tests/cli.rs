//! The `twapi` binary, run as a user runs it, against the emulator: the embedded one (no
//! credentials), or one started by the test with an account that points at it.
#![allow(missing_docs)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

use twapi_emulator::{Config, Emulator};

/// The binary, with its config directory in `dir` and nothing from the environment that
/// would pick credentials.
fn twapi(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twapi"));
    command.env("TWAPI_CONFIG_DIR", dir).current_dir(dir);
    for name in [
        "TWAPI_ACCOUNT",
        "X_CONSUMER_KEY",
        "X_CONSUMER_SECRET",
        "X_ACCESS_TOKEN",
        "X_ACCESS_TOKEN_SECRET",
        "X_CLIENT_SECRET",
    ] {
        command.env_remove(name);
    }
    command.stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("the twapi binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("the output exists")
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect()
}

fn id_of(user: &serde_json::Value) -> u64 {
    match &user["id"] {
        serde_json::Value::String(id) => id.parse().expect("a decimal id"),
        id => id.as_u64().expect("an id"),
    }
}

fn assert_no_duplicate(ids: &[u64]) {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        assert!(seen.insert(*id), "user {id} was written twice");
    }
}

/// The same world the binary embeds (seed 42, 10,000 users), for ground truth.
async fn emulator() -> Emulator {
    Emulator::start(Config {
        users: 10_000,
        ..Config::default()
    })
    .await
    .expect("the emulator starts")
}

/// An account named `emu` acting as the emulator's first plain user, in a credentials file of
/// `mode`.
fn store_account(dir: &Path, emulator: &Emulator, mode: u32) -> PathBuf {
    let facts = emulator.facts();
    let user = facts.user("plain").expect("a plain user");
    let file = serde_json::json!({
        "default": "emu",
        "accounts": { "emu": {
            "base_url": emulator.base_url(),
            "auth": {
                "kind": "oauth1",
                "consumer_key": facts.consumer_key,
                "consumer_secret": facts.consumer_secret,
                "access_token": user.access_token,
                "access_token_secret": user.access_token_secret,
            }
        }}
    });
    let path = dir.join("credentials.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&file).unwrap()).unwrap();
    set_mode(&path, mode);
    path
}

/// What a terminal sends on Ctrl-C: SIGINT.
fn ctrl_c(child: &std::process::Child) {
    let pid = rustix::process::Pid::from_raw(i32::try_from(child.id()).unwrap()).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::INT).expect("SIGINT sent");
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn every_command_documents_itself() {
    let dir = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 14] = [
        &[],
        &["request"],
        &["followers"],
        &["following"],
        &["users"],
        &["search"],
        &["follow"],
        &["unfollow"],
        &["usage"],
        &["auth"],
        &["auth", "add"],
        &["auth", "list"],
        &["auth", "remove"],
        &["emulator"],
    ];
    for command in commands {
        let output = run(twapi(dir.path()).args(command).arg("--help"));
        assert!(
            output.status.success(),
            "{command:?} --help: {}",
            stderr(&output)
        );
        let name = if command.is_empty() {
            "help".to_owned()
        } else {
            format!("help_{}", command.join("_"))
        };
        insta::assert_snapshot!(name, stdout(&output));
    }
}

#[test]
fn crawls_write_one_user_a_line_on_the_embedded_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let followers = run(twapi(dir.path()).args([
        "followers",
        "TwitterDev",
        "--limit",
        "3",
        "--fields",
        "created_at,public_metrics",
    ]));
    assert!(followers.status.success(), "{}", stderr(&followers));
    // The notice that says where the requests went: one line.
    let notice = stderr(&followers);
    assert_eq!(notice.lines().count(), 1, "{notice}");
    assert!(notice.contains("embedded X emulator"), "{notice}");
    insta::assert_snapshot!("followers_jsonl", stdout(&followers));

    let mut users = twapi(dir.path())
        .args(["--emulator", "users", "--fields", "created_at"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        users.stdin.as_mut().unwrap(),
        b"TwitterDev\n@Walrus2481\n1202771814\n",
    )
    .unwrap();
    let users = users.wait_with_output().unwrap();
    assert!(users.status.success(), "{}", stderr(&users));
    insta::assert_snapshot!("users_jsonl", stdout(&users));

    let search = run(twapi(dir.path()).args([
        "search",
        "walrus",
        "--limit",
        "2",
        "--fields",
        "description",
    ]));
    assert!(search.status.success(), "{}", stderr(&search));
    insta::assert_snapshot!("search_jsonl", stdout(&search));

    let pages =
        run(twapi(dir.path()).args(["following", "TwitterDev", "--pages", "--fields", "username"]));
    assert!(pages.status.success(), "{}", stderr(&pages));
    insta::assert_snapshot!("following_pages_jsonl", stdout(&pages));
}

#[test]
fn a_request_is_read_into_its_typed_request_before_it_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let ok = run(twapi(dir.path()).args([
        "request",
        "GET",
        "/2/users/by/username/TwitterDev",
        "user.fields=public_metrics",
    ]));
    assert!(ok.status.success(), "{}", stderr(&ok));
    insta::assert_snapshot!("request_json", stdout(&ok));

    let cases: [(&[&str], &str); 5] = [
        (
            &["GET", "/2/users/by/username/TwitterDev", "user.feilds=x"],
            "does not take user.feilds",
        ),
        (
            &[
                "GET",
                "/1.1/followers/ids.json",
                "screen_name=TwitterDev",
                "count=6000",
            ],
            "count",
        ),
        (&["GET", "/2/nowhere"], "not an endpoint"),
        (&["GET", "/2/users/me", "oops"], "name=value"),
        (&["PUT", "/2/users/me"], "not an endpoint"),
    ];
    for (args, says) in cases {
        let refused = run(twapi(dir.path()).arg("request").args(args));
        assert_eq!(
            refused.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&refused)
        );
        let message = stderr(&refused);
        assert!(message.contains(says), "{args:?}: {message}");
    }
}

#[test]
fn a_crawl_interrupted_with_sigint_and_run_again_equals_the_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("followers.jsonl");
    let state = dir.path().join("followers.state");
    // v1.1's followers/list allows 15 requests a window: with pages of 20, the 16th page waits
    // for the window (15 s on the embedded emulator), and the run is interrupted there.
    let crawl = |command: &mut Command| {
        command.args([
            "followers",
            "TwitterDev",
            "--v1",
            "--page-size",
            "20",
            "--limit",
            "400",
            "-o",
            "followers.jsonl",
            "--state",
            "followers.state",
        ]);
    };
    let mut first = twapi(dir.path());
    crawl(&mut first);
    let child = first.stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    loop {
        let written = std::fs::read(&state)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .and_then(|s| s["lines"].as_u64())
            .unwrap_or(0);
        if written >= 300 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the crawl did not progress"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    ctrl_c(&child);
    let first = child.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(130), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("run the same command again"),
        "{}",
        stderr(&first)
    );
    let partial = lines(&out).len();
    assert!(
        (300..400).contains(&partial),
        "{partial} lines after the interruption"
    );

    let mut again = twapi(dir.path());
    crawl(&mut again);
    let second = run(&mut again);
    assert!(second.status.success(), "{}", stderr(&second));

    let ids: Vec<u64> = lines(&out).iter().map(id_of).collect();
    assert_no_duplicate(&ids);
    let truth = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let emulator = emulator().await;
        let twitter_dev = emulator
            .facts()
            .user("most_followed")
            .unwrap()
            .user_id()
            .get();
        emulator.follower_ids(twitter_dev)
    });
    assert_eq!(ids, truth[..400]);

    // Run once more: the crawl is complete, nothing is fetched or written.
    let mut third = twapi(dir.path());
    crawl(&mut third);
    let third = run(&mut third);
    assert!(third.status.success());
    assert!(stderr(&third).contains("complete"), "{}", stderr(&third));
    assert_eq!(lines(&out).len(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_stops_the_crawl_within_it_and_a_larger_one_finishes_it() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    store_account(dir.path(), &emulator, 0o600);
    let crawl = |budget: &str| {
        let mut command = twapi(dir.path());
        command.args([
            "followers",
            "TwitterDev",
            "-o",
            "f.jsonl",
            "--state",
            "f.state",
            "--max-cost",
            budget,
        ]);
        command
    };
    let stopped = tokio::task::block_in_place(|| run(&mut crawl("1.00")));
    assert_eq!(stopped.status.code(), Some(5), "{}", stderr(&stopped));
    assert!(
        stderr(&stopped).contains("--max-cost"),
        "{}",
        stderr(&stopped)
    );
    // X's bill, as the emulator meters it: the account's look-up and the users, each once.
    let billed = emulator.usage();
    assert!(
        billed.cost <= twapi_core::cost::Cost::from_dollars(1),
        "the emulator billed {}",
        billed.cost
    );
    assert!(
        billed.cost >= twapi_core::cost::Cost::from_cents(90),
        "{}",
        billed.cost
    );
    let partial = lines(&dir.path().join("f.jsonl")).len();
    assert_eq!(billed.resources, partial as u64 + 1);

    let finished = tokio::task::block_in_place(|| run(&mut crawl("100")));
    assert!(finished.status.success(), "{}", stderr(&finished));
    let ids: Vec<u64> = lines(&dir.path().join("f.jsonl"))
        .iter()
        .map(id_of)
        .collect();
    assert_no_duplicate(&ids);
    let twitter_dev = emulator
        .facts()
        .user("most_followed")
        .unwrap()
        .user_id()
        .get();
    assert_eq!(ids, emulator.follower_ids(twitter_dev));
    // Nobody was billed twice: the resumed run fetched nothing the first one had.
    assert_eq!(emulator.usage().returned, ids.len() as u64 + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credentials_file_others_may_read_is_refused() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let path = store_account(dir.path(), &emulator, 0o644);
    let refused = tokio::task::block_in_place(|| run(twapi(dir.path()).arg("usage")));
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        message.contains("may be read by others") && message.contains("chmod 600"),
        "{message}"
    );

    set_mode(&path, 0o600);
    let used = tokio::task::block_in_place(|| {
        run(twapi(dir.path()).args(["request", "GET", "/2/users/me"]))
    });
    assert!(used.status.success(), "{}", stderr(&used));
    let plain = &emulator.facts().user("plain").unwrap().screen_name;
    assert!(stdout(&used).contains(plain.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pkce_listener_receives_the_emulators_redirect_and_no_secret_is_ever_printed() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = twapi(dir.path())
        .args([
            "--base-url",
            emulator.base_url(),
            "auth",
            "add",
            "me",
            "--oauth2",
            "--client-id",
            &emulator.facts().oauth2_client_id,
            "--redirect-uri",
            "http://127.0.0.1:0/callback",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let authorize_url = first_line(&mut child);
    assert!(
        authorize_url.starts_with(&format!("{}/i/oauth2/authorize?", emulator.base_url())),
        "{authorize_url}"
    );
    // The browser: the authorize page approves and redirects to the listener, which answers.
    let page = tokio::task::spawn_blocking(move || {
        let mut response = ureq::get(&authorize_url)
            .call()
            .expect("the redirect is followed");
        response.body_mut().read_to_string().unwrap()
    })
    .await
    .unwrap();
    assert!(page.contains("twapi received the authorization"), "{page}");
    let added = tokio::task::block_in_place(|| child.wait_with_output().unwrap());
    assert!(added.status.success(), "{}", stderr(&added));

    let path = dir.path().join("credentials.json");
    assert_eq!(mode_of(&path), 0o600);
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let auth = &stored["accounts"]["me"]["auth"];
    assert_eq!(auth["kind"], "oauth2");
    let token = auth["access_token"].as_str().unwrap().to_owned();

    let me = tokio::task::block_in_place(|| {
        run(twapi(dir.path()).args(["-v", "request", "GET", "/2/users/me"]))
    });
    assert!(me.status.success(), "{}", stderr(&me));
    let plain = &emulator.facts().user("plain").unwrap().screen_name;
    assert!(stdout(&me).contains(plain.as_str()), "{}", stdout(&me));
    let listed =
        tokio::task::block_in_place(|| run(twapi(dir.path()).args(["-v", "auth", "list"])));
    assert!(
        stdout(&listed).contains("me: oauth2"),
        "{}",
        stdout(&listed)
    );
    for output in [&added, &me, &listed] {
        for text in [stdout(output), stderr(output)] {
            assert!(
                !text.contains(&token),
                "the access token was printed: {text}"
            );
        }
    }

    // An expired token is refreshed before the request, and the new one stored.
    let mut expired = stored.clone();
    expired["accounts"]["me"]["auth"]["expires_at"] = 1.into();
    std::fs::write(&path, serde_json::to_vec(&expired).unwrap()).unwrap();
    let refreshed = tokio::task::block_in_place(|| {
        run(twapi(dir.path()).args(["request", "GET", "/2/users/me"]))
    });
    assert!(refreshed.status.success(), "{}", stderr(&refreshed));
    assert_eq!(mode_of(&path), 0o600);
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let auth = &stored["accounts"]["me"]["auth"];
    assert_ne!(auth["access_token"].as_str().unwrap(), token);
    assert!(auth["expires_at"].as_u64().unwrap() > 1);
}

/// `twapi auth add NAME --oauth1` against `emulator`, its standard streams piped: the PIN
/// flow, since no access token is in the environment.
fn add_oauth1(dir: &Path, emulator: &Emulator, name: &str) -> std::process::Child {
    let facts = emulator.facts();
    twapi(dir)
        .args([
            "--base-url",
            emulator.base_url(),
            "auth",
            "add",
            name,
            "--oauth1",
        ])
        .args(["--consumer-key", &facts.consumer_key])
        .env("X_CONSUMER_SECRET", &facts.consumer_secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The first line a child writes on its standard output (the URL to open), trimmed.
fn first_line(child: &mut std::process::Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim().to_owned()
}

/// The OAuth 1.0a PIN flow as a user runs it: the binary prints the authorize URL, the user
/// opens it (here over HTTP), reads the PIN on the page and types it; the stored account then
/// makes signed requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oauth1_pin_flow_stores_an_account_that_signs_requests() {
    use std::io::Write as _;

    let emulator = emulator().await;
    let facts = emulator.facts();
    let dir = tempfile::tempdir().unwrap();
    let mut child = add_oauth1(dir.path(), &emulator, "pin");
    let authorize_url = first_line(&mut child);
    assert!(
        authorize_url.starts_with(&format!(
            "{}/oauth/authorize?oauth_token=",
            emulator.base_url()
        )),
        "{authorize_url}"
    );
    // The user: opens the page, reads the PIN, types it.
    let page = tokio::task::spawn_blocking(move || {
        ureq::get(&authorize_url)
            .call()
            .expect("the authorize page answers")
            .body_mut()
            .read_to_string()
            .unwrap()
    })
    .await
    .unwrap();
    let pin = page
        .split_once("<div id=\"oauth_pin\">")
        .and_then(|(_, rest)| rest.split_once("<code>"))
        .and_then(|(_, rest)| rest.split_once("</code>"))
        .map_or_else(
            || panic!("no PIN on the page: {page}"),
            |(pin, _)| pin.to_owned(),
        );
    writeln!(child.stdin.take().unwrap(), "{pin}").unwrap();
    let added = tokio::task::block_in_place(|| child.wait_with_output().unwrap());
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(
        stderr(&added).contains("added pin (oauth1"),
        "{}",
        stderr(&added)
    );

    let path = dir.path().join("credentials.json");
    assert_eq!(mode_of(&path), 0o600);
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let account = &stored["accounts"]["pin"];
    let plain = facts.user("plain").unwrap();
    assert_eq!(account["auth"]["kind"], "oauth1");
    assert_eq!(account["auth"]["access_token"], plain.access_token.as_str());
    assert_eq!(account["username"], plain.screen_name.as_str());

    // The stored account signs a v2 and a v1.1 request as that user.
    let me = tokio::task::block_in_place(|| {
        run(twapi(dir.path()).args(["request", "GET", "/2/users/me"]))
    });
    assert!(me.status.success(), "{}", stderr(&me));
    assert!(
        stdout(&me).contains(plain.screen_name.as_str()),
        "{}",
        stdout(&me)
    );
    let ids = tokio::task::block_in_place(|| {
        run(twapi(dir.path()).args([
            "request",
            "GET",
            "/1.1/followers/ids.json",
            &format!("user_id={}", plain.id),
        ]))
    });
    assert!(ids.status.success(), "{}", stderr(&ids));

    // A mistyped PIN: X's reason is told, nothing is stored, and the request token is spent.
    let mut child = add_oauth1(dir.path(), &emulator, "typo");
    first_line(&mut child);
    writeln!(child.stdin.take().unwrap(), "not-the-pin").unwrap();
    let refused = tokio::task::block_in_place(|| child.wait_with_output().unwrap());
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("Invalid oauth_verifier parameter"),
        "{}",
        stderr(&refused)
    );
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(stored["accounts"].get("typo").is_none());

    for output in [&added, &me, &ids, &refused] {
        for text in [stdout(output), stderr(output)] {
            assert!(
                !text.contains(&plain.access_token_secret)
                    && !text.contains(&facts.consumer_secret),
                "a secret was printed: {text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_only_bearer_is_obtained_from_the_key_and_secret() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let facts = emulator.facts();
    let added = tokio::task::block_in_place(|| {
        run(twapi(dir.path())
            .args([
                "--base-url",
                emulator.base_url(),
                "auth",
                "add",
                "app",
                "--bearer",
            ])
            .env("X_CONSUMER_KEY", &facts.consumer_key)
            .env("X_CONSUMER_SECRET", &facts.consumer_secret))
    });
    assert!(added.status.success(), "{}", stderr(&added));
    let listed = tokio::task::block_in_place(|| run(twapi(dir.path()).args(["auth", "list"])));
    assert_eq!(
        stdout(&listed).trim(),
        format!("* app: app-only bearer at {}", emulator.base_url())
    );
    let found = tokio::task::block_in_place(|| {
        run(twapi(dir.path()).args(["request", "GET", "/2/users/by/username/TwitterDev"]))
    });
    assert!(found.status.success(), "{}", stderr(&found));
    assert!(
        stdout(&found).contains("\"username\":\"TwitterDev\""),
        "{}",
        stdout(&found)
    );
    // App-only cannot act as a user: refused before sending, exit code 2, in one sentence.
    let me = tokio::task::block_in_place(|| {
        run(twapi(dir.path()).args(["request", "GET", "/2/users/me"]))
    });
    assert_eq!(me.status.code(), Some(2), "{}", stderr(&me));
    assert_eq!(stderr(&me).lines().count(), 1, "{}", stderr(&me));
    // X's refusal (a suspended account) is exit code 3, in one sentence.
    let suspended = &facts.user("suspended").unwrap().screen_name;
    let refused = tokio::task::block_in_place(|| {
        run(twapi(dir.path()).args(["followers", suspended.as_str(), "--limit", "1"]))
    });
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert_eq!(stderr(&refused).lines().count(), 1, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("suspended"),
        "{}",
        stderr(&refused)
    );
    for text in [
        stdout(&added),
        stderr(&added),
        stdout(&listed),
        stdout(&found),
        stderr(&found),
    ] {
        assert!(!text.contains(&facts.consumer_secret) && !text.contains(&facts.bearer_token));
    }
    let removed =
        tokio::task::block_in_place(|| run(twapi(dir.path()).args(["auth", "remove", "app"])));
    assert!(removed.status.success());
    let listed = tokio::task::block_in_place(|| run(twapi(dir.path()).args(["auth", "list"])));
    assert_eq!(stdout(&listed), "");
}

#[test]
fn a_rate_limit_without_waiting_is_exit_code_4_and_the_crawl_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let crawl = || {
        let mut command = twapi(dir.path());
        command.args([
            "--no-wait",
            "followers",
            "TwitterDev",
            "--v1",
            "--page-size",
            "20",
            "--limit",
            "320",
            "-o",
            "f.jsonl",
            "--state",
            "f.state",
        ]);
        command
    };
    let limited = run(&mut crawl());
    assert_eq!(limited.status.code(), Some(4), "{}", stderr(&limited));
    assert!(
        stderr(&limited).contains("run the same command again"),
        "{}",
        stderr(&limited)
    );
    assert_eq!(lines(&dir.path().join("f.jsonl")).len(), 300);
}

#[test]
fn follow_and_unfollow_show_the_daily_cap_and_usage_shows_the_day() {
    let dir = tempfile::tempdir().unwrap();
    let json = |output: &Output| -> serde_json::Value {
        assert!(output.status.success(), "{}", stderr(output));
        serde_json::from_slice(&output.stdout).expect("JSON when stdout is not a terminal")
    };
    let followed = json(&run(twapi(dir.path()).args(["follow", "@TwitterDev"])));
    assert_eq!(followed["result"], "now following @TwitterDev");
    assert_eq!(followed["daily_cap"]["bucket"], "follows");
    assert!(
        followed["daily_cap"]["left"]
            .as_str()
            .unwrap()
            .contains(" of 400 left"),
        "{followed}"
    );
    // The protected demo account gets a pending request.
    let protected = json(&run(twapi(dir.path()).args(["follow", "grove_4439"])));
    assert!(
        protected["result"]
            .as_str()
            .unwrap()
            .contains("pending approval"),
        "{protected}"
    );
    let unfollowed = json(&run(twapi(dir.path()).args(["unfollow", "TwitterDev"])));
    assert!(
        unfollowed["result"]
            .as_str()
            .unwrap()
            .starts_with("not following"),
        "{unfollowed}"
    );
    assert_eq!(unfollowed["daily_cap"]["bucket"], "unfollows");

    // The day so far, kept between runs: three look-ups of a user and two billed writes at
    // least, and the follow cap's window.
    let usage = json(&run(twapi(dir.path()).arg("usage")));
    assert!(usage["today"]["requests"].as_u64().unwrap() >= 2, "{usage}");
    let budgets: Vec<&str> = usage["rate_limits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["budget"].as_str())
        .collect();
    assert!(budgets.contains(&"follow (24-hour cap)"), "{budgets:?}");
}

#[test]
fn twapi_emulator_serves_one_for_other_programs_until_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = twapi(dir.path())
        .args(["emulator", "--listen", "127.0.0.1:0", "--users", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let facts: serde_json::Value = serde_json::from_str(&line).expect("the facts, one JSON line");
    let base_url = facts["base_url"].as_str().unwrap().to_owned();
    // Another program asks it for the app-only bearer with the printed key and secret.
    let token = ureq::post(format!("{base_url}/oauth2/token"))
        .header(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    facts["consumer_key"].as_str().unwrap(),
                    facts["consumer_secret"].as_str().unwrap()
                ))
            ),
        )
        .content_type("application/x-www-form-urlencoded;charset=UTF-8")
        .send("grant_type=client_credentials")
        .expect("the emulator answers")
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(token.contains("\"token_type\":\"bearer\""), "{token}");
    ctrl_c(&child);
    assert!(child.wait().unwrap().success());
}
