//! What the client's spans say about a request, and that they never say a secret: one
//! followers/ids call to the embedded emulator, under a subscriber that writes every span's and
//! event's fields as text.
//!
//! The subscriber is process-wide, and this file holds one test, for a reason: `tracing`
//! caches per call site whether anyone listens. A subscriber set for one thread only
//! (`set_default`) can miss a call site that another test's thread was registering at the same
//! moment, and then sees nothing from it, which made this test fail now and then while it
//! shared a process with the transport's other tests.

use twapi_core::UserRef;
use twapi_core::request::v1::FollowersIds;
use twapi_emulator::{Config, Emulator};
use twapi_hyper::ClientBuilder;

/// Writes every span's and event's fields as text, to check what the client logs.
mod recorder {
    use std::fmt::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Clone, Default)]
    pub(super) struct Recorder {
        pub(super) text: Arc<Mutex<String>>,
        next: Arc<AtomicU64>,
    }

    struct Line<'a>(&'a mut String);

    impl Visit for Line<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    impl Recorder {
        fn write(&self, head: &str, visit: impl FnOnce(&mut Line<'_>)) {
            let mut text = self.text.lock().expect("not poisoned");
            text.push_str(head);
            visit(&mut Line(&mut text));
            text.push('\n');
        }
    }

    impl Subscriber for Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            self.write(&format!("span {}:", span.metadata().name()), |line| {
                span.record(line);
            });
            Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) + 1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            self.write("record:", |line| values.record(line));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            self.write("event:", |line| event.record(line));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test]
async fn spans_name_the_endpoint_status_and_budget_and_never_a_secret() {
    let recorder = recorder::Recorder::default();
    tracing::dispatcher::set_global_default(tracing::Dispatch::new(recorder.clone()))
        .expect("the only subscriber of this process");
    let emulator = Emulator::start(Config::default())
        .await
        .expect("the emulator starts");
    let facts = emulator.facts();
    let user = facts.user("plain").expect("a plain demo user");
    let credentials = facts.credentials(user);
    let client = ClientBuilder::oauth1(&credentials)
        .base_url(emulator.base_url())
        .build()
        .expect("a client");
    let id = user.user_id();
    client
        .send(&FollowersIds::of(UserRef::Id(id)))
        .await
        .expect("a page");
    let text = recorder.text.lock().expect("not poisoned").clone();
    assert!(
        text.contains("span x_request: endpoint=\"followers_ids\" attempt=1"),
        "{text}"
    );
    assert!(text.contains("status=200"), "{text}");
    // followers/ids allows 15 calls a window: this was the first.
    assert!(text.contains("remaining=14"), "{text}");
    for secret in [
        facts.consumer_secret.as_str(),
        user.access_token.as_str(),
        user.access_token_secret.as_str(),
        "oauth_signature",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
