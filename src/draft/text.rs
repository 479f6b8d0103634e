//! The text stage: the article's body as paragraphs, sentences (the [`sentences`] stage) and
//! quotations (the [`quotations`] stage), with byte ranges into the body that every later stage uses.
//!
//! [`sentences`]: super::sentences
//! [`quotations`]: super::quotations

use super::lexicon::{Lexicon, NounKind};
use super::page::{Meta, Page};
use super::quotations::{self, Span, Speaker};
use super::sentences;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the body.
    pub range: Range<usize>,
    pub para: usize,
    /// Indices into [`Text::quotes`].
    pub quotes: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The quotation with its marks, in the body.
    pub outer: Range<usize>,
    /// The words inside the marks.
    pub inner: Range<usize>,
    pub sentence: usize,
    /// Who the layout says is speaking (a caption, an introducing sentence), if it says.
    pub speaker: Speaker,
    /// In a transcript, the turn (from a caption to the next) the quotation is a paragraph of:
    /// the paragraphs of one turn are one quotation.
    pub turn: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Text {
    pub meta: Meta,
    /// The article's text, line endings normalised to `\n`.
    pub body: String,
    pub paragraphs: Vec<Range<usize>>,
    pub sentences: Vec<Sentence>,
    pub quotes: Vec<Quote>,
}

impl Text {
    /// Plain text (with optional header lines) to paragraphs, sentences and quotations.
    pub fn parse(input: &str, lex: &Lexicon) -> Text {
        Text::from_page(Page::from_text(input), lex)
    }

