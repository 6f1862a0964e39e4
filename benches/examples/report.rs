//! Prints the table of BENCHMARKS.md from the last `cargo bench` (criterion's medians), the
//! instruction counts of the last gungraun run (`instructions.txt`, its terminal output), the
//! end-to-end figures (`e2e.tsv`) and the crawl at the quota (`quota.tsv`), all of which `report.sh` wrote: `report <CARGO_TARGET_DIR>`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What a ratio must be for the target to be met.
#[derive(Clone, Copy)]
enum Target {
    /// subject / baseline ≤ x.
    AtMost(f64),
    /// subject / baseline ≥ x (the subject is a peer, the baseline twapi).
    AtLeast(f64),
    /// The subject alone under x nanoseconds (bookkeeping).
    UnderNs(f64),
    /// A figure for context, no target.
    Info,
}

struct Row {
    item: &'static str,
    label: String,
    subject: String,
    baseline: Option<String>,
    target: Target,
}

fn row(
    item: &'static str,
    label: &str,
    subject: &str,
    baseline: Option<&str>,
    target: Target,
) -> Row {
    Row {
        item,
        label: label.to_owned(),
        subject: subject.to_owned(),
        baseline: baseline.map(str::to_owned),
        target,
    }
}

/// A page: its benchmark group, its title, its target ratio, and its peers (name, label).
type PageRows = (
    &'static str,
    &'static str,
    f64,
    &'static [(&'static str, &'static str)],
);

fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for (case, title) in [
        ("sign/followers_ids", "GET followers/ids"),
        ("sign/friendships_create", "POST friendships/create"),
    ] {
        let k = |op: &str| format!("{case}/{op}");
        rows.extend([
            row(
                "sign",
                &format!("{title}: lower bound, HMAC keyed per call + base64"),
                &k("lower_bound_keyed_per_call"),
                None,
                Target::Info,
            ),
            row(
                "sign",
                &format!("{title}: lower bound, HMAC pre-keyed + base64"),
                &k("lower_bound_pre_keyed"),
                Some(&k("lower_bound_keyed_per_call")),
                Target::Info,
            ),
            row(
                "sign",
                &format!("{title}: twapi header (pre-keyed) / lower bound keyed per call"),
                &k("twapi_header"),
                Some(&k("lower_bound_keyed_per_call")),
                Target::AtMost(1.5),
            ),
            row(
                "sign",
                &format!("{title}: twapi header (pre-keyed) / lower bound pre-keyed"),
                &k("twapi_header"),
                Some(&k("lower_bound_pre_keyed")),
                Target::Info,
            ),
            row(
                "sign",
                &format!("{title}: twapi signature only (pre-keyed) / lower bound pre-keyed"),
                &k("twapi_signature"),
                Some(&k("lower_bound_pre_keyed")),
                Target::Info,
            ),
            row(
                "sign",
                &format!(
                    "{title}: twapi header, Signer made per call / lower bound keyed per call"
                ),
                &k("twapi_header_keyed_per_call"),
                Some(&k("lower_bound_keyed_per_call")),
                Target::AtMost(1.5),
            ),
            row(
                "sign",
                &format!("{title}: oauth1-request / twapi header (pre-keyed)"),
                &k("oauth1_request_header"),
                Some(&k("twapi_header")),
                Target::AtLeast(1.5),
            ),
            row(
                "sign",
                &format!("{title}: oauth1-request / twapi header, Signer made per call"),
                &k("oauth1_request_header"),
                Some(&k("twapi_header_keyed_per_call")),
                Target::AtLeast(1.0),
            ),
        ]);
    }
    let pages: [PageRows; 5] = [
        (
            "decode/v1_followers_list_200",
            "v1.1 followers/list, 200 users",
            2.0,
            &[
                ("serde_json_value", "serde_json::Value"),
                ("egg_mode", "egg-mode UserCursor"),
            ],
        ),
        (
            "decode/v1_followers_ids_5000_numbers",
            "v1.1 followers/ids, 5,000 numbers",
            1.5,
            &[
                ("serde_json_value", "serde_json::Value"),
                ("egg_mode", "egg-mode IDCursor"),
            ],
        ),
        (
            "decode/v1_followers_ids_5000_strings",
            "v1.1 followers/ids, 5,000 strings",
            1.5,
            &[("serde_json_value", "serde_json::Value")],
        ),
        (
            "decode/v2_followers_1000",
            "v2 followers, 1,000 users",
            1.8,
            &[
                ("serde_json_value", "serde_json::Value"),
                ("twitter_v2", "twitter-v2 User"),
            ],
        ),
        (
            "decode/v2_followers_talkative_1000",
            "v2 followers, 1,000 users all with bio, link, entities",
            1.8,
            &[
                ("serde_json_value", "serde_json::Value"),
                ("twitter_v2", "twitter-v2 User"),
            ],
        ),
    ];
    for (group, title, limit, peers) in pages {
        let k = |op: &str| format!("{group}/{op}");
        rows.push(row(
            "decode",
            &format!("{title}: lower bound, IgnoredAny"),
            &k("lower_bound_ignored_any"),
            None,
            Target::Info,
        ));
        rows.push(row(
            "decode",
            &format!("{title}: twapi / lower bound"),
            &k("twapi"),
            Some(&k("lower_bound_ignored_any")),
            Target::AtMost(limit),
        ));
        if group.starts_with("decode/v2") {
            rows.push(row(
                "decode",
                &format!("{title}: twapi through generic serde / lower bound"),
                &k("twapi_generic_serde"),
                Some(&k("lower_bound_ignored_any")),
                Target::Info,
            ));
        }
        for (peer, name) in peers {
            rows.push(row(
                "decode",
                &format!("{title}: {name} / lower bound"),
                &k(peer),
                Some(&k("lower_bound_ignored_any")),
                Target::Info,
            ));
            rows.push(row(
                "decode",
                &format!("{title}: {name} / twapi"),
                &k(peer),
                Some(&k("twapi")),
                Target::AtLeast(1.0),
            ));
        }
    }
    rows.extend([
        row(
            "core",
            "followers/ids exchange: decode only (5,000 string ids)",
            "core/followers_ids_exchange/decode_only",
            None,
            Target::Info,
        ),
        row(
            "core",
            "followers/ids exchange: build + sign + decode / decode only",
            "core/followers_ids_exchange/build_sign_decode",
            Some("core/followers_ids_exchange/decode_only"),
            Target::AtMost(1.2),
        ),
        row(
            "core",
            "followers/ids exchange: build + sign alone",
            "core/followers_ids_exchange/build_sign",
            None,
            Target::Info,
        ),
        row(
            "core",
            "pager bookkeeping per page",
            "core/bookkeeping_per_page/pager",
            None,
            Target::UnderNs(1000.0),
        ),
        row(
            "core",
            "limiter bookkeeping per page (acquire + observe)",
            "core/bookkeeping_per_page/limiter",
            None,
            Target::UnderNs(1000.0),
        ),
        row(
            "core",
            "pager + limiter per page",
            "core/bookkeeping_per_page/pager_and_limiter",
            None,
            Target::UnderNs(1000.0),
        ),
    ]);
    rows
}

/// Instructions per operation from gungraun's terminal output: each benchmark's header line
/// (`instructions::GROUP::FUNCTION ID:ARGS`) followed by its `Instructions:` line, keyed as
/// the criterion benchmarks are (`sign/followers_ids/twapi_header`).
fn instruction_counts(text: &str) -> HashMap<String, f64> {
    let mut counts = HashMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("instructions::") {
            current = criterion_key(rest);
        } else if let Some(value) = line.trim_start().strip_prefix("Instructions:")
            && let Some(key) = current.take()
        {
            let figure = value
                .trim_start()
                .split(['|', ' '])
                .next()
                .unwrap_or_default();
            if let Ok(n) = figure.parse::<f64>() {
                counts.insert(key, n);
            }
        }
    }
    counts
}

