use super::*;
use crate::clock::ManualClock;
use crate::discussion::Rules;
use crate::export::ExportConfig;
use crate::prompt::Prompt;
use crate::store::StoreConfig;
use crate::store::{ReplySource, Store};
use jiff::SignedDuration;
use std::path::Path;
use std::sync::Arc;

const HOSTILE: &[&str] = &[
    "She said \"no\", then \"yes\"",
    "a, b, and c",
    "line one\nline two\r\nline three",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tleading tab (trimmed away by the engine)",
    "Ünïcödé — 日本語 — 🇺🇦 — עברית",
    "'already quoted",
    "＝1+1",
];

struct Fixture {
    engine: Discussions,
    id: DiscussionId,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("e.db"), &StoreConfig::default()).unwrap();
    let clock = Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap()));
    let engine = Discussions::new(
        store,
        clock.clone(),
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let seed = Prompt::from_str_at(
        Path::new("prompts/syria-strike-2017.toml"),
        include_str!("../../prompts/syria-strike-2017.toml"),
    )
    .unwrap();
    let id = engine
        .open(ServerId::Console, &seed, "42", None)
        .unwrap()
        .id();
    for (i, text) in HOSTILE.iter().enumerate() {
        clock.advance(SignedDuration::from_millis(1500));
        let member = format!("10000000000000000{i}");
        engine
            .vote(ServerId::Console, id, &member, "stay-out")
            .unwrap();
        engine
            .reply(
                ServerId::Console,
                id,
                &member,
                ReplySource::Form,
                Some(text),
                None,
            )
            .unwrap();
    }
    clock.advance(SignedDuration::from_secs(1));
    engine
        .reply(
            ServerId::Console,
            id,
            "999",
            ReplySource::Thread,
            None,
            Some("555"),
        )
        .unwrap();
    Fixture {
        engine,
        id,
        _dir: dir,
    }
}

fn pseudonyms() -> MemberIds {
    MemberIds::resolve(
        &ExportConfig::default(),
        Some("a key for the export tests"),
        std::path::Path::new("unused.db"),
    )
    .unwrap()
}

fn export_to_vec(f: &Fixture, format: Format, ids: &MemberIds) -> Vec<u8> {
    let mut out = Vec::new();
    export(&f.engine, ServerId::Console, f.id, format, ids, &mut out).unwrap();
    out
}

#[test]
fn hostile_replies_survive_a_csv_round_trip_and_formulas_are_neutralised() {
    let f = fixture();
    let out = export_to_vec(&f, Format::Csv, &pseudonyms());
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.starts_with(
        "discussion,kind,at,member,option_key,option_label,source,text,statement,state,answer\r\n"
    ));
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let replies: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[1] == "reply").collect();
    let votes = rows.iter().filter(|r| &r[1] == "vote").count();
    assert_eq!(votes, HOSTILE.len());
    assert_eq!(replies.len(), HOSTILE.len() + 1);
    for (written, row) in HOSTILE.iter().zip(&replies) {
        let written = written.trim(); // as the engine stores replies
        let expected = match written.chars().next() {
            Some('=' | '+' | '-' | '@' | '\t' | '＝') => format!("'{written}"),
            _ => written.to_string(),
        };
        assert_eq!(&row[7], expected, "reply {written:?}");
        assert_eq!(&row[6], "form");
        assert_eq!(&row[4], "stay-out");
        assert_eq!(
            &row[5],
            "Stay out: no further U.S. involvement in Syria's war"
        );
    }
    let untexted = replies.last().unwrap();
    assert_eq!(
        (&untexted[6], &untexted[7], &untexted[4]),
        ("thread", "", "")
    );
    // The thread message id would lead back to its author: it is not exported.
    assert!(!text.contains("555"));
    // Times are RFC 3339 UTC.
    assert_eq!(&rows[0][2], "2026-11-30T18:00:01.5Z");
    let at: jiff::Timestamp = rows[0][2].parse().unwrap();
    assert_eq!(at.to_string(), "2026-11-30T18:00:01.5Z");
}

#[test]
fn json_export_parses_back_with_text_exactly_as_written() {
    let f = fixture();
    let out = export_to_vec(&f, Format::Json, &pseudonyms());
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["discussion"]["id"], f.id.0);
    assert_eq!(v["discussion"]["prompt_id"], "syria-strike-2017");
    assert_eq!(v["discussion"]["options"].as_array().unwrap().len(), 6);
    assert_eq!(v["discussion"]["closed_at"], serde_json::Value::Null);
    assert!(v["member_ids"]
        .as_str()
        .unwrap()
        .starts_with("pseudonymized"));
    let votes = v["votes"].as_array().unwrap();
    let replies = v["replies"].as_array().unwrap();
    assert_eq!(votes.len(), HOSTILE.len());
    assert_eq!(votes[0]["option"], "stay-out");
    for (written, r) in HOSTILE.iter().zip(replies) {
        assert_eq!(r["text"], written.trim());
        assert_eq!(r["stance"], "stay-out");
    }
    let last = replies.last().unwrap();
    assert_eq!(last["text"], serde_json::Value::Null);
    assert_eq!(last["source"], "thread");
}

