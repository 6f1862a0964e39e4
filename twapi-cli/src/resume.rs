//! A crawl's JSONL output and its `--state` file, written so that a run killed at any instant
//! and run again continues where it stopped, with nothing fetched twice and no line written
//! twice.
//!
//! After each page the lines are appended to the output and synced, then the state — where
//! the walk stands, and the output's length and line count at that point — replaces the
//! state file atomically (a temporary file renamed over it). A run killed between the two
//! leaves lines the state does not count; the next run cuts the output back to the length
//! the state records and fetches that one page again. A run killed anywhere else loses
//! nothing and repeats nothing.

use std::fs::{File, OpenOptions};
use std::io::{Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use twapi_core::cost::Cost;
use twapi_core::pager::PagerState;

use crate::failure::Failure;

/// How far a crawl got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Position {
    /// A page walk (followers, following, search): the pager's state.
    Pages(PagerState),
    /// A batched look-up (users): how many of the inputs are done.
    Inputs(u64),
}

/// The account a crawl lists, looked up once and kept in the state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Subject {
    pub(crate) id: u64,
    /// Its follower or following count, to size the progress bar.
    pub(crate) count: Option<u64>,
}

/// The `--state` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CrawlState {
    /// What the crawl is (command, target, options that shape the output): another crawl's
    /// state file is refused.
    pub(crate) crawl: String,
    pub(crate) subject: Option<Subject>,
    pub(crate) position: Option<Position>,
    /// The output's length in bytes after the last page.
    pub(crate) output_bytes: u64,
    /// Lines written (users, or pages with `--pages`).
    pub(crate) lines: u64,
    /// Users written (as many as lines, unless `--pages`).
    pub(crate) items: u64,
    /// What the pages cost so far, by the client's meter.
    pub(crate) spent: Cost,
    /// The crawl reached its end (or its limit).
    pub(crate) done: bool,
}

/// Where the lines go.
enum Out {
    Stdout,
    File(File),
}

/// The JSONL output of a crawl, and its state file when there is one.
pub(crate) struct Sink {
    out: Out,
    state_path: Option<PathBuf>,
    pub(crate) state: CrawlState,
}

impl Sink {
    /// Opens the output and, with `--state`, reads the state to resume from (cutting the
    /// output back to what the state counts).
    pub(crate) fn open(
        output: Option<&Path>,
        state_path: Option<&Path>,
        crawl: &str,
    ) -> Result<(Sink, bool), Failure> {
        let fresh = CrawlState {
            crawl: crawl.to_owned(),
            subject: None,
            position: None,
            output_bytes: 0,
            lines: 0,
            items: 0,
            spent: Cost::ZERO,
            done: false,
        };
        let saved = match state_path {
            Some(path) => read_state(path)?,
            None => None,
        };
        if let Some(saved) = &saved
            && saved.crawl != crawl
        {
            return Err(Failure::usage(format!(
                "the state file is for another crawl ({}), not this one ({crawl}); use another --state file",
                saved.crawl
            )));
        }
        let resumed = saved.is_some();
        let state = saved.unwrap_or(fresh);
        let out = match output {
            None if state_path.is_some() => {
                return Err(Failure::usage(
                    "--state needs an output file (-o FILE): stdout cannot be cut back to the last page when a run resumes",
                ));
            }
            None => Out::Stdout,
            Some(path) => {
                let mut file = OpenOptions::new()
                    .create(true)
                    .write(true)
                    .truncate(false)
                    .open(path)
                    .map_err(|e| Failure::io(&format!("cannot open {}", path.display()), e))?;
                let length = file
                    .metadata()
                    .map_err(|e| Failure::io(&format!("cannot read {}", path.display()), e))?
                    .len();
                if resumed && length < state.output_bytes {
                    return Err(Failure::usage(format!(
                        "{} is shorter ({length} bytes) than the state file records ({} bytes): it was changed since; start afresh with another --state file",
                        path.display(),
                        state.output_bytes
                    )));
                }
                // A fresh crawl starts an empty file; a resumed one drops what the state
                // does not count (lines of a page whose state was never saved).
                file.set_len(state.output_bytes)
                    .and_then(|()| file.seek(SeekFrom::End(0)).map(drop))
                    .map_err(|e| Failure::io(&format!("cannot cut {}", path.display()), e))?;
                Out::File(file)
            }
        };
        Ok((
            Sink {
                out,
                state_path: state_path.map(Path::to_path_buf),
                state,
            },
            resumed,
        ))
    }

    /// Writes one page's lines (holding `items` users), then the state after it.
    pub(crate) fn page(
        &mut self,
        lines: &[Vec<u8>],
        items: u64,
        position: Position,
        spent: Cost,
        done: bool,
    ) -> Result<(), Failure> {
        let mut buffer = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
        for line in lines {
            buffer.extend_from_slice(line);
            buffer.push(b'\n');
        }
        match &mut self.out {
            Out::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(&buffer)
                    .and_then(|()| out.flush())
                    .map_err(|e| Failure::io("cannot write to stdout", e))?;
            }
            Out::File(file) => {
                file.write_all(&buffer)
                    .and_then(|()| file.sync_data())
                    .map_err(|e| Failure::io("cannot write the output", e))?;
            }
        }
        self.state.output_bytes += buffer.len() as u64;
        self.state.lines += lines.len() as u64;
        self.state.items += items;
        self.state.position = Some(position);
        self.state.spent += spent;
        self.state.done = done;
        self.save()
    }

    /// Saves the state (a no-op without `--state`).
    pub(crate) fn save(&self) -> Result<(), Failure> {
        let Some(path) = &self.state_path else {
            return Ok(());
        };
        let bytes =
            serde_json::to_vec_pretty(&self.state).map_err(|e| Failure::internal(e.to_string()))?;
        let temporary = path.with_extension("tmp");
        let write = || -> std::io::Result<()> {
            let mut file = File::create(&temporary)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, path)
        };
        write().map_err(|e| Failure::io(&format!("cannot write {}", path.display()), e))
    }

    /// Whether there is a state file to resume from.
    pub(crate) fn has_state(&self) -> bool {
        self.state_path.is_some()
    }
}

fn read_state(path: &Path) -> Result<Option<CrawlState>, Failure> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            Failure::usage(format!(
                "{} is not a twapi state file ({e})",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::io(&format!("cannot read {}", path.display()), e)),
    }
}