    pub fn from_page(page: Page, lex: &Lexicon) -> Text {
        let mut text = Text {
            meta: page.meta,
            body: page.text,
            ..Text::default()
        };
        text.paragraphs = paragraphs(&text.body);
        let read_captions = |outlet: Option<&str>| -> Vec<Option<quotations::Caption>> {
            text.paragraphs
                .iter()
                .map(|r| quotations::caption(&text.body[r.clone()], outlet, lex))
                .map(|c| c.map(|c| interviewer_in_title(c, text.meta.title.as_deref())))
                .collect()
        };
        let mut captions = read_captions(text.meta.outlet.as_deref());
        interviewer_by_surname(&mut captions);
        // every turn an interviewer's: the outlet names the one answering ("transcripts of the
        // Hon Dr Jim Chalmers MP" on the Treasurer's site), so the outlet marks no one
        let named = captions.iter().flatten().count();
        if named >= 2 && captions.iter().flatten().all(|c| c.interviewer) {
            captions = read_captions(None);
            interviewer_by_surname(&mut captions);
        }
        // a label alone on its line over a value ("Release Date:", then "27/09/2018"; "Release
        // Type:", then "Transcript"), or over another caption, is a page's details, no turn
        let value = |r: &Range<usize>| {
            let v = text.body[r.clone()].trim();
            v.split_whitespace().count() <= 3
                && !v.contains([',', ';', ':', '—'])
                && !v.ends_with(['.', '?', '!', '…', '"', '”'])
        };
        let labels: Vec<usize> = (0..captions.len())
            .filter(|&p| {
                captions[p].as_ref().is_some_and(|c| c.alone)
                    && (captions.get(p + 1).is_some_and(Option::is_some)
                        || text.paragraphs.get(p + 1).is_some_and(value))
            })
            .collect();
        for p in labels {
            captions[p] = None;
        }
        // a block of label lines ("Period of Service: 11/04/2022 - Current", "Release Date:",
        // "Transcript ID:") is a page's details, no turn
        let details = |r: &Range<usize>| {
            let lines: Vec<&str> = text.body[r.clone()]
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let label = |l: &&str| {
                l.split_once(':').is_some_and(|(h, v)| {
                    !h.trim().is_empty()
                        && h.split_whitespace().count() <= 4
                        && v.split_whitespace().count() <= 4
                })
            };
            lines.len() >= 3 && lines.iter().filter(|l| label(l)).count() >= 2
        };
        for (p, r) in text.paragraphs.iter().enumerate() {
            if captions[p].is_some() && details(r) {
                captions[p] = None;
            }
        }
        // a name in ordinary case alone on its line is a caption when there are two such lines
        // (one could be a heading)
        let plain_alone = |c: &quotations::Caption| c.alone && !c.shouted;
        if captions.iter().flatten().filter(|c| plain_alone(c)).count() < 2 {
            for c in captions.iter_mut() {
                if c.as_ref().is_some_and(plain_alone) {
                    *c = None;
                }
            }
        }
        asker_is_interviewer(&text, &mut captions);
        office_answers(&text, lex, &mut captions);
        // two captions make a transcript, or one in capitals ("MR. EARNEST:")
        // (a caption alone on its line could be a heading: two of them, then)
        let transcript = captions.iter().filter(|c| c.is_some()).count() >= 2
            || captions.iter().flatten().any(|c| c.shouted && !c.alone);
        let (signed, mut signature_para) = if transcript {
            let n = text.paragraphs.len();
            (vec![None; n], vec![false; n])
        } else {
            signed_blocks(&text, lex)
        };
        // quotations each signed on their last line, in a list of two or more
        let mut line_signed: Vec<Option<(String, Option<String>, usize)>> = text
            .paragraphs
            .iter()
            .map(|r| {
                (!transcript)
                    .then(|| signed_last_line(&text.body[r.clone()], lex))
                    .flatten()
            })
            .collect();
        if line_signed.iter().flatten().count() < 2 {
            line_signed.iter_mut().for_each(|x| *x = None);
        }
        let mut turn: Option<Speaker> = None;
        let mut turns = 0; // captions read, to number the turns
        let mut intro: Option<usize> = None; // the sentence introducing what follows
                                             // the introducing sentence reports speech ("..., said:"): its next paragraph is speech
        let mut reported = false;
        // a quotation left open at a paragraph's end, never reopened, and closed in a later
        // paragraph: (its index in `text.quotes`, the last paragraph it runs through)
        let mut running: Option<(usize, usize)> = None;
        for (p, range) in text.paragraphs.clone().into_iter().enumerate() {
            // a signature under a statement is no sentence of the article
            if signature_para[p] {
                continue;
            }
            let para = &text.body[range.clone()];
            let mut area = range.clone();
            let mut spans: Vec<Span> = Vec::new();
            let mut para_turn = None;
            if let Some((q, last)) = running.filter(|&(_, last)| p <= last) {
                // the paragraph goes on with the open quotation: no quotation of its own
                let end = if p == last {
                    para.find(['”', '»', '"'])
                        .map_or(range.end, |i| range.start + i)
                } else {
                    range.end
                };
                text.quotes[q].inner.end = end;
                text.quotes[q].outer.end = if p == last {
                    end + para[end - range.start..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8)
                } else {
                    end
                };
                for s in sentences::split(&text.body, area, &spans, lex) {
                    text.sentences.push(Sentence {
                        range: s,
                        para: p,
                        quotes: text.quotes.len()..text.quotes.len(),
                    });
                }
                if p == last {
                    running = None;
                    intro = None;
                }
                continue;
            }
            match captions[p].as_ref().filter(|_| transcript) {
                Some(c) => {
                    area.start += c.len;
                    let speaker = Speaker::Caption {
                        name: c.name.clone(),
                        role: c.role.clone(),
                        interviewer: c.interviewer,
                    };
                    if !area.is_empty() {
                        spans.push(Span {
                            outer: area.clone(),
                            inner: area.clone(),
                            speaker: speaker.clone(),
                        });
                    }
                    turn = Some(speaker);
                    turns += 1;
                    para_turn = Some(turns);
                    intro = None;
                }
                None if turn.is_some() => {
                    // the same speaker goes on
                    para_turn = Some(turns);
                    spans.push(Span {
                        outer: area.clone(),
                        inner: area.clone(),
                        speaker: turn.clone().unwrap_or_default(),
                    });
                }
                None if line_signed[p].is_some() => {
                    let (name, role, at) = line_signed[p].clone().unwrap_or_default();
                    let end = range.start + para[..at].trim_end().len();
                    area.end = end;
                    spans.push(Span {
                        outer: range.start..end,
                        inner: range.start..end,
                        speaker: Speaker::Caption {
                            name,
                            role,
                            interviewer: false,
                        },
                    });
                    intro = None;
                }
                None if signed[p].is_some() => {
                    spans.push(Span {
                        outer: area.clone(),
                        inner: area.clone(),
                        speaker: Speaker::Caption {
                            name: signed[p].clone().unwrap_or_default(),
                            role: None,
                            interviewer: false,
                        },
                    });
                    intro = None;
                }
                None => {
                    spans = quotations::pair(&text.body, range.clone());
                    let next = text.paragraphs.get(p + 1).map(|r| &text.body[r.clone()]);
                    if let Some((name, signed)) =
                        headed_or_signed(para, range.start, &spans, next, lex)
                    {
                        if signed {
                            signature_para[p + 1] = true;
                        }
                        for s in &mut spans {
                            s.speaker = Speaker::Caption {
                                name: name.clone(),
                                role: None,
                                interviewer: false,
                            };
                        }
                        intro = None;
                    } else if let Some(at) = intro {
                        let starts_quoted =
                            spans.first().is_some_and(|s| s.outer.start == range.start);
                        if starts_quoted {
                            spans[0].speaker = Speaker::Intro(at);
                        } else if spans.is_empty() && (reported || quotations::first_person(para)) {
                            spans.push(Span {
                                outer: range.clone(),
                                inner: range.clone(),
                                speaker: Speaker::Intro(at),
                            });
                        } else {
                            intro = None;
                        }
                    }
                }
            }
            let first_quote = text.quotes.len();
            let mut next_span = 0;
            for s in sentences::split(&text.body, area, &spans, lex) {
                let index = text.sentences.len();
                let first = text.quotes.len();
                while next_span < spans.len() && spans[next_span].outer.start < s.start {
                    next_span += 1;
                }
                let end = next_span + spans[next_span..].partition_point(|q| q.outer.start < s.end);
                for q in &spans[next_span..end] {
                    text.quotes.push(Quote {
                        outer: q.outer.clone(),
                        inner: q.inner.clone(),
                        sentence: index,
                        speaker: q.speaker.clone(),
                        turn: para_turn,
                    });
                }
                text.sentences.push(Sentence {
                    range: s,
                    para: p,
                    quotes: first..text.quotes.len(),
                });
            }
            let _ = first_quote;
            if turn.is_none() && captions[p].is_none() {
                running = left_open(&text, p, range.clone())
                    .and_then(|last| text.quotes.len().checked_sub(1).map(|q| (q, last)));
            }
            reported = false;
            if turn.is_none() && quotations::introduces(para) {
                intro = text.sentences.len().checked_sub(1);
                reported = intro
                    .is_some_and(|i| quotations::reports_before_colon(text.sentence_text(i), lex));
            }
        }
        text
    }

