//! Results people can see and keep: the tally chart (decoded back and compared with a committed
//! reference), exports through the command line (CSV round trip of hostile replies, JSON, member
//! pseudonyms) and the history.
//!
//! The reference image `tests/fixtures/seed-tally.png` is the chart of the seed rehearsal's tally.
//! After an intended change to the chart, regenerate it with
//! `ROUNDTABLE_BLESS=1 cargo test --test results`, look at it, and commit it.

use roundtable::chart::{self, ChartOptions, Theme};
use roundtable::clock::{Clock, ManualClock};
use roundtable::config::{StoreConfig, Synchronous};
use roundtable::discussion::{Discussions, Rules, Tally};
use roundtable::prompt::{Catalog, Prompt};
use roundtable::store::{Counts, DiscussionId, ReplySource, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn seed() -> Prompt {
    Catalog::load_dir(&repo().join("prompts"))
        .prompts
        .remove("syria-strike-2017")
        .unwrap()
}

/// The tally of `examples/rehearsal.txt` with the options in the file's order: ana chose 1, ben
/// 2, cleo 5, dan 4, eve 5; ana and cleo replied.
fn seed_tally() -> (String, Tally) {
    let p = seed();
    let counts = Counts {
        votes: vec![
            ("military-pressure".into(), 1),
            ("sanctions-after-inquiry".into(), 1),
            ("un-diplomacy".into(), 1),
            ("stay-out".into(), 2),
        ],
        replies: 2,
        repliers: 2,
        replies_by_voters: vec![("military-pressure".into(), 1), ("stay-out".into(), 1)],
        replies_without_text: 0,
    };
    (
        p.question.clone(),
        Tally::from_counts(&p.options, &counts, true),
    )
}

struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }
}

