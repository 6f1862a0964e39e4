//! Proof of pluggability: a blocking driver over `std::net::TcpStream`, written against the
//! public API of twapi-core alone, walks a cursor to the end against canned pages served on
//! loopback. The driver is the module `driver` below — well under a hundred lines.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use twapi_auth::oauth1::Credentials;
use twapi_core::pager::Pager;
use twapi_core::request::v1::FollowersIds;
use twapi_core::{Api, Auth, UserRef};
use twapi_model::UserId;

/// A minimal HTTP/1.1 client: one request per connection, `Connection: close`.
mod driver {
    use super::{BufRead, BufReader, Read, TcpStream, Write};
    use bytes::Bytes;
    use twapi_core::pager::{Pageable, Pager};
    use twapi_core::{Api, Auth, Error, Stamp, decode_reply};

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

    /// Walks a pager to the end; nonces and timestamps come from a counter here, from the
    /// clock and the OS in a real driver.
    pub(super) fn walk<R: Pageable>(
        api: &Api,
        auth: &Auth,
        mut pager: Pager<R>,
    ) -> Result<Vec<R::Item>, Error> {
        let mut items = Vec::new();
        let mut serial = 0u64;
        while let Some(request) = pager.next_request() {
            serial += 1;
            let nonce = format!("nonce{serial}");
            let stamp = Stamp {
                timestamp: 1_700_000_000 + serial,
                nonce: &nonce,
            };
            let http_request = api.prepare(&request, auth, stamp)?;
            let response = send(&http_request).expect("the canned server answers");
            let reply = decode_reply::<R>(response)?;
            items.extend(pager.handle(reply.into_value()).expect("the pages advance"));
        }
        Ok(items)
    }
}

/// Serves three canned followers/ids pages, one connection each, then stops.
fn canned_server() -> (String, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..3 {
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
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-rate-limit-limit: 15\r\nx-rate-limit-remaining: 14\r\nx-rate-limit-reset: 1700000900\r\ncontent-length: {}\r\n\r\n{body}",
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
    let api = Api::new(&base).unwrap();
    let auth = Auth::oauth1(&Credentials::new("ck", "cs").with_token("12-at", "ats"));
    let pager = Pager::new(FollowersIds::of(UserRef::Id(UserId::new(12))));
    let ids = driver::walk(&api, &auth, pager).unwrap();
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
            "GET /1.1/followers/ids.json?user_id=12&cursor=222 HTTP/1.1",
        ]
    );
}
