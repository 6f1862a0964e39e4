//! The X service behind the HTTP layer: routes a request to an endpoint of twapi-core's
//! table, then runs X's checks in X's order, then the endpoint.
//!
//! 1. the path and method name an endpoint, or it is 404 code 34 (the token endpoints of
//!    OAuth 2.0, the 3-legged OAuth 1.0a flow ([`crate::three_legged`]) and the admin API,
//!    [`crate::admin`], are served before this); a v2 path is
//!    matched by its structure, whatever the shape of its parameters ([`crate::shapes`]);
//! 2. an injected fault may answer instead ([`crate::faults`]);
//! 3. the query and a form body decode, or it is 400;
//! 4. the caller authenticates ([`crate::auth`]), or it is 400/401;
//! 5. the endpoint accepts the caller's auth mode, or it is 403 (code 220 /
//!    `unsupported-authentication`);
//! 6. the endpoint's 15-minute window has room, or it is 429 (a window's headers go on every
//!    answer after this point);
//! 7. the path parameters have their documented shape, the query names only parameters the
//!    endpoint takes (v2), and the typed request reads ([`ServerRequest::read`]), or it is 400;
//! 8. the endpoint runs ([`crate::routes`], [`crate::v1`], [`crate::v2`]).
//!
//! Locks: the graph and the daily caps share one `RwLock` (a follow checks the cap and
//! changes the graph under one write lock, so under any concurrency no follow is lost or
//! applied twice and no cap is exceeded); the windows, the token store and the fault dice
//! each have a `Mutex` of their own, held only for a few operations. A reset or a change of
//! timing takes the world's lock first, then the others one at a time.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime};

use http::Method;
use twapi_core::cost::{Meter, Usage};
use twapi_core::endpoint::{EndpointId, LimitsProfile, PathParam, PathParams};
use twapi_core::error_code::ErrorCode;
use twapi_core::request::server::IncomingRequest;
#[cfg(doc)]
use twapi_core::request::server::ServerRequest;

use crate::admin;
use crate::answer::Answer;
use crate::auth::{self, AuthFailure, Caller, Received};
use crate::clock;
use crate::credentials::AppCredentials;
use crate::cursor::Codec;
use crate::demo::Cast;
use crate::directory::Directory;
use crate::errors;
use crate::faults::{Delivery, Dice, Fault, Faults};
use crate::graph::Graph;
use crate::limits::{DailyCaps, Subject, Windows};
use crate::oauth2::Tokens;
use crate::orgs::Organisations;
use crate::routes;
use crate::shapes;
use crate::three_legged::RequestTokens;

/// How long the emulator's windows and daily caps last, and whose limits the windows count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// The length of X's 15-minute rate-limit windows.
    pub window: Duration,
    /// The length of the 24-hour follow and unfollow caps.
    pub day: Duration,
    /// Whose documented 15-minute limits the windows count.
    pub limits: LimitsProfile,
}

/// Which list of a user's the ground truth is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroundTruth {
    /// Who follows them.
    Followers,
    /// Whom they follow.
    Following,
    /// An organisation's affiliates.
    Affiliates,
}

/// A request as received, its body read whole.
#[derive(Debug)]
pub(crate) struct Incoming {
    /// The request, its URI as the client wrote it (origin form, or absolute over HTTP/2).
    pub(crate) request: http::Request<bytes::Bytes>,
    /// `host[:port]` as the client addressed the server: HTTP/2's `:authority`, or the
    /// authority of an absolute-form target, or the `Host` header.
    pub(crate) authority: Option<String>,
    /// `http`, or `https` under `--tls`: the scheme OAuth 1.0a signatures are checked with.
    pub(crate) scheme: &'static str,
}

/// The part of the world that requests change: the graph and the daily caps, under one lock.
#[derive(Debug)]
pub(crate) struct World {
    /// Who follows whom.
    pub(crate) graph: Graph,
    /// The 24-hour follow and unfollow budgets.
    pub(crate) daily: DailyCaps,
}

/// Everything the service needs, shared by all connections.
#[derive(Debug)]
pub(crate) struct Service {
    pub(crate) dir: Directory,
    pub(crate) app: AppCredentials,
    pub(crate) codec: Codec,
    /// The organisation accounts and their affiliates (fixed for the run).
    pub(crate) orgs: Organisations,
    /// The windows' and caps' lengths and profile (changed through the admin API).
    timing: Mutex<Timing>,
    world: RwLock<World>,
    windows: Mutex<Windows>,
    tokens: Mutex<Tokens>,
    /// The 3-legged OAuth 1.0a flow's request tokens.
    request_tokens: Mutex<RequestTokens>,
    dice: Mutex<Dice>,
    /// What X would bill for the UTC day: twapi-core's meter and price table, as the clients
    /// meter (see `GET /_emulator/usage`).
    meter: Mutex<Meter>,
    /// The user who approves OAuth 2.0 and 3-legged OAuth 1.0a authorizations unless `login`
    /// names another.
    default_login: u32,
    /// No log lines.
    pub(crate) quiet: bool,
    /// A refused OAuth 1.0a signature's body carries what the emulator computed.
    explain_auth: bool,
}