/// Decodes a PNG with the `png` crate into 8-bit RGB.
fn decode(bytes: &[u8]) -> Image {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let rgb = match info.color_type {
        png::ColorType::Rgb => buf[..info.buffer_size()].to_vec(),
        png::ColorType::Rgba => buf[..info.buffer_size()]
            .chunks(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect(),
        other => panic!("unexpected colour type {other:?}"),
    };
    Image {
        width: info.width,
        height: info.height,
        rgb,
    }
}

/// Per horizontal band of bar rows (top to bottom): (filled pixels, whole track pixels).
fn bars(img: &Image, theme: Theme) -> Vec<(u32, u32)> {
    let p = theme.palette();
    let mut bands: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut in_band = false;
    for y in 0..img.height {
        let (mut filled, mut track) = (0, 0);
        for x in 0..img.width {
            let px = img.pixel(x, y);
            if px == p.bar {
                filled += 1;
            } else if px == p.track {
                track += 1;
            }
        }
        if filled + track > img.width / 2 {
            if !in_band {
                bands.push(Vec::new());
            }
            in_band = true;
            if let Some(b) = bands.last_mut() {
                b.push((filled, filled + track));
            }
        } else {
            in_band = false;
        }
    }
    bands.into_iter().map(|rows| rows[rows.len() / 2]).collect()
}

#[test]
fn the_chart_decodes_with_one_bar_per_option_proportional_to_its_votes() {
    let (question, tally) = seed_tally();
    for theme in [Theme::Light, Theme::Dark] {
        let png =
            chart::tally_chart(&question, &tally, &ChartOptions { theme, width: 800 }).unwrap();
        let img = decode(&png);
        assert_eq!(img.width, 800);
        assert!((400..=1200).contains(&img.height), "height {}", img.height);
        let found = bars(&img, theme);
        assert_eq!(found.len(), tally.rows.len(), "{found:?}");
        let total: u64 = tally.rows.iter().map(|r| r.votes).sum();
        for ((filled, width), row) in found.iter().zip(&tally.rows) {
            let expected = f64::from(*width) * row.votes as f64 / total as f64;
            assert!(
                (f64::from(*filled) - expected).abs() <= 1.0,
                "{theme:?}: option {} has {filled} of {width} pixels filled, expected {expected:.1}",
                row.key
            );
        }
        // Text is drawn: plenty of pixels in the text colour or its anti-aliased shades.
        let text = theme.palette().text;
        let dark_pixels = img
            .rgb
            .chunks(3)
            .filter(|px| px == &text.as_slice())
            .count();
        assert!(dark_pixels > 1000, "{theme:?}: {dark_pixels} text pixels");
    }
}

#[test]
fn a_tally_without_votes_is_drawn_with_empty_bars() {
    let p = seed();
    let tally = Tally::from_counts(&p.options, &Counts::default(), false);
    let img = decode(&chart::tally_chart(&p.question, &tally, &ChartOptions::default()).unwrap());
    let found = bars(&img, Theme::Light);
    assert_eq!(found.len(), 6);
    assert!(found
        .iter()
        .all(|&(filled, width)| filled == 0 && width > 600));
}

#[test]
fn the_seed_tally_chart_matches_the_committed_reference() {
    let (question, tally) = seed_tally();
    let png = chart::tally_chart(&question, &tally, &ChartOptions::default()).unwrap();
    let reference = repo().join("tests/fixtures/seed-tally.png");
    if std::env::var_os("ROUNDTABLE_BLESS").is_some() {
        std::fs::write(&reference, &png).unwrap();
        eprintln!("wrote {}", reference.display());
        return;
    }
    let expected = decode(&std::fs::read(&reference).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; regenerate with ROUNDTABLE_BLESS=1 cargo test --test results",
            reference.display()
        )
    }));
    let actual = decode(&png);
    assert_eq!(
        (actual.width, actual.height),
        (expected.width, expected.height),
        "the chart's size changed; if intended, regenerate with ROUNDTABLE_BLESS=1"
    );
    // Tolerance: anti-aliasing may differ slightly across platforms; layout changes may not.
    let mut differing = 0usize;
    let mut total_diff = 0u64;
    for (a, e) in actual.rgb.chunks(3).zip(expected.rgb.chunks(3)) {
        let d = a
            .iter()
            .zip(e)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0);
        total_diff += u64::from(d);
        if d > 48 {
            differing += 1;
        }
    }
    let pixels = (actual.width * actual.height) as usize;
    let mean = total_diff as f64 / pixels as f64;
    assert!(
        differing * 1000 <= pixels * 2 && mean < 1.0,
        "{differing} of {pixels} pixels differ visibly (mean difference {mean:.2}); \
         if the change is intended, regenerate with ROUNDTABLE_BLESS=1"
    );
}

// ---- exports and history through the command line ----

const HOSTILE: &[&str] = &[
    "She said \"no\", then \"yes\"",
    "a, b, and c",
    "line one\nline two\r\nline three",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "=HYPERLINK(\"http://example.com\",\"click\")",
    "Ünïcödé — 日本語 — 🇺🇦 — עברית — 👩🏽‍💻",
    "\"\"\"",
    ",",
];

struct Db {
    dir: tempfile::TempDir,
    config: PathBuf,
    id: DiscussionId,
}

/// A database with the seed discussion (#1): one vote and one hostile form reply per member, a
/// thread reply without text, posted in channel 123 as message 456, then closed.
fn database(extra_config: &str) -> Db {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let store = Store::open(
        &db,
        &StoreConfig {
            synchronous: Synchronous::Normal,
            max_batch: 512,
        },
    )
    .unwrap();
    let clock = Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap()));
    let engine = Discussions::new(
        store,
        clock.clone() as Arc<dyn Clock>,
        Rules {
            duration: jiff::SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let d = engine
        .open(roundtable::store::ServerId::Guild(42), &seed(), "123", None)
        .unwrap();
    engine.set_post(d.id(), Some("456"), Some("789")).unwrap();
    for (i, text) in HOSTILE.iter().enumerate() {
        clock.advance(jiff::SignedDuration::from_secs(60));
        let member = format!("3000000000000000{i:02}");
        let option = ["stay-out", "other", "un-diplomacy"][i % 3];
        engine
            .vote(
                roundtable::store::ServerId::Guild(42),
                d.id(),
                &member,
                option,
            )
            .unwrap();
        engine
            .reply(
                roundtable::store::ServerId::Guild(42),
                d.id(),
                &member,
                ReplySource::Form,
                Some(text),
                None,
            )
            .unwrap();
    }
    engine
        .reply(
            roundtable::store::ServerId::Guild(42),
            d.id(),
            "399",
            ReplySource::Thread,
            None,
            Some("1001"),
        )
        .unwrap();
    engine
        .close(roundtable::store::ServerId::Guild(42), d.id(), "mod:rosa")
        .unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        format!("database = \"{}\"\n{extra_config}", db.display()),
    )
    .unwrap();
    Db {
        dir,
        config,
        id: d.id(),
    }
}