/// The criterion key of a gungraun benchmark `GROUP::FUNCTION ID:ARGS`.
fn criterion_key(header: &str) -> Option<String> {
    let (path, rest) = header.split_once(' ')?;
    let id = rest.split_once(':').map_or(rest, |(id, _args)| id).trim();
    let (group, function) = path.split_once("::")?;
    Some(match group {
        "sign" => {
            let case = if id.ends_with('0') {
                "followers_ids"
            } else {
                "friendships_create"
            };
            format!("sign/{case}/{}", function.strip_prefix("sign_")?)
        }
        "decode" => {
            let op = match function {
                "decode_lower_bound_ignored_any" => "lower_bound_ignored_any",
                _ => "twapi",
            };
            format!("decode/{id}/{op}")
        }
        "core" => match function {
            "core_exchange_build_sign" => "core/followers_ids_exchange/build_sign".to_owned(),
            "core_exchange_build_sign_decode" => {
                "core/followers_ids_exchange/build_sign_decode".to_owned()
            }
            "core_exchange_decode_only" => "core/followers_ids_exchange/decode_only".to_owned(),
            "core_pager_step" => "core/bookkeeping_per_page/pager".to_owned(),
            "core_limiter_step" => "core/bookkeeping_per_page/limiter".to_owned(),
            _ => return None,
        },
        _ => return None,
    })
}