/// What the service decided for one request.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The answer.
    pub(crate) answer: Answer,
    /// How to deliver it.
    pub(crate) delivery: Delivery,
    /// The authenticated user's id, for the log.
    pub(crate) user: Option<u64>,
    /// Whether the caller was the app (for the log).
    pub(crate) app: bool,
}

impl Outcome {
    fn plain(answer: Answer) -> Self {
        Self {
            answer,
            delivery: Delivery::Whole,
            user: None,
            app: false,
        }
    }
}

/// One request's context, handed to the endpoint code.
pub(crate) struct Ctx<'a> {
    /// The service.
    pub(crate) service: &'a Service,
    /// Who is calling.
    pub(crate) caller: Caller,
    /// The time the request is served at.
    pub(crate) now: SystemTime,
    /// The request path (without query), for error bodies that echo it.
    pub(crate) path: &'a str,
    /// Whether the path's `:id` is the calling user: an owned read, billed at its price.
    pub(crate) owned: bool,
}

impl Ctx<'_> {
    /// The graph, for reading.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, World> {
        self.service
            .world
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The graph, for changing.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, World> {
        self.service
            .world
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The user table.
    pub(crate) fn dir(&self) -> &Directory {
        &self.service.dir
    }

    /// The cursor and token codec.
    pub(crate) fn codec(&self) -> &Codec {
        &self.service.codec
    }

    /// The organisations and their affiliates.
    pub(crate) fn orgs(&self) -> &Organisations {
        &self.service.orgs
    }

    /// The calling user, in user context.
    pub(crate) fn viewer(&self) -> Option<u32> {
        self.caller.user()
    }
}

