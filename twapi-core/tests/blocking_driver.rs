//! Proof of pluggability: a blocking driver over `std::net::TcpStream`, written against the
//! public API of twapi-core alone, walks a cursor to the end against canned pages served on
//! loopback — through the session, so with the limiter, retries and waits: one answer is a
//! 503, which the session retries. The driver is the module `driver` below — well under a
//! hundred lines, of which the loop is a dozen.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use twapi_auth::oauth1::Credentials;
use twapi_core::UserRef;
use twapi_core::pager::Pager;
use twapi_core::request::v1::FollowersIds;
use twapi_core::retry::RetryPolicy;
use twapi_core::session::SessionBuilder;
use twapi_model::UserId;

/// A minimal HTTP/1.1 client: one request per connection, `Connection: close`.
mod driver {
    use super::{BufRead, BufReader, Read, TcpStream, Write};
    use bytes::Bytes;
    use std::time::SystemTime;
    use twapi_core::pager::{Pageable, Pager};
    use twapi_core::session::{Action, CallError, Exchange, Session, Walk, WalkEvent};

    /// Sends one prepared request over plain HTTP and reads the whole answer.
    pub(super) fn send(request: &http::Request<Bytes>) -> std::io::Result<http::Response<Bytes>> {
        let authority = request
            .uri()
            .authority()
            .map_or("", http::uri::Authority::as_str);
        let mut stream = TcpStream::connect(authority)?;
        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
        let mut head = Vec::new();
        write!(
            head,
            "{} {target} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n",
            request.method()
        )?;
        for (name, value) in request.headers() {
            write!(head, "{name}: {}\r\n", value.to_str().unwrap_or_default())?;
        }
        write!(head, "content-length: {}\r\n\r\n", request.body().len())?;
        stream.write_all(&head)?;
        stream.write_all(request.body())?;

        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut response = http::Response::builder().status(status);
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let Some((name, value)) = line.trim_end().split_once(':') else {
                break;
            };
            response = response.header(name.trim(), value.trim());
        }
        let mut body = Vec::new();
        reader.read_to_end(&mut body)?;
        response
            .body(Bytes::from(body))
            .map_err(std::io::Error::other)
    }

    /// Walks a pager to the end through the session: the whole driver loop. Nonces come from
    /// a counter here, from the OS in a real driver.
    pub(super) fn walk<R: Pageable>(
        session: &Session,
        pager: Pager<R>,
    ) -> Result<Vec<R::Item>, CallError> {
        let mut walk = Walk::new(pager);
        let mut items = Vec::new();
        for serial in 0u64.. {
            match walk.poll(session, SystemTime::now(), &format!("nonce{serial}")) {
                Action::Send(request) => match send(&request) {
                    Ok(answer) => walk.handle_response(session, answer, SystemTime::now()),
                    Err(e) => {
                        let error = CallError::Transport(Box::new(e));
                        walk.handle_transport_error(session, error, SystemTime::now());
                    }
                },
                Action::Wait(wait) => {
                    let left = wait.until.duration_since(SystemTime::now());
                    std::thread::sleep(left.unwrap_or_default());
                }
                Action::Output(WalkEvent::Page(page)) => items.extend(page.items),
                Action::Output(WalkEvent::Failed(error)) => return Err(error),
                Action::Output(WalkEvent::End) => break,
            }
        }
        Ok(items)
    }
}

/// Serves three canned followers/ids pages, one connection each, then stops; the first ask for
/// the second page gets a 503.
fn canned_server() -> (String, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let mut seen = Vec::new();
        let mut failed_once = false;
        for _ in 0..4 {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            let (ids, next) = if request_line.contains("cursor=222") {
                ("[5]", "0")
            } else if request_line.contains("cursor=111") {
                ("[3,4]", "222")
            } else {
                ("[1,2]", "111")
            };
            let body = format!(
                r#"{{"ids":{ids},"next_cursor":{next},"next_cursor_str":"{next}","previous_cursor":0,"previous_cursor_str":"0"}}"#
            );
            let status = if request_line.contains("cursor=111") && !failed_once {
                failed_once = true;
                "503 Service Unavailable"
            } else {
                "200 OK"
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-rate-limit-limit: 15\r\nx-rate-limit-remaining: 14\r\nx-rate-limit-reset: 1700000900\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            reader.get_mut().write_all(answer.as_bytes()).unwrap();
            seen.push(request_line.trim_end().to_owned());
        }
        seen
    });
    (base, handle)
}

#[test]
fn a_blocking_driver_walks_a_cursor_to_the_end() {
    let (base, server) = canned_server();
    let session = SessionBuilder::oauth1(&Credentials::new("ck", "cs").with_token("12-at", "ats"))
        .base_url(base)
        .retry_policy(RetryPolicy::new(
            3,
            Duration::from_millis(5),
            Duration::from_millis(5),
        ))
        .build(7)
        .unwrap();
    let pager = Pager::new(FollowersIds::of(UserRef::Id(UserId::new(12))));
    let ids = driver::walk(&session, pager).unwrap();
    assert_eq!(
        ids.iter().map(|id| id.get()).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    let seen = server.join().unwrap();
    assert_eq!(
        seen,
        [
            "GET /1.1/followers/ids.json?user_id=12 HTTP/1.1",
            "GET /1.1/followers/ids.json?user_id=12&cursor=111 HTTP/1.1",
            "GET /1.1/followers/ids.json?user_id=12&cursor=111 HTTP/1.1",
            "GET /1.1/followers/ids.json?user_id=12&cursor=222 HTTP/1.1",
        ]
    );
}