    pub fn sentence_text(&self, i: usize) -> &str {
        &self.body[self.sentences[i].range.clone()]
    }
}

/// The paragraphs of statements signed with a name alone on the line after them, by a person the
/// article has just named: a post or letter quoted without quotation marks ("... in a Facebook
/// post on Sunday, June 14." then "I am just starting a hunger strike. ... Suad Missini"). The
/// block runs back from the signature over paragraphs without quotation marks that do not name
/// the signer, to the paragraph that does (which stays the reporter's), and starts at its first
/// paragraph in the first person. `None` for the reporter's paragraphs; and which paragraphs are
/// the signatures.
fn signed_blocks(text: &Text, lex: &Lexicon) -> (Vec<Option<String>>, Vec<bool>) {
    let paras: Vec<&str> = text
        .paragraphs
        .iter()
        .map(|r| &text.body[r.clone()])
        .collect();
    let mut out = vec![None; paras.len()];
    let mut signatures = vec![false; paras.len()];
    for (p, para) in paras.iter().enumerate() {
        let Some(name) = signature(para, lex) else {
            continue;
        };
        let surname = name.rsplit(' ').next().unwrap_or_default().to_string();
        let names_signer = |q: &str| {
            q.split(|c: char| !c.is_alphanumeric())
                .any(|w| w == surname)
        };
        let mut start = p;
        let mut named_before = false;
        while start > 0 && p - start < 8 {
            let q = paras[start - 1];
            if names_signer(q) {
                let bare = q.split_whitespace().count() < 8 || q.trim_start().starts_with("By ");
                named_before = !bare;
                break;
            }
            if q.contains(['“', '”', '"', '«', '»']) || out[start - 1].is_some() {
                break;
            }
            start -= 1;
        }
        let Some(first) = (start..p).find(|&q| quotations::first_person(paras[q])) else {
            continue;
        };
        if named_before {
            for slot in &mut out[first..p] {
                *slot = Some(name.clone());
            }
            signatures[p] = true;
        }
    }
    (out, signatures)
}

/// The speaker of a paragraph that is one quotation and nothing else, in a release's list of
/// statements: signed by a name on the first line of the next paragraph ("“I applaud CDC’s
/// efforts ...”" then "John O. Agwunobi, MD, MBA, MPH / Secretary of Health ..."), or else headed
/// by a body's name on the line above it ("American Public Health Association" then "“The health
/// challenges ...”").
fn headed_or_signed(
    para: &str,
    start: usize,
    spans: &[Span],
    next: Option<&str>,
    lex: &Lexicon,
) -> Option<(String, bool)> {
    let (first, last) = (spans.first()?, spans.last()?);
    let lines: Vec<&str> = para.lines().collect();
    // a heading line above the quotation, no sentence of its own
    let head = (lines.len() >= 2)
        .then(|| lines[0].trim())
        .filter(|h| {
            h.split_whitespace().count() <= 16
                && !h.ends_with(['.', '!', '?', ':', ',', '"', '”'])
                && !h.contains(['“', '”', '"'])
        })
        .filter(|_| lines[1].trim_start().starts_with(['“', '"']));
    let body_start = head.map_or(0, |_| para.find('\n').map_or(0, |i| i + 1));
    let quoted = first.outer.start - start <= body_start + 2
        && para[last.outer.end - start..].trim().chars().count() <= 1;
    if !quoted {
        return None;
    }
    // "John O. Agwunobi, MD, MBA, MPH": a name, and degrees after commas
    let signer = next.and_then(|n| {
        let line = n.lines().next()?.trim();
        let mut parts = line.split(", ");
        let name = signature(parts.next()?, lex)?;
        parts
            .all(|d| {
                d.len() <= 6
                    && d.chars().all(|c| c.is_uppercase() || c == '.')
                    && d.chars().any(char::is_uppercase)
            })
            .then_some(name)
    });
    if let Some(name) = signer {
        return Some((name, true));
    }
    // a body's name: capitalised words, small words between, and a body noun ("Association")
    let head = head?;
    const SMALL: [&str; 7] = ["of", "for", "and", "the", "on", "to", "in"];
    let words: Vec<&str> = head.split_whitespace().collect();
    let titled = (2..=8).contains(&words.len())
        && words
            .iter()
            .all(|w| w.starts_with(char::is_uppercase) || SMALL.contains(w))
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '’' || c == '\'')
        });
    let body = words
        .iter()
        .any(|w| matches!(lex.name_word(w), Some(NounKind::Org)));
    (titled && body).then(|| (head.to_string(), false))
}

