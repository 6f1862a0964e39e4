//! `twapi`, the command line of the twapi workspace: what xurl and twarc2 do — named
//! credentials, any request of the follow, search and get-users family, crawls to JSONL —
//! resumable and cost-aware, and runnable without X on an embedded emulator.
//!
//! Every command runs on twapi-core's session through the twapi-hyper driver: the limiter,
//! waits, retries, identity and the UTC day's cost meter are the library's. This crate adds
//! the credentials file, the command line, the JSONL files and their resume state, and the
//! progress bar.
#![forbid(unsafe_code)]

mod auth;
mod cli;
mod connection;
mod crawl;
mod failure;
mod follow;
mod jsonl;
mod output;
mod progress;
mod request;
mod resume;
mod store;
mod usage;

use std::process::ExitCode;

use clap::Parser as _;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::cli::{Cli, Command};
use crate::connection::Connection;
use crate::failure::Failure;
use crate::output::Printer;
use crate::progress::Waits;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let waits = Waits::default();
    // The session's waits reach the progress bar through the driver's `tracing` events.
    let subscriber = tracing_subscriber::registry().with(waits.clone());
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        eprintln!("twapi: could not install the progress bar's event listener");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("twapi: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &waits)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("twapi: {failure}");
            failure.exit_code()
        }
    }
}

async fn run(cli: Cli, waits: &Waits) -> Result<(), Failure> {
    let printer = Printer::new(cli.global.verbose);
    let choice = cli.global.choice();
    match cli.command {
        Command::Auth(command) => auth::command(command, &choice, &printer).await,
        Command::Emulator(serve) => serve.run().await,
        command => {
            let connection = Connection::open(&choice).await?;
            let result = dispatch(&connection, command, &printer, waits).await;
            let saved = connection.save_usage();
            connection.close().await;
            result.and(saved)
        }
    }
}

async fn dispatch(
    connection: &Connection,
    command: Command,
    printer: &Printer,
    waits: &Waits,
) -> Result<(), Failure> {
    match command {
        Command::Request(raw) => {
            let prepared = raw.into_raw().prepare()?;
            prepared.send(&connection.client, printer).await
        }
        Command::Followers(crawl) => {
            let options = crawl.crawl.options()?;
            crawl::list(
                connection,
                crawl::List::Followers,
                &crawl.user,
                &options,
                printer,
                waits,
            )
            .await
        }
        Command::Following(crawl) => {
            let options = crawl.crawl.options()?;
            crawl::list(
                connection,
                crawl::List::Following,
                &crawl.user,
                &options,
                printer,
                waits,
            )
            .await
        }
        Command::Users(users) => {
            let options = users.crawl.options()?;
            crawl::users(connection, users.input.as_deref(), &options, printer, waits).await
        }
        Command::Search(search) => {
            let options = search.crawl.options()?;
            crawl::search(connection, &search.query, &options, printer, waits).await
        }
        Command::Follow(target) => {
            follow::follow(connection, &target.user, target.v1, printer).await
        }
        Command::Unfollow(target) => {
            follow::unfollow(connection, &target.user, target.v1, printer).await
        }
        Command::Usage => usage::show(connection, printer),
        Command::Auth(_) | Command::Emulator(_) => Ok(()),
    }
}