fn roundtable(db: &Db, args: &[&str], key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roundtable"));
    cmd.arg("--config")
        .arg(&db.config)
        .args(args)
        .current_dir(db.dir.path())
        .env_remove("ROUNDTABLE_PSEUDONYM_KEY");
    if let Some(k) = key {
        cmd.env("ROUNDTABLE_PSEUDONYM_KEY", k);
    }
    cmd.output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

const KEY: &str = "correct horse battery staple";

#[test]
fn csv_export_survives_a_round_trip_through_a_csv_reader_with_hostile_replies() {
    let db = database("");
    let id = db.id.to_string();
    let out = ok(&roundtable(
        &db,
        &["export", &id, "--format", "csv"],
        Some(KEY),
    ));
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "discussion",
            "kind",
            "at",
            "member",
            "option_key",
            "option_label",
            "source",
            "text",
            "statement",
            "state",
            "answer"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let votes: Vec<_> = rows.iter().filter(|r| &r[1] == "vote").collect();
    let replies: Vec<_> = rows.iter().filter(|r| &r[1] == "reply").collect();
    assert_eq!(votes.len(), HOSTILE.len());
    assert_eq!(replies.len(), HOSTILE.len() + 1);
    for (written, row) in HOSTILE.iter().zip(&replies) {
        let formula = matches!(written.chars().next(), Some('=' | '+' | '-' | '@'));
        let expected = if formula {
            format!("'{written}")
        } else {
            written.to_string()
        };
        assert_eq!(&row[7], expected.as_str());
        assert_eq!(&row[0], id.as_str());
        assert_eq!(&row[6], "form");
        let at: jiff::Timestamp = row[2].parse().unwrap();
        assert!(row[2].ends_with('Z') && at > "2026-11-30T18:00:00Z".parse().unwrap());
    }
    // Every reply's author has a pseudonym: 16 hex characters, never the Discord id.
    for row in &rows {
        assert_eq!(row[3].len(), 16, "{row:?}");
        assert!(row[3].chars().all(|c| c.is_ascii_hexdigit()));
    }
    assert!(!out.contains("300000000000000000"));
    assert!(!out.contains("1001"), "thread message ids are not exported");
    // The reply's author's stance travels with it.
    assert_eq!(
        (&replies[0][4], &replies[0][5]),
        (
            "stay-out",
            "Stay out: no further U.S. involvement in Syria's war"
        )
    );
    assert!(out.contains("\r\n"), "RFC 4180 line ends");
}

#[test]
fn json_export_to_a_file_parses_back_with_every_reply_exactly() {
    let db = database("");
    let file = db.dir.path().join("out.json");
    let o = roundtable(
        &db,
        &[
            "export",
            "#1",
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
        ],
        Some(KEY),
    );
    assert!(ok(&o).is_empty(), "nothing on stdout when writing a file");
    let note = String::from_utf8_lossy(&o.stderr);
    // Replies with text became statements others can weigh in on (none answered here).
    assert!(
        note.contains(&format!(
            "Exported {} votes, {} replies, ",
            HOSTILE.len(),
            HOSTILE.len() + 1,
        )) && note.contains(" statements and 0 answers of discussion #1"),
        "{note}"
    );
    assert!(!db.dir.path().join("out.json.partial").exists());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(v["discussion"]["question"], seed().question);
    assert_eq!(
        v["discussion"]["closed_at"],
        v["replies"][HOSTILE.len()]["at"]
    );
    let replies = v["replies"].as_array().unwrap();
    for (written, r) in HOSTILE.iter().zip(replies) {
        assert_eq!(r["text"], *written);
    }
    assert_eq!(replies[HOSTILE.len()]["text"], serde_json::Value::Null);
}

#[test]
fn pseudonyms_are_stable_for_a_key_and_differ_across_keys() {
    let db = database("");
    let members = |key: &str| -> Vec<String> {
        let out = ok(&roundtable(
            &db,
            &["export", "1", "--format", "csv"],
            Some(key),
        ));
        let mut r = csv::Reader::from_reader(out.as_bytes());
        r.records().map(|row| row.unwrap()[3].to_string()).collect()
    };
    let a = members(KEY);
    assert_eq!(a, members(KEY));
    let b = members("a different key, also long enough");
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).all(|(x, y)| x != y));
}

