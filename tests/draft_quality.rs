//! How good are drafts? Every hand-labelled article under `tests/fixtures/articles/` is drafted and
//! measured: precision and recall of speaker attribution (who speaks; which quotation is whose), of
//! the mentioned-only actors, and ROUGE-1 / ROUGE-2 of the summary against a hand-written reference,
//! next to the lead-3 baseline. The table prints with
//! `cargo test --test draft_quality -- --nocapture` (`DRAFT_EVAL_VERBOSE=1` adds the details).
//! The tests pin floors, and the exact speakers of the seed article.

use roundtable::config::DraftConfig;
use roundtable::draft::rouge::rouge_n;
use roundtable::draft::{draft_text, Analysis, DraftOptions, FoundActor};
use serde::Deserialize;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/articles");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    /// The article, relative to the crate root; default: the `.txt` beside the labels.
    article: Option<PathBuf>,
    /// Labelled before the draft was first run on it (the 2020 set B of the first README table).
    #[serde(default)]
    heldout: bool,
    /// wire, press-release, transcript, roundup, interview or opinion.
    kind: String,
    /// "dev" (rules may be studied and tuned on it) or "test" (labelled first, run once, then reported).
    part: String,
    /// The article's own question to its readers, when it asks one.
    question: Option<String>,
    reference_summary: String,
    #[serde(default)]
    maybe: Vec<Vec<String>>,
    #[serde(default)]
    mentioned: Vec<Vec<String>>,
    #[serde(default)]
    maybe_mentioned: Vec<Vec<String>>,
    speakers: Vec<Speaker>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Speaker {
    aliases: Vec<String>,
    #[serde(default)]
    quotes: Vec<String>,
}

/// A found name is one of `aliases` when it equals or contains (as whole words) one of them.
fn matches(name: &str, aliases: &[String]) -> bool {
    let name = name.to_lowercase().replace("u.s.", "united states");
    aliases.iter().any(|a| {
        name == *a
            || name.match_indices(a.as_str()).any(|(i, _)| {
                let before = name[..i].chars().next_back();
                let after = name[i + a.len()..].chars().next();
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                !word(before) && !word(after)
            })
    })
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    labelled: usize,
    found: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.labelled += o.labelled;
        self.found += o.found;
    }
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.labelled == 0 {
            1.0
        } else {
            self.found as f64 / self.labelled as f64
        }
    }
}

/// Set-level precision and recall of actors found against labelled ones; `maybe` are ignored.
fn score_actors<'a>(
    found: impl Iterator<Item = &'a FoundActor>,
    labelled: &[Vec<String>],
    maybe: &[Vec<String>],
    sentences: &[String],
    log: &mut Vec<String>,
) -> Counts {
    let mut c = Counts {
        labelled: labelled.len(),
        ..Counts::default()
    };
    let mut hit = vec![false; labelled.len()];
    for a in found {
        if let Some(i) = labelled.iter().position(|l| matches(&a.name, l)) {
            if hit[i] {
                c.fp += 1; // the same actor twice
                log.push(format!("  TWICE   {}", a.name));
            } else {
                c.tp += 1;
                hit[i] = true;
            }
        } else if maybe.iter().any(|m| matches(&a.name, m)) {
            log.push(format!("  (maybe) {}", a.name));
        } else {
            c.fp += 1;
            // the sentence it was found speaking in, to see why
            let first = a.statements.first().and_then(|&i| sentences.get(i));
            let quote = a.quotes.first().map(|q| format!("“{}”", q.text));
            let from: String = first
                .cloned()
                .or(quote)
                .map_or(String::new(), |s| s.chars().take(140).collect());
            log.push(format!("  FALSE   {} ({:?}) in: {from}", a.name, a.kind));
        }
    }
    c.found = hit.iter().filter(|h| **h).count();
    for (i, l) in labelled.iter().enumerate() {
        if !hit[i] {
            log.push(format!("  MISSED  {l:?}"));
        }
    }
    c
}