#[test]
fn member_ids_are_pseudonyms_unless_raw_ids_are_enabled() {
    let f = fixture();
    let pseudo = String::from_utf8(export_to_vec(&f, Format::Csv, &pseudonyms())).unwrap();
    assert!(!pseudo.contains("100000000000000000"), "{pseudo}");
    let expected = pseudonyms().show("100000000000000000").into_owned();
    assert!(pseudo.contains(&expected));
    let raw = String::from_utf8(export_to_vec(&f, Format::Json, &MemberIds::Raw)).unwrap();
    assert!(raw.contains("\"member\":\"100000000000000000\""));
    assert!(raw.contains("\"member_ids\":\"raw\""));
}

#[test]
fn a_discussion_without_rows_exports_headers_only() {
    let f = fixture();
    let seed = f.engine.get(ServerId::Console, f.id).unwrap().record.prompt;
    let empty = f
        .engine
        .open(ServerId::Console, &seed, "42", None)
        .unwrap()
        .id();
    let mut csv_out = Vec::new();
    let s = export(
        &f.engine,
        ServerId::Console,
        empty,
        Format::Csv,
        &MemberIds::Raw,
        &mut csv_out,
    )
    .unwrap();
    assert_eq!(
        s,
        ExportSummary {
            votes: 0,
            replies: 0,
            statements: 0,
            answers: 0,
        }
    );
    assert_eq!(csv_out.iter().filter(|&&b| b == b'\n').count(), 1);
    let mut json_out = Vec::new();
    export(
        &f.engine,
        ServerId::Console,
        empty,
        Format::Json,
        &MemberIds::Raw,
        &mut json_out,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json_out).unwrap();
    for array in ["votes", "replies", "statements", "answers"] {
        assert_eq!(v[array], serde_json::json!([]), "{array}");
    }
}

/// A writer that fails once `limit` bytes have been written.
struct Full {
    written: usize,
    limit: usize,
}

impl Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written + buf.len() > self.limit {
            return Err(std::io::Error::other("disk full"));
        }
        self.written += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_writer_stops_the_export_with_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("big.db"), &StoreConfig::default()).unwrap();
    let engine = Discussions::new(
        store,
        Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap())),
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let seed = Prompt::from_str_at(
        Path::new("prompts/syria-strike-2017.toml"),
        include_str!("../../prompts/syria-strike-2017.toml"),
    )
    .unwrap();
    let id = engine
        .open(ServerId::Console, &seed, "42", None)
        .unwrap()
        .id();
    for i in 0..2000 {
        engine
            .vote(ServerId::Console, id, &format!("m{i}"), "other")
            .unwrap();
    }
    for format in [Format::Csv, Format::Json] {
        let out = Full {
            written: 0,
            limit: 20_000,
        };
        let err = export(&engine, ServerId::Console, id, format, &MemberIds::Raw, out).unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
    }
}

#[test]
fn only_formula_openers_are_neutralised() {
    for s in ["=1", "+1", "-1", "@a", "\tx", "\rx", "＝1", "＠a"] {
        assert_eq!(neutralise(s), format!("'{s}"));
    }
    for s in [
        "",
        "a=1",
        "'=1",
        "1-2",
        "stay-out",
        "e@mail",
        " plain",
        "\u{3000}text",
    ] {
        assert_eq!(neutralise(s), s);
    }
}

#[test]
fn a_formula_behind_whitespace_a_bom_nul_or_in_a_small_form_is_neutralised() {
    for s in [
        " =1+1",
        "  +1",
        "\n=HYPERLINK(\"x\")",
        "\r\n-1",
        "\0=1",
        "\u{3000}=1",
        "\u{feff}=1",
        "\u{feff} @SUM(A1)",
        "\u{200b}=1",
        "﹦1",
        "﹢1",
        "﹣1",
        "﹫a",
        "＝1",
        "＋1",
        "－1",
    ] {
        assert_eq!(neutralise(s), format!("'{s}"), "{s:?}");
    }
}

#[test]
fn formats_are_named_as_typed() {
    assert_eq!("CSV".parse::<Format>(), Ok(Format::Csv));
    assert_eq!("json".parse::<Format>(), Ok(Format::Json));
    assert!("xml".parse::<Format>().unwrap_err().contains("csv or json"));
}