#[test]
fn raw_member_ids_only_when_the_configuration_says_so() {
    let db = database("[export]\nraw_member_ids = true\n");
    let out = ok(&roundtable(
        &db,
        &["export", "1", "--format", "csv"],
        Some(KEY),
    ));
    assert!(out.contains(",300000000000000000,"), "{out}");
    let db = database("");
    let out = ok(&roundtable(
        &db,
        &["export", "1", "--format", "csv"],
        Some(KEY),
    ));
    assert!(!out.contains("300000000000000000"));
}

#[test]
fn the_first_export_without_a_key_creates_one_beside_the_database_readable_by_its_owner_only() {
    let db = database("");
    let first = ok(&roundtable(&db, &["export", "1", "--format", "csv"], None));
    let key = db.dir.path().join("r.pseudonym.key");
    assert!(key.exists(), "the key file is beside the database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    assert!(
        !first.contains("300000000000000000"),
        "member ids are pseudonymized"
    );
    let again = ok(&roundtable(&db, &["export", "1", "--format", "csv"], None));
    assert_eq!(first, again, "the same key gives the same pseudonyms");
    // A configured key file wins, and is created on first use too.
    let db = database("[export]\npseudonym_key_file = \"secret.key\"\n");
    let first = ok(&roundtable(&db, &["export", "1", "--format", "csv"], None));
    assert!(db.dir.path().join("secret.key").exists());
    assert!(!db.dir.path().join("r.pseudonym.key").exists());
    let again = ok(&roundtable(&db, &["export", "1", "--format", "csv"], None));
    assert_eq!(first, again);
    let missing = roundtable(&db, &["export", "7", "--format", "csv"], None);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no discussion #7"));
    let usage = roundtable(&db, &["export", "seven", "--format", "csv"], None);
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("`seven` is not a discussion number"));
}

#[test]
fn history_lists_past_discussions_with_links_offline() {
    let db = database("[discord]\nguild_id = 42\n");
    let out = ok(&roundtable(&db, &["history"], None));
    assert!(
        out.starts_with(&format!(
            "#1  How do you think the United States should move forward?\n    2026-11-30 → 2026-11-30 · {} members answered · {} replies from {} members (1 thread reply counted; texts not collected)\n    A tie at 4 votes each between “Stay out",
            HOSTILE.len(),
            HOSTILE.len() + 1,
            HOSTILE.len() + 1
        )),
        "{out}"
    );
    assert!(
        out.contains("\n    https://discord.com/channels/42/123/456\n"),
        "{out}"
    );
    // The link is built from the discussion's own server, whatever the configuration names.
    let without_guild = database("");
    let out = ok(&roundtable(&without_guild, &["history"], None));
    assert!(
        out.contains("\n    https://discord.com/channels/42/123/456\n"),
        "{out}"
    );
    // Another server's history does not show it.
    let out = ok(&roundtable(
        &without_guild,
        &["history", "--server", "7"],
        None,
    ));
    assert!(!out.contains("How do you think"), "{out}");
    let out = ok(&roundtable(
        &without_guild,
        &["history", "--server", "console"],
        None,
    ));
    assert!(!out.contains("https://"), "{out}");
}