/// Quotations attributed to the right speaker: recall over labelled quotations, precision over
/// quotations the draft attributed.
/// A labelled quotation must be in the article (`text`, a label's typo fails here); one the draft
/// left out of its body (a headline, say) is labelled and missed.
fn score_quotes(a: &Analysis, text: &str, labels: &Labels, log: &mut Vec<String>) -> Counts {
    let mut c = Counts::default();
    let mut labelled_at: Vec<(usize, usize)> = Vec::new(); // (offset, speaker label)
    let mut dropped = 0;
    for (si, s) in labels.speakers.iter().enumerate() {
        for q in &s.quotes {
            let (words, nth) = match q.rsplit_once('@') {
                Some((w, n)) => (w, n.parse::<usize>().unwrap_or(1)),
                None => (q.as_str(), 1),
            };
            match a.body.match_indices(words).nth(nth - 1) {
                Some((at, _)) => labelled_at.push((at, si)),
                None => {
                    assert!(
                        text.match_indices(words).count() >= nth,
                        "label quote not in the article: {q}"
                    );
                    dropped += 1;
                    log.push(format!(
                        "  MISSED QUOTE of {:?} (not in the draft's body): {q}",
                        labels.speakers[si].aliases
                    ));
                }
            }
        }
    }
    c.labelled = labelled_at.len() + dropped;
    for (at, si) in &labelled_at {
        let found = a.actors.iter().any(|actor| {
            matches(&actor.name, &labels.speakers[*si].aliases)
                && actor.quotes.iter().any(|q| (q.start..q.end).contains(at))
        });
        // recall counts labelled quotations found: a transcript turn drafted as one quotation
        // finds each of its paragraphs that a labeller counted as one
        if found {
            c.found += 1;
        } else {
            log.push(format!(
                "  MISSED QUOTE of {:?}: {}",
                labels.speakers[*si].aliases,
                a.body[*at..].chars().take(50).collect::<String>()
            ));
        }
    }
    for actor in &a.actors {
        for q in &actor.quotes {
            let span = q.start..q.end;
            match labelled_at.iter().find(|(at, _)| span.contains(at)) {
                Some(&(_, si)) if matches(&actor.name, &labels.speakers[si].aliases) => {
                    c.tp += 1;
                }
                Some(&(_, si)) => {
                    c.fp += 1;
                    log.push(format!(
                        "  QUOTE to {} but labelled {:?}: {}",
                        actor.name,
                        labels.speakers[si].aliases,
                        q.text.chars().take(50).collect::<String>()
                    ));
                }
                None => {
                    c.fp += 1;
                    log.push(format!(
                        "  QUOTE to {} unlabelled: {}",
                        actor.name,
                        q.text.chars().take(50).collect::<String>()
                    ));
                }
            }
        }
    }
    c
}

struct Row {
    name: String,
    kind: String,
    part: String,
    /// (article asks a question, the draft took one from the article, it is the labelled one)
    question: (bool, bool, bool),
    speakers: Counts,
    quotes: Counts,
    mentioned: Counts,
    ours: (f64, f64),
    lead: (f64, f64),
    words: usize,
}

