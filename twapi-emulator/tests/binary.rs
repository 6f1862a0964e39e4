//! The binary: exactly one JSON line of facts on stdout, one log line per request on stderr,
//! usage errors refused; and (ignored, run in release) the start-up of a million users.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_twapi-emulator");

/// A running binary, killed when dropped (also when a test fails half-way).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> Running {
    Running(
        Command::new(BINARY)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs"),
    )
}

/// One plain HTTP GET, answered with the status code and body.
fn get(base: &str, target: &str, bearer: &str) -> (u16, String) {
    let authority = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nhost: {authority}\r\nauthorization: Bearer {bearer}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[test]
fn prints_one_json_line_and_logs_each_request() {
    let mut child = spawn(&["--listen", "127.0.0.1:0", "--seed", "5", "--users", "300"]);
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let facts: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    let mut keys: Vec<&str> = facts
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "base_url",
            "bearer_token",
            "consumer_key",
            "consumer_secret",
            "oauth2_client_id",
            "users"
        ]
    );
    let users = facts["users"].as_array().unwrap();
    let roles: Vec<&str> = users.iter().map(|u| u["role"].as_str().unwrap()).collect();
    assert_eq!(
        roles,
        [
            "most_followed",
            "protected",
            "suspended",
            "plain",
            "plain",
            "plain",
            "blocker",
            "organisation",
            "organisation",
            "organisation"
        ]
    );
    for user in users {
        let token = user["access_token"].as_str().unwrap();
        assert!(token.starts_with(&format!("{}-", user["id"].as_str().unwrap())));
        assert!(user["screen_name"].is_string() && user["followers"].is_u64());
        assert!(user["access_token_secret"].is_string());
    }

    // Log lines arrive on stderr as requests are served.
    let (lines, received) = mpsc::channel();
    let stderr = child.0.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let base = facts["base_url"].as_str().unwrap();
    let bearer = facts["bearer_token"].as_str().unwrap();
    let top = users[0]["id"].as_str().unwrap();
    let (status, body) = get(base, &format!("/1.1/users/show.json?user_id={top}"), bearer);
    assert_eq!(status, 200, "{body}");
    let expected = "GET /1.1/users/show.json 200 user=app";
    let logged = std::iter::from_fn(|| received.recv_timeout(Duration::from_secs(20)).ok())
        .any(|line| line.starts_with(expected));
    assert!(logged, "a log line starting {expected:?}");

    drop(child);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "exactly one line on stdout");
}

#[test]
fn quiet_means_no_log_and_bad_flags_are_refused() {
    let output = Command::new(BINARY)
        .args(["--users", "many"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: twapi-emulator"));
    let output = Command::new(BINARY)
        .args(["--users", "3"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("users must be from"));

    let mut child = spawn(&["--users", "100", "--quiet"]);
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut stderr_pipe = child.0.stderr.take().unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let facts: serde_json::Value = serde_json::from_str(&line).unwrap();
    let (status, _) = get(facts["base_url"].as_str().unwrap(), "/nope", "x");
    assert_eq!(status, 404);
    drop(child);
    let mut stderr = String::new();
    stderr_pipe.read_to_string(&mut stderr).unwrap();
    assert_eq!(stderr, "");
}

/// The resident set size of a process, from `/proc` (Linux), in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A measurement, not a check: run with
/// `cargo test --release -p twapi-emulator --test binary -- --ignored --nocapture`.
#[test]
#[ignore = "a release-mode measurement of start-up time and memory"]
fn measure_start_up() {
    for users in ["10000", "1000000"] {
        let started = Instant::now();
        let mut child = spawn(&["--users", users, "--quiet"]);
        let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let elapsed = started.elapsed();
        let facts: serde_json::Value = serde_json::from_str(&line).unwrap();
        let rss = rss_kib(child.0.id()).unwrap_or(0);
        let base = facts["base_url"].as_str().unwrap();
        let bearer = facts["bearer_token"].as_str().unwrap();
        let top = facts["users"][0]["id"].as_str().unwrap();
        let target = format!("/1.1/users/show.json?user_id={top}");
        // Within the app-only window of users/show (900 requests).
        let requests = 800;
        let timed = Instant::now();
        for _ in 0..requests {
            assert_eq!(get(base, &target, bearer).0, 200);
        }
        let per_second = f64::from(requests) / timed.elapsed().as_secs_f64();
        println!(
            "{users} users: ready in {elapsed:?}, RSS {} MiB, top account {} followers, users/show {per_second:.0} req/s (one connection each, sequential)",
            rss / 1024,
            facts["users"][0]["followers"]
        );
        drop(child);
    }
}

#[test]
fn with_tls_the_facts_name_the_written_authority() {
    let dir = std::env::temp_dir().join(format!("twapi-emulator-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let ca_text = ca.to_str().unwrap();
    let mut child = spawn(&["--users", "100", "--quiet", "--tls", "--ca-file", ca_text]);
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let facts: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    assert!(
        facts["base_url"]
            .as_str()
            .unwrap()
            .starts_with("https://127.0.0.1:")
    );
    assert_eq!(facts["ca_file"], ca_text);
    let pem = std::fs::read_to_string(&ca).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    drop(child);
    // A file the user named stays.
    assert!(ca.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