/// The end-to-end comparisons of `e2e.tsv` (`users/show, N in flight, LOAD: A / B`, with a
/// target) as one table: a row per comparison, a column per load, each cell the median of the
/// rounds' ratios and whether it meets the target.
fn comparisons(e2e: &str) -> String {
    let mut columns: Vec<String> = Vec::new();
    let mut rows: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in e2e.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        let (Some(figure), Some(value), Some(target), Some(met)) =
            (cells.first(), cells.get(1), cells.get(2), cells.get(3))
        else {
            continue;
        };
        let Some((load, comparison)) = figure
            .strip_prefix("users/show, ")
            .and_then(|rest| rest.split_once(": "))
        else {
            continue;
        };
        if target.is_empty() {
            continue;
        }
        if !columns.iter().any(|c| c == load) {
            columns.push(load.to_owned());
        }
        let label = format!("{comparison} ({target})");
        let ratio = value.split(' ').next().unwrap_or_default();
        let cell = (load.to_owned(), format!("{ratio} {met}"));
        match rows.iter_mut().find(|(l, _)| *l == label) {
            Some((_, cells)) => cells.push(cell),
            None => rows.push((label, vec![cell])),
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    let mut md = format!(
        "\n| end to end, users/show: median of the rounds' ratios | {} |\n|---|{}\n",
        columns.join(" | "),
        "---:|".repeat(columns.len())
    );
    for (label, cells) in rows {
        let values: Vec<&str> = columns
            .iter()
            .map(|c| {
                cells
                    .iter()
                    .find(|(load, _)| load == c)
                    .map_or("", |(_, v)| v.as_str())
            })
            .collect();
        let _ = writeln!(md, "| {label} | {} |", values.join(" | "));
    }
    md
}

/// The verdict text: judged on the median time's ratio and on the instructions' ratio.
fn met(median: Option<bool>, instructions: Option<bool>) -> String {
    let word = |ok: bool| if ok { "yes" } else { "**no**" };
    match (median, instructions) {
        (None, None) => String::new(),
        (Some(t), None) => word(t).to_owned(),
        (None, Some(i)) => format!("instructions {}", word(i)),
        (Some(t), Some(i)) if t == i => word(t).to_owned(),
        (Some(t), Some(i)) => format!("time {}, instructions {}", word(t), word(i)),
    }
}

/// Criterion's median of one benchmark, in nanoseconds.
fn median_ns(target: &Path, key: &str) -> Option<f64> {
    let (group, bench) = key.rsplit_once('/')?;
    let path = target
        .join("criterion")
        .join(group.replace('/', "_"))
        .join(bench)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn tsv(path: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn grouped(n: f64) -> String {
    let digits = format!("{n:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn verdict(target: Target, ratio: Option<f64>, value_ns: Option<f64>) -> Option<bool> {
    match target {
        Target::AtMost(x) => ratio.map(|r| r <= x),
        Target::AtLeast(x) => ratio.map(|r| r >= x),
        Target::UnderNs(x) => value_ns.map(|v| v < x),
        Target::Info => None,
    }
}

/// The versions of the crates the bench uses directly (the highest of each name in the lock
/// file: the peers' own older copies, e.g. twitter-v2's oauth1-request 0.5, are lower).
fn lock_versions(lock: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    let wanted = [
        "oauth1-request",
        "egg-mode",
        "twitter-v2",
        "criterion",
        "gungraun",
        "serde_json",
        "hmac",
        "sha1",
        "base64",
        "hyper",
        "hyper-util",
        "tokio",
        "ureq",
        "reqwest",
        "redis",
    ];
    let mut out = Vec::new();
    let mut name = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_owned());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take())
            && wanted.contains(&n.as_str())
        {
            let v = v.trim_matches('"').to_owned();
            let key =
                |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
            match out
                .iter_mut()
                .find(|(name, _): &&mut (String, String)| *name == n)
            {
                Some(entry) if key(&entry.1) < key(&v) => entry.1 = v,
                Some(_) => {}
                None => out.push((n, v)),
            }
        }
    }
    out
}

fn main() {
    let target = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target".to_owned()),
    );
    let out_dir = target.join("twapi-bench");
    let counts = instruction_counts(
        &std::fs::read_to_string(out_dir.join("instructions.txt")).unwrap_or_default(),
    );
    let instr = |key: &str| counts.get(key).copied();
    let pager_and_limiter = || {
        Some(
            instr("core/bookkeeping_per_page/pager")? + instr("core/bookkeeping_per_page/limiter")?,
        )
    };
    let instr = |key: &str| {
        if key == "core/bookkeeping_per_page/pager_and_limiter" {
            pager_and_limiter()
        } else {
            instr(key)
        }
    };

    let mut md = String::new();
    let _ = writeln!(
        md,
        "| area | measurement | median time | time ratio | instructions | instruction ratio | target | met |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---|---|");
    for r in rows() {
        let t = median_ns(&target, &r.subject);
        let i = instr(&r.subject);
        let (tr, ir) = match &r.baseline {
            Some(b) => (
                t.zip(median_ns(&target, b)).map(|(s, b)| s / b),
                i.zip(instr(b)).map(|(s, b)| s / b),
            ),
            None => (None, None),
        };
        let target_text = match r.target {
            Target::AtMost(x) => format!("≤ {x}x"),
            Target::AtLeast(x) => format!("≥ {x}x"),
            Target::UnderNs(x) => format!("< {}", time(x)),
            Target::Info => String::new(),
        };
        let met = met(verdict(r.target, tr, t), verdict(r.target, ir, None));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.item,
            r.label,
            t.map_or("–".to_owned(), time),
            tr.map_or(String::new(), |x| format!("{x:.2}x")),
            i.map_or("–".to_owned(), grouped),
            ir.map_or(String::new(), |x| format!("{x:.2}x")),
            target_text,
            met
        );
    }

    // End to end (item 1): each comparison's median ratio at each load, one row a comparison;
    // then the emulator's figures and the crawl at the quota (item 2), figure by figure. Each
    // side's own rate and CPU time stay in e2e.tsv.
    let e2e = std::fs::read_to_string(out_dir.join("e2e.tsv")).unwrap_or_default();
    md.push_str(&comparisons(&e2e));
    for (text, title) in [
        (e2e, "the emulator, 1,000,000 users"),
        (
            std::fs::read_to_string(out_dir.join("quota.tsv")).unwrap_or_default(),
            "a crawl at the quota, on the emulator",
        ),
    ] {
        let rows: Vec<Vec<&str>> = text
            .lines()
            .map(|line| line.split('\t').collect::<Vec<_>>())
            .filter(|cells| !cells[0].starts_with("users/show"))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            md,
            "\n| {title} | figure | target | met |\n|---|---:|---|---|"
        );
        for cells in rows {
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                cell(0),
                cell(1),
                cell(2),
                cell(3)
            );
        }
    }

    let _ = writeln!(md, "\n| machine | |\n|---|---|");
    let machine = tsv(&out_dir.join("machine.tsv"));
    for k in ["nproc", "cpu", "rustc", "valgrind"] {
        if let Some(v) = machine.get(k) {
            let _ = writeln!(md, "| {k} | {v} |");
        }
    }
    let _ = writeln!(md, "\n| crate | version |\n|---|---|");
    for (name, version) in lock_versions(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("Cargo.lock")
            .as_path(),
    ) {
        let _ = writeln!(md, "| {name} | {version} |");
    }
    print!("{md}");
    let _ = std::fs::write(out_dir.join("table.md"), md);
}