/// A quotation without marks signed on its paragraph's last line, in a release's list of "key
/// quotes": "It is a true honor to be selected ...\nChairman John D. (Jay) Rockefeller, IV".
/// The signer, their title, and where the signature line starts.
fn signed_last_line(para: &str, lex: &Lexicon) -> Option<(String, Option<String>, usize)> {
    let para = para.trim_end();
    let cut = para.rfind('\n')?;
    let (body, last) = (para[..cut].trim(), para[cut + 1..].trim());
    let sentence = body.split_whitespace().count() >= 8 && body.ends_with(['.', '!', '?', '…']);
    if !sentence || body.contains(['“', '”', '"', '«', '»']) {
        return None;
    }
    // ", IV", ", Jr.", ", D-VA", ", R-Ohio": a suffix or a party and state
    let mut parts = last.split(", ");
    let head = parts.next()?;
    let suffix = |x: &str| {
        let roman = x.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
        let party = x.split_once('-').is_some_and(|(p, s)| {
            p.len() == 1 && p.chars().all(|c| c.is_ascii_uppercase()) && s.len() >= 2
        });
        x.len() <= 8 && (roman || party || matches!(x, "Jr." | "Sr." | "Jr" | "Sr"))
    };
    if !parts.all(suffix) {
        return None;
    }
    // "(Jay)": a first name in brackets, left out of the signature
    let words: Vec<&str> = head
        .split_whitespace()
        .filter(|w| !(w.starts_with('(') && w.ends_with(')')))
        .collect();
    let titles = words.iter().take_while(|w| lex.title(w).is_some()).count();
    let name = signature(&words[titles..].join(" "), lex)?;
    let role = (titles > 0).then(|| words[..titles].join(" "));
    Some((name, role, cut + 1))
}

/// A signature: a person's name alone in its paragraph, two to four capitalised words ("Suad
/// Missini", "John O. Agwunobi").
fn signature(para: &str, lex: &Lexicon) -> Option<String> {
    let words: Vec<&str> = para.split_whitespace().collect();
    let initial = |w: &str| w.len() == 2 && w.ends_with('.');
    let ok = (2..=4).contains(&words.len())
        && !para.contains('\n')
        && words.iter().all(|w| {
            w.starts_with(char::is_uppercase)
                && (initial(w)
                    || w.chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\''))
        })
        && words
            .iter()
            .all(|w| initial(w) || (!lex.is_common(&w.to_lowercase()) && lex.title(w).is_none()));
    ok.then(|| words.join(" "))
}

/// When the last quotation of paragraph `p` is left open at its end and the paragraphs after it
/// never reopen it (no opening mark) but one of them closes it, the last of those paragraphs: a
/// statement of several paragraphs in one pair of marks. (Where each paragraph reopens the
/// quotation, as is usual, each paragraph is a quotation of its own.)
fn left_open(text: &Text, p: usize, range: Range<usize>) -> Option<usize> {
    let para = &text.body[range.clone()];
    let last = text.quotes.last()?;
    let open_at_end = last.outer.start >= range.start
        && last.outer.end == range.end
        && !para.trim_end().ends_with(['”', '»', '"']);
    if !open_at_end {
        return None;
    }
    for (q, r) in text.paragraphs.iter().enumerate().skip(p + 1) {
        let next = &text.body[r.clone()];
        if next.contains(['“', '«']) || next.trim_start().starts_with('"') {
            return None;
        }
        if next.contains(['”', '»', '"']) {
            return Some(q);
        }
    }
    None
}

/// With no caption marked as the interviewer's, the one whose turns end in questions (at least
/// two turns, most of them questions) is the interviewer when someone else's turns hardly ever
/// are: "Andrew Clennell: ... What impact does this victory have?" against the minister's answers.
///
/// The same corrects marks that contradict the turns: when a marked caption's turns are answers
/// and an unmarked one's are questions (the outlet "Minister for Trade … Don Farrell" marked the
/// minister's "Minister for Trade, Don Farrell:"), the one asking is the interviewer instead.
fn asker_is_interviewer(text: &Text, captions: &mut [Option<quotations::Caption>]) {
    // per caption, by surname, whether its turn (up to the next caption) ends with a question
    let asks: Vec<(String, bool)> = turns(text, captions)
        .into_iter()
        .map(|(c, turn)| (surname(c), text.body[turn].trim_end().ends_with('?')))
        .collect();
    // (turns, questions) of one person
    let share = |who: &str| {
        let turns = asks.iter().filter(|(n, _)| n == who);
        (turns.clone().count(), turns.filter(|x| x.1).count())
    };
    let asks_mostly = |who: &str| {
        let (n, q) = share(who);
        n >= 2 && q * 10 >= n * 6
    };
    let answers_mostly = |who: &str| {
        let (n, q) = share(who);
        n >= 2 && q * 10 <= n * 2
    };
    let mut people: Vec<String> = asks.iter().map(|x| x.0.clone()).collect();
    people.sort();
    people.dedup();
    let askers: Vec<String> = people.iter().filter(|p| asks_mostly(p)).cloned().collect();
    if askers.is_empty()
        || askers.len() == people.len()
        || !people.iter().any(|p| answers_mostly(p))
    {
        return;
    }
    let marked: Vec<String> = captions
        .iter()
        .flatten()
        .filter(|c| c.interviewer)
        .map(surname)
        .collect();
    let contradicted =
        marked.iter().any(|m| answers_mostly(m)) && askers.iter().any(|a| !marked.contains(a));
    if !marked.is_empty() && !contradicted {
        return;
    }
    for c in captions.iter_mut().flatten() {
        c.interviewer = askers.contains(&surname(c));
    }
}