/// The fixture, plus a moderator's statement that looks like a formula, a hidden one, and answers.
fn with_statements() -> (Fixture, i64, i64) {
    let f = fixture();
    let (server, id) = (ServerId::Console, f.id);
    let added = |text: &str| match f
        .engine
        .add_statement(server, id, "mod:rosa", StatementOrigin::Moderator, text)
        .unwrap()
    {
        StatementOutcome::Added { id } => id,
        other => panic!("{other:?}"),
    };
    let formula = added("=HYPERLINK(\"http://x\",\"click\")");
    let hidden = added("A statement moderators hid");
    f.engine.hide_statement(server, id, hidden).unwrap();
    let d = f.engine.get(server, id).unwrap();
    f.engine
        .answer(&d, "100000000000000001", formula, Answer::Agree)
        .unwrap();
    f.engine
        .answer(&d, "100000000000000002", formula, Answer::Disagree)
        .unwrap();
    (f, formula, hidden)
}

use crate::discussion::StatementOutcome;
use crate::opinion::Answer;
use crate::store::StatementOrigin;

#[test]
fn statements_and_answers_are_exported_to_csv_pseudonymized_and_neutralised() {
    let (f, formula, hidden) = with_statements();
    let ids = pseudonyms();
    let mut out = Vec::new();
    let summary = export(
        &f.engine,
        ServerId::Console,
        f.id,
        Format::Csv,
        &ids,
        &mut out,
    )
    .unwrap();
    let statements = f.engine.statements(ServerId::Console, f.id).unwrap();
    assert_eq!(summary.statements, statements.len() as u64);
    assert_eq!(summary.answers, 2);
    assert!(
        summary.to_string().ends_with("statements and 2 answers"),
        "{summary}"
    );
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(!text.contains("100000000000000001"), "{text}");
    assert!(!text.contains("rosa"), "a moderator's name is not exported");
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(out.as_slice())
        .records()
        .map(Result::unwrap)
        .collect();
    let row = |kind: &str, statement: i64| {
        rows.iter()
            .find(|r| &r[1] == kind && r[8] == statement.to_string())
            .unwrap_or_else(|| panic!("no {kind} row for {statement}"))
    };
    let s = row("statement", formula);
    assert_eq!(&s[3], "moderator");
    assert_eq!(&s[6], "moderator");
    assert_eq!(&s[7], "'=HYPERLINK(\"http://x\",\"click\")");
    assert_eq!(&s[9], "shown");
    assert_eq!(&row("statement", hidden)[9], "hidden");
    // A member's reply became a statement: by their pseudonym, neutralised like the reply.
    let by_member = rows
        .iter()
        .find(|r| &r[1] == "statement" && &r[6] == "reply" && r[7].starts_with("'=cmd"))
        .expect("the formula reply's statement");
    assert_eq!(&by_member[3], ids.show("100000000000000003").as_ref());
    let answers: Vec<_> = rows.iter().filter(|r| &r[1] == "answer").collect();
    assert_eq!(answers.len(), 2);
    assert_eq!(&answers[0][8], formula.to_string().as_str());
    assert_eq!(&answers[0][3], ids.show("100000000000000001").as_ref());
    assert_eq!(&answers[0][10], "agree");
    assert_eq!(&answers[1][10], "disagree");
    assert!(answers[0][2].parse::<jiff::Timestamp>().is_ok());
}

#[test]
fn statements_and_answers_are_exported_to_json_with_text_as_written() {
    let (f, formula, hidden) = with_statements();
    let ids = pseudonyms();
    let v: serde_json::Value =
        serde_json::from_slice(&export_to_vec(&f, Format::Json, &ids)).unwrap();
    let statements = v["statements"].as_array().unwrap();
    let find = |id: i64| statements.iter().find(|s| s["id"] == id).unwrap();
    assert_eq!(find(formula)["text"], "=HYPERLINK(\"http://x\",\"click\")");
    assert_eq!(find(formula)["author"], "moderator");
    assert_eq!(find(formula)["origin"], "moderator");
    assert_eq!(find(hidden)["state"], "hidden");
    let from_reply = statements.iter().find(|s| s["origin"] == "reply").unwrap();
    assert_eq!(
        from_reply["author"],
        ids.show("100000000000000000").as_ref()
    );
    assert_eq!(from_reply["text"], HOSTILE[0]);
    let answers = v["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["statement"], formula);
    assert_eq!(
        answers[0]["member"],
        ids.show("100000000000000001").as_ref()
    );
    assert_eq!(answers[1]["answer"], "disagree");
    // The earlier arrays are intact.
    assert_eq!(v["votes"].as_array().unwrap().len(), HOSTILE.len());
    assert_eq!(v["replies"].as_array().unwrap().len(), HOSTILE.len() + 1);
}