/// What authentication looks at in `arrived`, addressed to `authority`: a form body's
/// parameters are signed, any other body is not.
fn received<'a>(arrived: &'a Incoming, authority: &'a str) -> Received<'a> {
    let request = &arrived.request;
    let is_form = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    Received {
        method: request.method().as_str(),
        scheme: arrived.scheme,
        authority,
        target,
        form_body: is_form.then(|| request.body().as_ref()),
        authorization: request.headers().get(http::header::AUTHORIZATION),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The settings a service is built with.
#[derive(Debug)]
pub(crate) struct Setup {
    pub(crate) dir: Directory,
    pub(crate) graph: Graph,
    pub(crate) window: Duration,
    pub(crate) day: Duration,
    pub(crate) faults: Faults,
    pub(crate) orgs: Organisations,
    pub(crate) limits: LimitsProfile,
    pub(crate) default_login: u32,
    pub(crate) quiet: bool,
    pub(crate) explain_auth: bool,
}

impl Service {
    /// A service over a generated world.
    pub(crate) fn new(setup: Setup) -> Self {
        let seed = setup.dir.seed();
        let app = AppCredentials::derive(seed);
        let tokens = Tokens::new(seed, &app);
        Self {
            codec: Codec::new(seed),
            tokens: Mutex::new(tokens),
            request_tokens: Mutex::new(RequestTokens::new(seed)),
            app,
            dir: setup.dir,
            orgs: setup.orgs,
            timing: Mutex::new(Timing {
                window: setup.window,
                day: setup.day,
                limits: setup.limits,
            }),
            world: RwLock::new(World {
                graph: setup.graph,
                daily: DailyCaps::new(setup.day),
            }),
            windows: Mutex::new(Windows::new(setup.window)),
            dice: Mutex::new(Dice::new(setup.faults)),
            meter: Mutex::new(Meter::new()),
            default_login: setup.default_login,
            quiet: setup.quiet,
            explain_auth: setup.explain_auth,
        }
    }

    /// The current app-only bearer token.
    pub(crate) fn app_bearer(&self) -> String {
        lock(&self.tokens).app_bearer().to_owned()
    }

    /// Replaces the fault configuration (and restarts its sequence).
    pub(crate) fn set_faults(&self, faults: Faults) {
        *lock(&self.dice) = Dice::new(faults);
    }

    /// The fault configuration.
    pub(crate) fn faults(&self) -> Faults {
        lock(&self.dice).faults().clone()
    }

    /// The windows' and caps' lengths and profile.
    pub(crate) fn timing(&self) -> Timing {
        *lock(&self.timing)
    }

    /// New lengths or profile: every window and daily cap starts counting afresh.
    pub(crate) fn set_timing(&self, timing: Timing) {
        let mut world = self.world.write().unwrap_or_else(PoisonError::into_inner);
        let mut windows = lock(&self.windows);
        *lock(&self.timing) = timing;
        *windows = Windows::new(timing.window);
        world.daily = DailyCaps::new(timing.day);
    }

    /// The world as it was at start: the graph built again from the seed, the windows and
    /// daily caps empty, the tokens of the first start (the facts' bearer token valid again,
    /// OAuth 2.0 user tokens gone), the meter at zero and the fault sequence restarted.
    /// Takes about as long as building the graph took at start.
    pub(crate) fn reset(&self) {
        let mut graph = Graph::generate(&self.dir);
        Cast::choose(&self.dir).stage(&self.dir, &mut graph);
        let mut world = self.world.write().unwrap_or_else(PoisonError::into_inner);
        let timing = self.timing();
        *world = World {
            graph,
            daily: DailyCaps::new(timing.day),
        };
        *lock(&self.windows) = Windows::new(timing.window);
        *lock(&self.tokens) = Tokens::new(self.dir.seed(), &self.app);
        *lock(&self.request_tokens) = RequestTokens::new(self.dir.seed());
        *lock(&self.meter) = Meter::new();
        let faults = self.faults();
        self.set_faults(faults);
    }

    /// Ground truth for tests: `list` of the user with id `user`, in the order the API lists
    /// it (newest first); `None` for an id the emulator does not have.
    pub(crate) fn ground_truth(&self, user: u64, list: GroundTruth) -> Option<Vec<u64>> {
        let index = self.dir.by_id(user)?;
        let world = self.world();
        let indices = match list {
            GroundTruth::Followers => world.graph.followers(index),
            GroundTruth::Following => world.graph.following(index),
            GroundTruth::Affiliates => self.orgs.affiliates(index),
        };
        Some(indices.iter().rev().map(|&u| self.dir.id(u)).collect())
    }

    /// What X would bill for the UTC day so far.
    pub(crate) fn usage(&self) -> Usage {
        lock(&self.meter).usage_at(clock::now())
    }

    /// An OAuth 2.0 user access token for the user at `index`, with `scope` (see
    /// `Emulator::oauth2_user_token`).
    pub(crate) fn grant_oauth2(&self, index: u32, scope: &str) -> String {
        lock(&self.tokens).grant(index, scope, clock::now())
    }

    /// The day's meter as it stands.
    pub(crate) fn meter(&self) -> Meter {
        lock(&self.meter).clone()
    }

    /// Meters a successful answer of `endpoint` (see [`Meter::record_payload`]).
    pub(crate) fn bill<T: twapi_core::Payload>(
        &self,
        endpoint: EndpointId,
        payload: &T,
        owned: bool,
        now: SystemTime,
    ) {
        lock(&self.meter).record_payload(endpoint, payload, owned, now);
    }

    /// Reads the world (for the library's ground-truth accessors).
    pub(crate) fn world(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers one request. `local` is the server's own address, for requests without `Host`.
    pub(crate) async fn serve(&self, incoming: &Incoming, local: &str) -> Outcome {
        let request = &incoming.request;
        let path = request.uri().path();
        let now = clock::now();
        let method = request.method();
        let body = request.body();
        let query = request.uri().query().unwrap_or_default().as_bytes();
        match (method, path) {
            (&Method::POST, "/oauth2/token") => {
                let tokens = lock(&self.tokens);
                return Outcome::plain(tokens.app_token(&self.app, request.headers(), body));
            }
            (&Method::POST, "/oauth2/invalidate_token") => {
                let mut tokens = lock(&self.tokens);
                return Outcome::plain(tokens.invalidate(&self.app, request.headers(), body));
            }
            (&Method::GET, "/i/oauth2/authorize" | "/2/oauth2/authorize") => {
                let mut tokens = lock(&self.tokens);
                return Outcome::plain(tokens.authorize(
                    &self.app,
                    &self.dir,
                    query,
                    self.default_login,
                    now,
                ));
            }
            (&Method::POST, "/2/oauth2/token") => {
                let mut tokens = lock(&self.tokens);
                return Outcome::plain(tokens.user_token(&self.app, request.headers(), body, now));
            }
            (&Method::POST, "/2/oauth2/revoke") => {
                let mut tokens = lock(&self.tokens);
                return Outcome::plain(tokens.revoke(&self.app, request.headers(), body));
            }
            (&Method::POST, "/oauth/request_token") => {
                let authority = incoming.authority.as_deref().unwrap_or(local);
                let received = received(incoming, authority);
                let mut tokens = lock(&self.request_tokens);
                return Outcome::plain(tokens.request_token(&self.app, &received, now));
            }
            (&Method::GET, "/oauth/authorize" | "/oauth/authenticate") => {
                let mut tokens = lock(&self.request_tokens);
                return Outcome::plain(tokens.authorize(&self.dir, query, self.default_login, now));
            }
            (&Method::POST, "/oauth/access_token") => {
                let authority = incoming.authority.as_deref().unwrap_or(local);
                let received = received(incoming, authority);
                let mut tokens = lock(&self.request_tokens);
                return Outcome::plain(tokens.access_token(&self.dir, &self.app, &received, now));
            }
            (_, path) if path.starts_with(admin::PREFIX) => {
                return Outcome::plain(admin::serve(self, method, path, body));
            }
            _ => {}
        }
        // A v2 path of the right structure whose parameter is misshapen is still routed, to
        // be answered with X's `invalid-request` problem once its request is read.
        let Some((endpoint, params)) =
            EndpointId::match_request(method, path).or_else(|| shapes::route_loosely(method, path))
        else {
            return Outcome::plain(errors::page_does_not_exist());
        };

        let fault = lock(&self.dice).draw();
        let delivery = match fault {
            Some(Fault::OverCapacity) => {
                return Outcome::plain(errors::code(ErrorCode::OverCapacity));
            }
            Some(Fault::InternalError) => {
                return Outcome::plain(errors::code(ErrorCode::InternalError));
            }
            Some(Fault::Slow(delay)) => {
                tokio::time::sleep(delay).await;
                Delivery::Whole
            }
            Some(Fault::CloseMidBody) => Delivery::CloseMidBody,
            Some(Fault::TruncatedBody) => Delivery::Truncated,
            None => Delivery::Whole,
        };
        let authority = incoming.authority.as_deref().unwrap_or(local);
        let (answer, caller) = self.api(endpoint, params, incoming, authority, clock::now());
        Outcome {
            answer,
            delivery,
            user: caller.and_then(Caller::user).map(|u| self.dir.id(u)),
            app: caller == Some(Caller::App),
        }
    }

    fn api(
        &self,
        endpoint: EndpointId,
        params: PathParams<'_>,
        arrived: &Incoming,
        authority: &str,
        now: SystemTime,
    ) -> (Answer, Option<Caller>) {
        let request = &arrived.request;
        let descriptor = endpoint.descriptor();
        let version = descriptor.version;
        let incoming = match IncomingRequest::from_http(params, request) {
            Ok(incoming) => incoming,
            Err(error) => return (errors::invalid_request(version, &error), None),
        };
        let received = received(arrived, authority);
        let caller = match auth::authenticate(
            &received,
            &self.dir,
            &self.app,
            clock::unix_seconds(now),
            |token| lock(&self.tokens).caller(token, now),
        ) {
            Ok(caller) => caller,
            Err(failure) => {
                let answer = errors::unauthorized(version, failure);
                let explanation = (self.explain_auth && failure == AuthFailure::BadSignature)
                    .then(|| auth::explain(&received, &self.app))
                    .flatten();
                return (answer.explained(explanation.as_ref()), None);
            }
        };
        if !descriptor.auth.contains(caller.mode()) {
            return (
                errors::refused(version, caller.mode(), descriptor.auth),
                Some(caller),
            );
        }
        let documented = descriptor.window_for(self.timing().limits);
        let window = match documented.for_context(caller.user().is_some()) {
            Some(limit) => {
                let subject = caller.user().map_or(Subject::App, Subject::User);
                let (state, allowed) = lock(&self.windows).take(endpoint, subject, limit, now);
                if !allowed {
                    return (
                        errors::rate_limited(version).with_window(Some(state)),
                        Some(caller),
                    );
                }
                Some(state)
            }
            None => None,
        };
        let owned = caller
            .user()
            .is_some_and(|me| params.user_id(PathParam::Id) == Some(self.dir.id(me)));
        let ctx = Ctx {
            service: self,
            caller,
            now,
            path: request.uri().path(),
            owned,
        };
        let query = request.uri().query().unwrap_or_default();
        let answer = shapes::misshapen(&params)
            .or_else(|| shapes::unknown_parameter(endpoint, query))
            .unwrap_or_else(|| routes::dispatch(&ctx, endpoint, version, &incoming));
        // The daily headers were set by the endpoint; the window goes on top.
        let answer = if window.is_some() {
            answer.with_window(window)
        } else {
            answer
        };
        (answer, Some(caller))
    }
}