/// An interview between an office and a person, neither marked: on a minister's own transcripts
/// the minister is captioned by the office ("PRIME MINISTER:", "MINISTER:") and the one asking by
/// name ("MARK DARIN:", then "DARIN:"), so the person is the interviewer, when the title says it
/// is an interview and the person asks at least one question.
fn office_answers(text: &Text, lex: &Lexicon, captions: &mut [Option<quotations::Caption>]) {
    let interview = text
        .meta
        .title
        .as_deref()
        .is_some_and(|t| t.to_lowercase().contains("interview"));
    if !interview || captions.iter().flatten().any(|c| c.interviewer) {
        return;
    }
    let office = |c: &quotations::Caption| {
        !c.name.is_empty()
            && c.name.split_whitespace().all(|w| {
                lex.title(w).is_some() || matches!(w.to_lowercase().as_str(), "of" | "for" | "the")
            })
    };
    let mut people: Vec<String> = captions.iter().flatten().map(surname).collect();
    people.sort();
    people.dedup();
    let offices: Vec<String> = captions
        .iter()
        .flatten()
        .filter(|c| office(c))
        .map(surname)
        .collect();
    let others: Vec<&String> = people.iter().filter(|p| !offices.contains(p)).collect();
    if offices.is_empty() || people.len() != 2 || others.len() != 1 {
        return;
    }
    let asker = others[0].clone();
    // the person's turns: a question among them
    let asks = turns(text, captions)
        .into_iter()
        .any(|(c, turn)| surname(c) == asker && text.body[turn].contains('?'));
    if asks {
        for c in captions.iter_mut().flatten() {
            c.interviewer = surname(c) == asker;
        }
    }
}

/// Each caption with its turn: the text from the caption's paragraph to the paragraph before the
/// next caption.
fn turns<'c>(
    text: &Text,
    captions: &'c [Option<quotations::Caption>],
) -> Vec<(&'c quotations::Caption, Range<usize>)> {
    let at: Vec<usize> = (0..captions.len())
        .filter(|&p| captions[p].is_some())
        .collect();
    at.iter()
        .enumerate()
        .filter_map(|(k, &p)| {
            let last = at.get(k + 1).map_or(text.paragraphs.len(), |&n| n) - 1;
            let turn = text.paragraphs[p].start..text.paragraphs[last].end;
            Some((captions[p].as_ref()?, turn))
        })
        .collect()
}

/// A caption's last word, in lowercase: "Stefanovic" for "Karl Stefanovic", "trade" for
/// "Minister for Trade".
fn surname(c: &quotations::Caption) -> String {
    let name = c.name.to_lowercase();
    name.rsplit(' ').next().unwrap_or_default().to_string()
}

/// The interviewer's later captions by surname ("Karl Stefanovic, Host:", then "Stefanovic:") are
/// the interviewer's too.
fn interviewer_by_surname(captions: &mut [Option<quotations::Caption>]) {
    let asking: Vec<String> = captions
        .iter()
        .flatten()
        .filter(|c| c.interviewer && c.name.split_whitespace().count() >= 2)
        .map(surname)
        .collect();
    for c in captions.iter_mut().flatten() {
        if !c.interviewer && asking.contains(&c.name.to_lowercase()) {
            c.interviewer = true;
        }
    }
}

/// A caption naming the one a title says the interview is with ("Interview with Michael Rowland,
/// ABC News Breakfast") is the interviewer's.
fn interviewer_in_title(mut c: quotations::Caption, title: Option<&str>) -> quotations::Caption {
    let Some(title) = title.map(str::to_lowercase) else {
        return c;
    };
    let name = c.name.to_lowercase();
    // the names after "interview with", up to a dash: "Radio interview with Annabelle Brett and
    // Brad Blisset - Power FM Bega Bay" (a caption "BRAD BLISSETT" spelt one letter apart)
    let named = |(i, m): (usize, &str)| {
        let rest = &title[i + m.len()..];
        let rest = [" - ", " – ", " — "]
            .iter()
            .fold(rest, |r, dash| r.split(dash).next().unwrap_or(r));
        rest.starts_with(&name)
            || rest
                .split(", ")
                .flat_map(|part| part.split(" and "))
                .any(|who| same_name(who.trim(), &name))
    };
    if !name.is_empty() && title.match_indices("interview with ").any(named) {
        c.interviewer = true;
    }
    c
}

/// Two spellings of one name: the same words but for one letter in the last ("brad blisset",
/// "brad blissett").
fn same_name(a: &str, b: &str) -> bool {
    let (x, y): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    if x.len() < 2 || x.len() != y.len() || x[..x.len() - 1] != y[..y.len() - 1] {
        return false;
    }
    let (s, t) = (x[x.len() - 1], y[y.len() - 1]);
    s == t || (s.chars().count().min(t.chars().count()) >= 5 && one_edit_apart(s, t))
}

/// Whether one insertion, deletion or substitution turns `a` into `b`.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let same_start = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    let (s_rest, l_rest) = if short.len() == long.len() {
        (
            &short[(same_start + 1).min(short.len())..],
            &long[(same_start + 1).min(long.len())..],
        )
    } else {
        (&short[same_start..], &long[same_start + 1..])
    };
    s_rest == l_rest
}