fn evaluate() -> Vec<(Row, Analysis)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".labels.toml"))
        .collect();
    files.sort();
    let verbose = std::env::var_os("DRAFT_EVAL_VERBOSE").is_some();
    let mut rows = Vec::new();
    // DRAFT_EVAL_PARTS=dev while studying the rules: the test part is run only when it is meant to be.
    let parts = std::env::var("DRAFT_EVAL_PARTS").unwrap_or_else(|_| "dev,test".to_string());
    for file in files {
        let labels: Labels = toml::from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".labels.toml")
            .to_string();
        if !parts.split(',').any(|p| p.trim() == labels.part) {
            continue;
        }
        // DRAFT_EVAL_ONLY=a,b: only the named articles.
        if let Ok(only) = std::env::var("DRAFT_EVAL_ONLY") {
            if !only.split(',').any(|o| o.trim() == name) {
                continue;
            }
        }
        let article = match &labels.article {
            Some(p) => Path::new(env!("CARGO_MANIFEST_DIR")).join(p),
            None => Path::new(FIXTURES).join(format!("{name}.txt")),
        };
        let text = std::fs::read_to_string(&article).unwrap();
        let d = draft_text(
            &article,
            &text,
            &DraftOptions::new(name.clone(), &DraftConfig::default()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let a = d.analysis;
        let mut log = Vec::new();
        let labelled: Vec<Vec<String>> =
            labels.speakers.iter().map(|s| s.aliases.clone()).collect();
        let speakers = score_actors(
            a.speakers(),
            &labelled,
            &labels.maybe,
            &a.sentences,
            &mut log,
        );
        let quotes = score_quotes(&a, &text, &labels, &mut log);
        let mut maybe_m = labels.maybe_mentioned.clone();
        maybe_m.extend(labels.maybe.iter().cloned());
        let mentioned = score_actors(
            a.mentioned(),
            &labels.mentioned,
            &maybe_m,
            &a.sentences,
            &mut log,
        );
        let summary = d.prompt.summary.clone();
        let lead = a.lead(3);
        let r = &labels.reference_summary;
        let ours = (rouge_n(&summary, r, 1).f1, rouge_n(&summary, r, 2).f1);
        let lead3 = (rouge_n(&lead, r, 1).f1, rouge_n(&lead, r, 2).f1);
        let _ = labels.heldout;
        let drafted_q = a.question_from_article.then(|| d.prompt.question.clone());
        let question = (
            labels.question.is_some(),
            drafted_q.is_some(),
            match (&labels.question, &drafted_q) {
                (Some(l), Some(q)) => {
                    let norm =
                        |s: &str| s.trim().replace(['’', '‘'], "'").replace(['“', '”'], "\"");
                    norm(q).contains(&norm(l)) || norm(l).contains(&norm(q))
                }
                (None, None) => true,
                _ => false,
            },
        );
        if verbose && !question.2 {
            log.push(format!(
                "  QUESTION labelled {:?}, drafted {:?}",
                labels.question, drafted_q
            ));
        }
        if verbose {
            println!("== {name}");
            for l in &log {
                println!("{l}");
            }
            println!("  summary: {summary}");
        }
        rows.push((
            Row {
                name,
                kind: labels.kind.clone(),
                part: labels.part.clone(),
                question,
                speakers,
                quotes,
                mentioned,
                ours,
                lead: lead3,
                words: summary.split_whitespace().count(),
            },
            a,
        ));
    }
    rows
}

#[derive(Default)]
struct Totals {
    speakers: Counts,
    quotes: Counts,
    mentioned: Counts,
    ours: (f64, f64),
    lead: (f64, f64),
    n: usize,
    /// articles that ask a question, found; articles that ask none, none taken
    asked: (usize, usize),
    not_asked: (usize, usize),
}

impl Totals {
    fn add(&mut self, r: &Row) {
        self.speakers.add(r.speakers);
        self.quotes.add(r.quotes);
        self.mentioned.add(r.mentioned);
        self.ours.0 += r.ours.0;
        self.ours.1 += r.ours.1;
        self.lead.0 += r.lead.0;
        self.lead.1 += r.lead.1;
        self.n += 1;
        let (asks, _, right) = r.question;
        if asks {
            self.asked.0 += 1;
            self.asked.1 += usize::from(right);
        } else {
            self.not_asked.0 += 1;
            self.not_asked.1 += usize::from(right);
        }
    }
    fn mean(&self, x: f64) -> f64 {
        x / self.n.max(1) as f64
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{:<36} {:>3} {:.2}/{:.2}      {:.2}/{:.2}    {:.2}/{:.2}       {:.3} / {:.3}            {:.3} / {:.3}      {}/{} asked, {}/{} none\n",
            name,
            self.n,
            self.speakers.precision(),
            self.speakers.recall(),
            self.quotes.precision(),
            self.quotes.recall(),
            self.mentioned.precision(),
            self.mentioned.recall(),
            self.mean(self.ours.0),
            self.mean(self.lead.0),
            self.mean(self.ours.1),
            self.mean(self.lead.1),
            self.asked.1,
            self.asked.0,
            self.not_asked.1,
            self.not_asked.0,
        )
    }
}

const HEADER: &str = "                                       n  speakers P/R   quotes P/R   mentioned P/R   ROUGE-1 F draft/lead-3   ROUGE-2 F draft/lead-3   question right\n";

fn table(rows: &[(Row, Analysis)]) -> String {
    let mut out = String::from(HEADER);
    let mut parts: std::collections::BTreeMap<String, Totals> = Default::default();
    let mut kinds: std::collections::BTreeMap<(String, String), Totals> = Default::default();
    for (r, _) in rows {
        let mut one = Totals::default();
        one.add(r);
        out += &one.line(&format!("{} [{} {}]", r.name, r.part, r.kind));
        parts.entry(r.part.clone()).or_default().add(r);
        kinds
            .entry((r.part.clone(), r.kind.clone()))
            .or_default()
            .add(r);
    }
    out += "\nby part and kind (pooled P/R, mean ROUGE)\n";
    out += HEADER;
    for ((part, kind), t) in &kinds {
        out += &t.line(&format!("{part} {kind}"));
    }
    for (part, t) in &parts {
        out += &t.line(&format!("{} ALL", part.to_uppercase()));
    }
    out
}

fn totals(rows: &[(Row, Analysis)], part: &str) -> Totals {
    let mut t = Totals::default();
    for (r, _) in rows.iter().filter(|(r, _)| r.part == part) {
        t.add(r);
    }
    t
}

#[test]
fn draft_quality_on_the_labelled_articles() {
    let rows = evaluate();
    println!("{}", table(&rows));
    for (r, _) in &rows {
        assert!(r.words <= 125, "{}: summary of {} words", r.name, r.words);
    }
    let dev = totals(&rows, "dev");
    if dev.n > 0 {
        assert!(dev.n >= 195, "the dev part has {} articles", dev.n);
        // What the dev part reached (the rules were studied on it), fresh sets 1 (12 articles), 2
        // (11), 3 (12), 4 (22), 5 (24), 6 (24), 7 (24) and 8 (25) included since their misses
        // were studied: speakers 0.91 / 0.81, quotations 0.93 / 0.82; a question taken from 4 of
        // 192 articles that ask none (an interview of bare questions,
        // `wikinews-lord-leutwyler-interview-2008`, `wikinews-nhs-scotland-salaries`, a
        // columnist's rhetorical question at the end of `conversation-grattan-mud-flies-2025` and
        // a photo caption's question in a Fox News page); the 3 that ask one are found.
        assert!(
            dev.speakers.precision() >= 0.90 && dev.speakers.recall() >= 0.80,
            "dev speakers {:?}",
            dev.speakers
        );
        assert!(
            dev.quotes.precision() >= 0.92 && dev.quotes.recall() >= 0.81,
            "dev quotes {:?}",
            dev.quotes
        );
        assert!(dev.mean(dev.ours.0) >= dev.mean(dev.lead.0) - 0.01);
        assert_eq!(dev.asked.1, dev.asked.0, "dev: articles asking a question");
        assert!(
            dev.not_asked.1 + 4 >= dev.not_asked.0,
            "dev: a question taken from {} of {} articles that ask none",
            dev.not_asked.0 - dev.not_asked.1,
            dev.not_asked.0
        );
    }
    let test = totals(&rows, "test");
    if test.n > 0 {
        assert!(test.n >= 24, "the test part has {} articles", test.n);
        // The test part is fresh set 9 of issue 12: 24 articles labelled by hand before the
        // drafter ever ran on them, run once after fresh set 8 was studied (see
        // tests/fixtures/articles/README.md). That first run was speakers 0.62 / 0.58, quotations
        // 0.68 / 0.61, ROUGE-1 0.387 against lead-3's 0.325, a question taken from none of the 22
        // that ask none and found in 1 of the 2 that ask one. These floors are that run, so that a
        // change which does worse on text nobody tuned on fails here; the target is 0.9. Study
        // these articles only after labelling a fresh test part to take their place.
        assert!(
            test.speakers.precision() >= 0.61 && test.speakers.recall() >= 0.57,
            "test speakers {:?}",
            test.speakers
        );
        assert!(
            test.quotes.precision() >= 0.67 && test.quotes.recall() >= 0.60,
            "test quotes {:?}",
            test.quotes
        );
        assert!(
            test.mean(test.ours.0) > test.mean(test.lead.0),
            "test: ROUGE-1 of the drafts {:.3} vs lead-3 {:.3}",
            test.mean(test.ours.0),
            test.mean(test.lead.0)
        );
        assert!(
            test.not_asked.1 + 2 >= test.not_asked.0,
            "test: a question taken from {} of {} articles that ask none",
            test.not_asked.0 - test.not_asked.1,
            test.not_asked.0
        );
    }
}