/// Whitespace runs (including line breaks) collapsed to single spaces.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A line that opens with a caption in capitals and a colon: "YVETTE BERRY, DEPUTY CHIEF MINISTER:".
fn opens_with_shouted_caption(line: &str) -> bool {
    let Some((head, rest)) = line.split_once(':') else {
        return false;
    };
    let letters: Vec<char> = head.chars().filter(|c| c.is_alphabetic()).collect();
    head.chars().count() <= 90
        && head.split_whitespace().count() <= 12
        && letters.len() >= 3
        && letters.iter().all(|c| c.is_uppercase())
        && !head.chars().any(|c| c.is_ascii_digit())
        && (rest.is_empty() || rest.starts_with(char::is_whitespace))
}

/// Paragraphs: blocks separated by blank lines; a text without blank lines has one per line.
fn paragraphs(body: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let has_blank = body.lines().any(|l| l.trim().is_empty());
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let content = line.trim();
        if content.is_empty() || !has_blank {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
        }
        // a caption in capitals opening a line starts a turn, blank line or not ("... Jason
        // Clare.\nANTHONY ALBANESE, PRIME MINISTER: Well thanks ...")
        if has_blank && start.is_some() && opens_with_shouted_caption(content) {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
        }
        if !content.is_empty() {
            let lead = line.len() - line.trim_start().len();
            if start.is_none() {
                start = Some(offset + lead);
            }
            end = offset + line.trim_end().len();
            if !has_blank {
                out.push(start.take().unwrap_or(offset)..end);
            }
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(s..end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::lexicon::LEXICON;

    #[test]
    fn the_one_a_title_says_the_interview_is_with_is_the_interviewer() {
        let t = Text::parse(
            "# Title: Interview with Michael Rowland, ABC News\n\nMICHAEL ROWLAND:\n\nGood morning.\n\nPRIME MINISTER:\n\nMorning, Michael.\n",
            &LEXICON,
        );
        assert_eq!(
            interviewers(&t),
            vec![
                ("Michael Rowland".to_string(), true),
                ("Prime Minister".to_string(), false)
            ]
        );
    }

    #[test]
    fn an_interviewers_later_captions_by_surname_are_the_interviewers_too() {
        let t = Text::parse(
            "Karl Stefanovic, Host: Nice to see you.\nPenny Wong, Foreign Minister: Good to see you, Karl.\nStefanovic: How long do you give her?\nWong: Well, look.\n",
            &LEXICON,
        );
        assert_eq!(
            interviewers(&t),
            vec![
                ("Karl Stefanovic".to_string(), true),
                ("Penny Wong".to_string(), false),
                ("Stefanovic".to_string(), true),
                ("Wong".to_string(), false)
            ]
        );
    }

    /// Each caption's name once, in order, and whether it is marked as the interviewer's.
    fn interviewers(t: &Text) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> = Vec::new();
        for q in &t.quotes {
            if let Speaker::Caption {
                name, interviewer, ..
            } = &q.speaker
            {
                if !out.iter().any(|(n, _)| n == name) {
                    out.push((name.clone(), *interviewer));
                }
            }
        }
        out
    }

    #[test]
    fn an_outlet_that_names_the_one_answering_marks_no_one_as_the_interviewer() {
        let t = Text::parse(
            "# Title: Interview with Paul Taylor, 3BA Ballarat\n# Outlet: the Treasurer's site (transcripts of the Hon Dr Jim Chalmers MP)\n\nPAUL TAYLOR:\nGood morning.\nJIM CHALMERS:\nGood morning to you Paul.\nTAYLOR:\nHow are you?\nCHALMERS:\nReally good.\n",
            &LEXICON,
        );
        assert_eq!(
            interviewers(&t),
            vec![
                ("Paul Taylor".to_string(), true),
                ("Jim Chalmers".to_string(), false),
                ("Taylor".to_string(), true),
                ("Chalmers".to_string(), false)
            ]
        );
    }

    #[test]
    fn a_pages_details_in_label_lines_are_no_turns() {
        let t = Text::parse(
            "Release Date:\n\n27/09/2018\n\nRelease Type:\n\nTranscript\n\nTranscript ID:\n\nRelease Notes:\n\nMARK DARIN: Good morning.\n\nPRIME MINISTER: Good morning, Mark.\n",
            &LEXICON,
        );
        let names: Vec<String> = interviewers(&t).into_iter().map(|m| m.0).collect();
        assert_eq!(names, ["Mark Darin", "Prime Minister"]);
    }

    #[test]
    fn each_one_a_title_says_the_interview_is_with_is_an_interviewer_spelt_a_letter_apart_or_not() {
        let c = |name: &str| quotations::Caption {
            len: 0,
            name: name.to_string(),
            role: None,
            interviewer: false,
            shouted: true,
            alone: true,
        };
        let title =
            Some("Radio interview with Annabelle Brett and Brad Blisset - Power FM Bega Bay");
        assert!(interviewer_in_title(c("Brad Blissett"), title).interviewer);
        assert!(interviewer_in_title(c("Annabelle Brett"), title).interviewer);
        assert!(!interviewer_in_title(c("Malcolm Turnbull"), title).interviewer);
        assert!(!interviewer_in_title(c("Brad Bliss"), title).interviewer);
        assert!(one_edit_apart("blisset", "blissett"));
        assert!(one_edit_apart("smith", "smyth"));
        assert!(!one_edit_apart("smith", "smithers"));
    }

    #[test]
    fn quotations_in_a_list_each_signed_on_their_last_line_are_the_signers() {
        let t = Text::parse(
            "Key Quotes from Today's Hearing:\n\nIt is a true honor to be selected by the President for these positions.\nChairman John D. (Jay) Rockefeller, IV\n\nPresident Obama was elected to bring change to our nation, and this requires your best efforts.\nSenator Mark R. Warner, D-VA\n",
            &LEXICON,
        );
        let signed: Vec<(String, String)> = t
            .quotes
            .iter()
            .filter_map(|q| match &q.speaker {
                Speaker::Caption { name, .. } => {
                    Some((name.clone(), t.body[q.inner.clone()].to_string()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(signed.len(), 2, "{signed:?}");
        assert_eq!(signed[0].0, "John D. Rockefeller");
        assert!(signed[0].1.ends_with("positions."));
        assert_eq!(signed[1].0, "Mark R. Warner");
        assert!(!(0..t.sentences.len()).any(|i| t.sentence_text(i).contains("Warner")));
        // one paragraph ending in a name signs nothing
        let t = Text::parse(
            "The committee met today and heard from all of the nominees at length.\nJane Roe\n\nIt adjourned.\n",
            &LEXICON,
        );
        assert!(t.quotes.is_empty());
    }

    #[test]
    fn a_block_of_label_lines_is_no_turn() {
        let t = Text::parse(
            "Albanese, Anthony\n\nPeriod of Service: 11/04/2022 - Current\nRelease Date:\n30/09/2023\nTranscript ID:\n45334\nPodcast interview - The Guardian\n\nKatherine Murphy, Host: Anthony Albanese, welcome.\n\nAnthony Albanese, Prime Minister: Good to be with you.\n",
            &LEXICON,
        );
        let names: Vec<String> = interviewers(&t).into_iter().map(|m| m.0).collect();
        assert_eq!(names, ["Katherine Murphy", "Anthony Albanese"]);
    }

    #[test]
    fn a_caption_in_capitals_opening_a_line_starts_a_turn_without_a_blank_line() {
        let t = Text::parse(
            "Press conference\n\nYVETTE BERRY, MINISTER: Good morning everyone.\n\nToday we welcome the Prime Minister.\nANTHONY ALBANESE, PRIME MINISTER: Well thanks very much, Yvette.\n",
            &LEXICON,
        );
        let names: Vec<String> = interviewers(&t).into_iter().map(|m| m.0).collect();
        assert_eq!(names, ["Yvette Berry", "Anthony Albanese"]);
    }

    #[test]
    fn in_an_interview_with_an_office_the_person_asking_is_the_interviewer() {
        let turns = "MARK DARIN: Scott Morrison, good morning.\n\nPRIME MINISTER: G'day, how are you going?\n\nDARIN: Really well. My co-host is away today.\n\nPRIME MINISTER: Oh wow.\n\nDARIN: Are you a fan of the show?\n\nPRIME MINISTER: I have watched it occasionally.\n\nDARIN: It is a lot like politics.\n\nPRIME MINISTER: That's a bit harsh.\n";
        let t = Text::parse(
            &format!("# Title: Radio interview with 92.7 Mix FM\n\n{turns}"),
            &LEXICON,
        );
        let marks = interviewers(&t);
        assert!(
            marks
                .iter()
                .all(|(n, i)| *i == n.to_lowercase().contains("darin")),
            "{marks:?}"
        );
        // not an interview: a press conference of the office and a minister marks no one
        let t = Text::parse(
            &format!("# Title: Press conference, Parliament House\n\n{turns}"),
            &LEXICON,
        );
        assert!(interviewers(&t).iter().all(|(_, i)| !i));
    }

    #[test]
    fn the_one_whose_turns_are_questions_is_the_interviewer_when_nothing_else_says() {
        let turns = "Andrew Clennell: Let's go live to the minister. What do you think of it?\n\nMinister for Trade, Don Farrell: I think it's outrageous.\n\nAndrew Clennell: What impact does this victory have?\n\nMinister for Trade: It's very important.\n\nAndrew Clennell: Are you getting on better with him?\n\nMinister for Trade: We get on like a house on fire.\n";
        // with nothing marked, and with marks from the outlet that the turns contradict
        for outlet in [
            "",
            "# Outlet: Minister for Trade and Tourism (transcripts of Senator the Hon Don Farrell)\n\n",
        ] {
            let t = Text::parse(&format!("{outlet}{turns}"), &LEXICON);
            let marks = interviewers(&t);
            assert!(
                marks.contains(&("Andrew Clennell".to_string(), true)),
                "{marks:?}"
            );
            assert!(
                marks
                    .iter()
                    .filter(|(n, _)| n != "Andrew Clennell")
                    .all(|(_, i)| !i),
                "{marks:?}"
            );
        }
        // two presidents who ask nothing: no interviewer
        let t = Text::parse(
            "Vladimir Putin: Mr President, welcome.\n\nRecep Tayyip Erdogan: Thank you.\n\nVladimir Putin: We met in Sochi.\n\nRecep Tayyip Erdogan: Indeed we did.\n",
            &LEXICON,
        );
        assert!(interviewers(&t).iter().all(|(_, i)| !i));
    }

    fn caption_names(t: &Text) -> Vec<String> {
        t.quotes
            .iter()
            .filter_map(|q| match &q.speaker {
                Speaker::Caption { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn names_in_ordinary_case_alone_on_their_lines_are_captions_when_there_are_two() {
        let t = Text::parse(
            "The two presidents met in Moscow.

President of Russia Vladimir Putin:

Mr President, welcome.

President of Turkey Recep Tayyip Erdogan (retranslated):

Thank you for the invitation.
",
            &LEXICON,
        );
        assert_eq!(
            caption_names(&t),
            vec![
                "Vladimir Putin".to_string(),
                "Recep Tayyip Erdogan".to_string()
            ]
        );
        // one such line could be a heading: it makes no turn
        let heading = quotations::caption("City Council Budget Review:", None, &LEXICON);
        assert!(heading.is_some_and(|c| c.alone));
        let t = Text::parse(
            "The council met.

City Council Budget Review:

The budget is balanced.
",
            &LEXICON,
        );
        assert!(caption_names(&t).is_empty());
    }

    #[test]
    fn a_statement_of_several_paragraphs_in_one_pair_of_marks_is_one_quotation() {
        let t = Text::parse(
            "The mayor issued this statement:\n\n“We are proud of the team.\n\nThe budget is balanced.\n\nWe will keep going.”\n\nThe council meets on Monday.\n",
            &LEXICON,
        );
        let quotes: Vec<&str> = t.quotes.iter().map(|q| &t.body[q.inner.clone()]).collect();
        assert_eq!(
            quotes,
            vec!["We are proud of the team.\n\nThe budget is balanced.\n\nWe will keep going."]
        );
        assert!(matches!(t.quotes[0].speaker, Speaker::Intro(0)));
    }

    #[test]
    fn a_quotation_signed_below_or_headed_by_a_body_is_theirs() {
        let t = Text::parse(
            "The agency announced a new structure on Monday.\n\nFlorida Department of Health; \
             Chair, Advisory Committee\n\"I applaud the agency's efforts to realign.\"\n\nJohn \
             O. Agwunobi, MD, MBA, MPH\nSecretary of Health\nContact number: (850) \
             245-4111\n\nAmerican Public Health Association\n“The health challenges are too \
             complex.”\n\nThe agency said more would follow.\n",
            &LEXICON,
        );
        let by: Vec<(&str, &str)> = t
            .quotes
            .iter()
            .filter_map(|q| match &q.speaker {
                Speaker::Caption { name, .. } => Some((name.as_str(), &t.body[q.inner.clone()])),
                _ => None,
            })
            .collect();
        assert_eq!(
            by,
            vec![
                (
                    "John O. Agwunobi",
                    "I applaud the agency's efforts to realign."
                ),
                (
                    "American Public Health Association",
                    "The health challenges are too complex."
                )
            ]
        );
        // the signature is no sentence of the article
        assert!(!(0..t.sentences.len()).any(|i| t.sentence_text(i).contains("Secretary of Health")));
        // a quotation with its attribution in the paragraph is left to attribution
        let t = Text::parse(
            "Budget Office\n“We will cut costs,” Jane Roe said.\n\nJohn Smith, MD\nDirector\n",
            &LEXICON,
        );
        assert!(matches!(t.quotes[0].speaker, Speaker::Unmarked));
    }

    #[test]
    fn a_statement_signed_by_a_person_just_named_is_theirs() {
        let t = Text::parse(
            "Activist Suad Missini started a hunger strike after publishing his demands on \
             Facebook.\n\nI am just starting a hunger strike.\n\nThe strike will not end unless \
             these demands are fulfilled.\n\nSuad Missini\n\nThousands of refugees pass through \
             Macedonia.\n",
            &LEXICON,
        );
        let signed: Vec<&str> = t
            .quotes
            .iter()
            .filter(
                |q| matches!(&q.speaker, Speaker::Caption { name, .. } if name == "Suad Missini"),
            )
            .map(|q| &t.body[q.inner.clone()])
            .collect();
        assert!(!(0..t.sentences.len()).any(|i| t.sentence_text(i) == "Suad Missini"));
        assert_eq!(
            signed,
            vec![
                "I am just starting a hunger strike.",
                "The strike will not end unless these demands are fulfilled."
            ]
        );
        // a name on its own line after the reporter's own paragraphs signs nothing
        let t = Text::parse(
            "Jane Roe met the council.\n\nThe council voted on Monday.\n\nJane Roe\n",
            &LEXICON,
        );
        assert!(t.quotes.is_empty());
    }

    #[test]
    fn paragraphs_that_reopen_the_quotation_are_quotations_of_their_own() {
        let t = Text::parse(
            "“We are proud of the team,” she said. “The budget is balanced.\n\n“We will keep going.”\n",
            &LEXICON,
        );
        assert_eq!(t.quotes.len(), 3);
        let straight = Text::parse(
            "She wrote: \"The budget is balanced.\n\n\"We will keep going.\"\n",
            &LEXICON,
        );
        assert_eq!(straight.quotes.len(), 2);
    }
}
