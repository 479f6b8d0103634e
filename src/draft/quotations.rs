//! The quotations stage: what each paragraph quotes, and who the layout says is speaking.
//!
//! - Quotation marks: straight and curly double quotes (and « ») pair up within a paragraph; an
//!   unclosed one runs to the paragraph's end (a quotation going on in the next paragraph).
//!   Apostrophes and single quotes are left alone, so "Russia’s" and "don't" never open a quotation.
//! - Speaker captions, as in transcripts and interviews: `MR. EARNEST:  We'll do ...`,
//!   `SECRETARY KERRY:`, `Pompeo:`, `Q    Jennifer, ...`. In an article with at least two captions,
//!   the words after a caption are its speaker's quotation, and a paragraph without a caption goes on
//!   with the same speaker. An interviewer's turns (`Q`, `QUESTION`, the outlet, a correspondent) are
//!   quoted but belong to no actor.
//! - Introduced quotations: a paragraph that ends with a colon ("Hoder writes:") introduces what
//!   follows: a quoted paragraph, or (a block quote without marks) the following paragraphs in the
//!   first person. The attribution stage gives them to the subject of the introducing sentence.

use super::lexicon::{Lexicon, NounKind};
use std::ops::Range;

/// Who the layout says is speaking a quotation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Speaker {
    /// Found by attribution from the words around the quotation.
    #[default]
    Unmarked,
    /// A transcript's caption.
    Caption {
        name: String,
        role: Option<String>,
        interviewer: bool,
    },
    /// Introduced by the sentence (an index into the text's sentences) ending with a colon.
    Intro(usize),
}

/// A quotation in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The quotation with its marks, in the body.
    pub outer: Range<usize>,
    /// The words inside the marks.
    pub inner: Range<usize>,
    pub speaker: Speaker,
}

/// Pairs the quotation marks of `body[range]`.
pub fn pair(body: &str, range: Range<usize>) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    // curly marks opened inside the open quotation (“… journalists “hate” Venezuela”)
    let mut nested = 0;
    for (i, c) in body[range.clone()].char_indices() {
        let pos = range.start + i;
        let mut close = |open: &mut Option<(usize, usize)>| {
            if let Some((s, l)) = open.take() {
                out.push(Span {
                    outer: s..pos + c.len_utf8(),
                    inner: s + l..pos,
                    speaker: Speaker::Unmarked,
                });
            }
        };
        // A new opening mark after a sentence's end, the open one never closed: a quotation of
        // several paragraphs run into one (“… lanes. “The corridor is …”), each mark a new one.
        let after_stop = body[range.start..pos]
            .trim_end()
            .ends_with(['.', '?', '!', '…']);
        match c {
            '“' | '«' if open.is_none() => open = Some((pos, c.len_utf8())),
            '“' | '«' if nested == 0 && after_stop && pos > range.start => {
                if let Some((s, l)) = open.take() {
                    let end = range.start + body[range.start..pos].trim_end().len();
                    out.push(Span {
                        outer: s..end,
                        inner: s + l..end,
                        speaker: Speaker::Unmarked,
                    });
                }
                open = Some((pos, c.len_utf8()));
            }
            '“' | '«' => nested += 1,
            '”' | '»' if nested > 0 => nested -= 1,
            '”' | '»' => close(&mut open),
            '"' if open.is_some() => close(&mut open),
            '"' => open = Some((pos, 1)),
            _ => {}
        }
    }
    if let Some((s, l)) = open {
        out.push(Span {
            outer: s..range.end,
            inner: s + l..range.end,
            speaker: Speaker::Unmarked,
        });
    }
    out
}

/// A speaker caption at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// Bytes from the paragraph's start to the first word of speech.
    pub len: usize,
    pub name: String,
    pub role: Option<String>,
    pub interviewer: bool,
    /// Written in capitals, as transcripts do ("MR. EARNEST:").
    pub shouted: bool,
    /// On its own line, the speech in the paragraphs after it ("PRIME MINISTER:").
    pub alone: bool,
}

/// Words that end a caption-like line without making it a caption ("Categories: ...").
const NOT_CAPTIONS: [&str; 22] = [
    // a feed's labels: "Copyright: Creative Commons Attribution, ...", "Media Files:"
    "copyright",
    "media files",
    "attachments",
    "enclosure",
    "subjects",
    "topics",
    "categories",
    "category",
    "tags",
    "note",
    "source",
    "sources",
    "photo",
    "update",
    "updated",
    "related",
    "highlights",
    "warning",
    "press releases",
    "press release",
    "editor's note",
    "read more",
];

/// Captions of the person asking.
const INTERVIEWERS: [&str; 11] = [
    "q",
    "journalist",
    "journalists",
    "question",
    "interviewer",
    "reporter",
    "host",
    "anchor",
    "moderator",
    "audience",
    "correspondent",
];

/// The caption opening `para`, if it has one: a name (capitals, or capitalised words, up to ten
/// words, optionally `, role`) and a colon followed by speech, or a lone `Q` before spaces.
pub fn caption(para: &str, outlet: Option<&str>, lex: &Lexicon) -> Option<Caption> {
    // "Q    Jennifer, would you ..."
    if let Some(rest) = para.strip_prefix('Q') {
        // "Q Scott, has the White House ...": one space before a capital
        let one_space = rest
            .strip_prefix(' ')
            .is_some_and(|r| r.starts_with(char::is_uppercase));
        if rest.starts_with("  ") || rest.starts_with('\t') || one_space {
            let len = para.len() - rest.trim_start().len();
            return Some(Caption {
                len,
                name: "Q".to_string(),
                role: None,
                interviewer: true,
                shouted: false,
                alone: false,
            });
        }
    }
    if let Some(c) = icon_caption(para, outlet, lex) {
        return Some(c);
    }
    let colon = para.char_indices().take(160).find(|x| x.1 == ':')?.0;
    let mut head = para[..colon].trim();
    let after = &para[colon + 1..];
    let speech = after.trim_start();
    // offices held together, joined by a dash: "Deputy Chief of Staff of the Presidential
    // Executive Office – Presidential Press Secretary Dmitry Peskov:" is the last office and
    // the name
    if let Some((offices, last)) = head.rsplit_once(" – ").or_else(|| head.rsplit_once(" — ")) {
        let words: Vec<&str> = offices.split_whitespace().collect();
        let titled = words.iter().any(|w| lex.title(w).is_some());
        let capitalised = words.iter().all(|w| {
            w.starts_with(char::is_uppercase) || matches!(*w, "of" | "the" | "and" | "for")
        });
        if titled && capitalised && words.len() <= 12 {
            head = last.trim();
        }
    }
    if head.len() > 90 {
        return None;
    }
    // a note on how the turn was rendered: "President of Turkey Recep Tayyip Erdogan
    // (retranslated):", "(via interpreter)"
    if let Some(open) = head.rfind(" (").filter(|_| head.ends_with(')')) {
        head = head[..open].trim_end();
    }
    let letters: Vec<char> = head.chars().filter(|c| c.is_alphabetic()).collect();
    let shouted = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
    // a caption on its own line ("PRIME MINISTER:"), its speech in the paragraphs after: in
    // capitals, as transcripts write them, or a name in ordinary case with something more than
    // common words ("President of Russia Vladimir Putin:"; the transcript needs two of these,
    // see `text`, since one could be a heading)
    let named = head.split_whitespace().count() >= 2
        && head.split_whitespace().all(|w| {
            w.starts_with(char::is_uppercase) || matches!(w, "of" | "the" | "and" | "for")
        })
        && head.split_whitespace().any(|w| {
            let w = w.to_lowercase();
            !lex.is_common(&w) && lex.title(&w).is_none()
        });
    let alone = speech.is_empty() && (shouted || named);
    if head.is_empty()
        || (speech.is_empty() && !alone)
        || (!alone && after.starts_with(|c: char| !c.is_whitespace()))
    {
        return None; // "10:30", "http://"
    }
    let lower = head.to_lowercase();
    if NOT_CAPTIONS.contains(&lower.as_str()) {
        return None;
    }
    if !alone && headline(speech) {
        return None; // "Associated Press: Granholm joins Manchin in West Virginia to tout clean energy"
    }
    // a post's heading in a round-up names its country: "Malawi: Insanity on the roads of
    // Lilongwe", "Trinidad & Tobago, U.S.A.: Change? Really?"
    if lex.only_places(head) {
        return None;
    }
    let (name_part, role) = match head.split_once(',') {
        Some((n, r)) => (n.trim(), Some(r.trim().to_string())),
        None => (head, None),
    };
    let mut words: Vec<&str> = name_part.split_whitespace().collect();
    if words.is_empty() || words.len() > 10 {
        return None;
    }
    let capitalised = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase)
            || matches!(
                w,
                "of" | "the" | "and" | "for" | "de" | "van" | "von" | "al"
            )
    };
    if role.as_deref().is_some_and(|r| {
        r.split_whitespace().count() > 8 || r.split_whitespace().any(|w| !capitalised(w))
    }) {
        return None;
    }
    let mut role = role;
    if !words.iter().all(|w| capitalised(w)) {
        // "Retired auto worker Brian Pannebecker: “To see ...”": a description in lowercase words
        // before a name of two capitalised words or more, introducing a quotation
        let name_at = words
            .iter()
            .rposition(|w| !capitalised(w))
            .map_or(0, |i| i + 1);
        let quoted = speech.starts_with(['“', '"', '«']);
        let verbless = !words[..name_at]
            .iter()
            .any(|w| lex.verbs.contains(w.to_lowercase().as_str()));
        if !quoted || words.len() - name_at < 2 || role.is_some() || !verbless {
            return None;
        }
        role = Some(words[..name_at].join(" "));
        words = words.split_off(name_at);
    }
    if !words[0].starts_with(char::is_uppercase) {
        return None;
    }
    let (name, title_role) = caption_name(&words, lex);
    // the name without its title: "President of Russia Vladimir Putin:" on kremlin.ru ("President
    // of Russia") is Putin, not the outlet
    let named = name.to_lowercase();
    let interviewer = lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| INTERVIEWERS.contains(&w))
        || outlet.is_some_and(|o| {
            // a word of the outlet's name, not a title ("PRIME MINISTER:" is not the outlet
            // "Prime Minister of Australia")
            let o = o.to_lowercase();
            named.split_whitespace().any(|w| {
                lex.title(w).is_none() && !lex.is_common(w) && o.split_whitespace().any(|x| x == w)
            })
        })
        || outlet.is_some_and(|o| {
            // the outlet's initials: "VOA" for Voice of America
            let initials: String = o
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect::<String>()
                .to_lowercase();
            initials.len() >= 2 && lower.split_whitespace().any(|w| w == initials)
        })
        || matches!(lower.as_str(), "voa" | "wikinews" | "wn");
    Some(Caption {
        len: para.len() - speech.len(),
        name,
        role: role.or(title_role),
        interviewer,
        shouted,
        alone,
    })
}

/// A round-up's entry heading after its outlet's name, not speech: one line of five words or
/// more, opening with a capital, with no quotation mark, no comma and no end of a sentence
/// ("Granholm joins Manchin in West Virginia to tout clean energy").
fn headline(speech: &str) -> bool {
    let s = speech.trim_end();
    !s.contains('\n')
        && s.split_whitespace().count() >= 5
        && s.starts_with(char::is_uppercase)
        && !s.contains([
            ',', '“', '”', '"', '«', '»', '—', '–', ';', ':', '(', '…', '?', '!',
        ])
        && !s.ends_with(['.', '-'])
}

/// The byte after the first image file name's extension in `s` (".png", ".jpg", ...).
fn image_end(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".svg", ".gif"]
        .iter()
        .filter_map(|e| lower.find(e).map(|i| i + e.len()))
        .min()
}

/// A caption drawn as a name between two icons whose file names the pasted page kept: "Site waves
/// Left.pngJane RoeSite waves Right.png Where were you?". The second icon's name starts with the
/// first one's first word. An icon naming the outlet (or an interviewer) marks the interviewer.
fn icon_caption(para: &str, outlet: Option<&str>, lex: &Lexicon) -> Option<Caption> {
    let first = image_end(para).filter(|&e| e <= 60)?;
    let icon = &para[..first];
    let lead = icon.split_whitespace().next()?.split('.').next()?;
    if icon.split_whitespace().count() > 6
        || !lead.starts_with(char::is_uppercase)
        || lead.is_empty()
    {
        return None;
    }
    let rest = &para[first..];
    let second = image_end(rest).filter(|&e| e <= 60 + lead.len())?;
    let between = &rest[..second];
    let name = between[..between.find(lead)?].trim();
    let speech = rest[second..].trim_start();
    let words: Vec<&str> = name.split_whitespace().collect();
    if speech.is_empty()
        || words.is_empty()
        || words.len() > 4
        || !words.iter().all(|w| w.starts_with(char::is_uppercase))
    {
        return None;
    }
    let outlet = outlet.map(str::to_lowercase);
    let interviewer = icon
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| {
            INTERVIEWERS.contains(&w)
                || matches!(w, "voa" | "wikinews" | "wn")
                || (!lex.is_common(w)
                    && outlet
                        .as_deref()
                        .is_some_and(|o| o.split(|c: char| !c.is_alphanumeric()).any(|x| x == w)))
        });
    Some(Caption {
        len: para.len() - speech.len(),
        name: name.to_string(),
        role: None,
        interviewer,
        shouted: false,
        alone: false,
    })
}

/// "SECRETARY OF STATE JOHN KERRY" → ("John Kerry", "Secretary of State"); "MR. EARNEST" →
/// ("Earnest", None); names in capitals are shown in title case.
fn caption_name(words: &[&str], lex: &Lexicon) -> (String, Option<String>) {
    let last_title = words.iter().rposition(|w| {
        let connector = w.eq_ignore_ascii_case("of") || w.eq_ignore_ascii_case("for");
        !connector && lex.title(w).is_some()
    });
    let mut start = last_title.map_or(0, |t| t + 1);
    // the title's complement: "OF STATE", "of Ukraine"
    let connector = |w: &str| w.eq_ignore_ascii_case("of") || w.eq_ignore_ascii_case("for");
    while start < words.len() && connector(words[start]) {
        // the complement runs to its last word naming a body ("OF STATE", "FOR VETERANS’
        // AFFAIRS"), else it is one word
        let org = |w: &&str| {
            let w = w.trim_end_matches(['’', '\'']);
            lex.name_word(w) == Some(NounKind::Org) || lex.place(w).is_some()
        };
        start = words[start + 1..]
            .iter()
            .rposition(org)
            .map_or(start + 2, |i| start + 2 + i);
    }
    // a caption that is only a role ("PRIME MINISTER", "MINISTER FOR VETERANS’ AFFAIRS") names
    // its speaker by that role
    let role_only = last_title.is_some() && start >= words.len();
    if role_only {
        start = 0;
    }
    let shown = |w: &str| {
        let upper = w
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
        if upper && w.chars().filter(|c| c.is_alphabetic()).count() > 1 {
            let mut c = w.chars();
            let first: String = c.next().map(|f| f.to_string()).unwrap_or_default();
            first + &c.as_str().to_lowercase()
        } else {
            w.to_string()
        }
    };
    let name: Vec<String> = words[start..]
        .iter()
        .map(|w| {
            if connector(w) && role_only {
                w.to_lowercase()
            } else {
                shown(w)
            }
        })
        .collect();
    let role: Vec<String> = words[..start.min(words.len())]
        .iter()
        .filter(|w| !matches!(w.to_lowercase().trim_end_matches('.'), "mr" | "ms" | "mrs"))
        .map(|w| {
            if w.eq_ignore_ascii_case("of") {
                "of".to_string()
            } else {
                shown(w)
            }
        })
        .collect();
    let role = (!role.is_empty()).then(|| role.join(" "));
    (name.join(" "), role)
}

/// Whether a paragraph speaks in the first person (a block quote without marks).
pub fn first_person(para: &str) -> bool {
    para.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .any(|w| {
            matches!(
                w,
                "I" | "I'm"
                    | "I’m"
                    | "I've"
                    | "I’ve"
                    | "I'd"
                    | "I’d"
                    | "me"
                    | "my"
                    | "My"
                    | "we"
                    | "We"
                    | "our"
                    | "Our"
                    | "us"
            )
        })
}

/// Whether an introducing sentence reports speech right before its colon ("Tim Berners-Lee, ...,
/// said:", "Jane wrote on Facebook:"): what follows is a quotation even if not in the first person.
pub fn reports_before_colon(sentence: &str, lex: &Lexicon) -> bool {
    let Some(head) = sentence.trim_end().strip_suffix(':') else {
        return false;
    };
    head.split_whitespace().rev().take(4).any(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        lex.verbs.contains(w.as_str())
    })
}

/// Whether a paragraph introduces a quotation: it ends with a colon.
pub fn introduces(para: &str) -> bool {
    para.trim_end().ends_with(':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::lexicon::LEXICON;

    fn inner(body: &str) -> Vec<&str> {
        pair(body, 0..body.len())
            .into_iter()
            .map(|s| &body[s.inner])
            .collect()
    }

    #[test]
    fn straight_and_curly_marks_pair_and_apostrophes_do_not() {
        assert_eq!(
            inner("A said “one two,” and B's \"three.\""),
            vec!["one two,", "three."]
        );
        assert!(inner("Russia’s role isn't 'clear'.").is_empty());
    }

    #[test]
    fn an_opening_mark_after_a_sentence_inside_an_open_quotation_starts_the_next_one() {
        assert_eq!(
            inner("“It will create lanes. “The road is busy,” he said."),
            vec!["It will create lanes.", "The road is busy,"]
        );
    }

    #[test]
    fn a_quotation_inside_a_quotation_does_not_close_it() {
        assert_eq!(
            inner("“They say we “hate” the country,” said Jane. “Not true.”"),
            vec!["They say we “hate” the country,", "Not true."]
        );
    }

    #[test]
    fn an_unclosed_quotation_runs_to_the_paragraph_end() {
        assert_eq!(
            inner("He said: “It will take years."),
            vec!["It will take years."]
        );
    }

    #[test]
    fn transcript_captions_give_the_speaker_and_the_role() {
        let c = caption("MR. EARNEST:  We'll do two things.", None, &LEXICON).unwrap();
        assert_eq!((c.name.as_str(), c.interviewer), ("Earnest", false));
        assert_eq!(
            &"MR. EARNEST:  We'll do two things."[c.len..],
            "We'll do two things."
        );
        let k = caption(
            "SECRETARY OF STATE JOHN KERRY: Happy to be with you.",
            None,
            &LEXICON,
        )
        .unwrap();
        assert_eq!(k.name, "John Kerry");
        assert_eq!(k.role.as_deref(), Some("Secretary of State"));
        let m = caption(
            "Aung Kyaw Moe, NUG Deputy Human Rights Minister: The main leader ...",
            None,
            &LEXICON,
        )
        .unwrap();
        assert_eq!(m.name, "Aung Kyaw Moe");
    }

    #[test]
    fn offices_joined_by_a_dash_before_a_name_are_a_caption() {
        let para =
            "Deputy Chief of Staff of the Presidential Executive Office – Presidential Press \
                    Secretary Dmitry Peskov: Good afternoon everyone.";
        let c = caption(para, None, &LEXICON).unwrap();
        assert_eq!(c.name, "Dmitry Peskov");
        assert_eq!(c.role.as_deref(), Some("Presidential Press Secretary"));
        assert_eq!(&para[c.len..], "Good afternoon everyone.");
        // a dash in a sentence is not a list of offices
        let s = "The vote went ahead – and the Prime Minister said one thing: wait.";
        assert_eq!(caption(s, None, &LEXICON), None);
    }

    #[test]
    fn a_round_ups_country_heading_is_not_a_caption() {
        assert_eq!(
            caption("Malawi: Insanity on the roads of Lilongwe", None, &LEXICON),
            None
        );
        assert_eq!(
            caption(
                "France & Germany, United States: Change? Really?",
                None,
                &LEXICON
            ),
            None
        );
        assert!(caption("Lee Hsien Loong: We will keep going.", None, &LEXICON).is_some());
    }

    #[test]
    fn a_caption_in_capitals_on_its_own_line_opens_a_turn() {
        let c = caption("PRIME MINISTER:", None, &LEXICON).unwrap();
        assert!(c.alone && !c.interviewer);
        assert_eq!(c.len, "PRIME MINISTER:".len());
        // a heading in ordinary case is not a caption
        assert_eq!(caption("Background:", None, &LEXICON), None);
    }

    #[test]
    fn a_name_in_ordinary_case_on_its_own_line_is_a_caption_without_its_rendering_note() {
        let c = caption("President of Russia Vladimir Putin:", None, &LEXICON).unwrap();
        assert!(c.alone && !c.shouted);
        assert_eq!(c.name, "Vladimir Putin");
        let c = caption(
            "President of Turkey Recep Tayyip Erdogan (retranslated):",
            None,
            &LEXICON,
        )
        .unwrap();
        assert_eq!(c.name, "Recep Tayyip Erdogan");
    }

    #[test]
    fn a_caption_that_is_only_a_role_names_the_speaker_by_the_role() {
        let p = caption("PRIME MINISTER:", None, &LEXICON).unwrap();
        assert_eq!(
            (p.name.as_str(), p.role.as_deref()),
            ("Prime Minister", None)
        );
        let m = caption("MINISTER FOR VETERANS’ AFFAIRS:", None, &LEXICON).unwrap();
        assert_eq!(m.name, "Minister for Veterans’ Affairs");
        let k = caption("SECRETARY OF STATE JOHN KERRY: Hello.", None, &LEXICON).unwrap();
        assert_eq!(k.name, "John Kerry");
    }

    #[test]
    fn a_caption_naming_an_office_is_not_the_outlet_of_that_office() {
        let c = caption(
            "PRIME MINISTER:",
            Some("Prime Minister of Australia"),
            &LEXICON,
        )
        .unwrap();
        assert!(!c.interviewer);
        let v = caption("WIKINEWS STAFF: Thank you.", Some("Wikinews"), &LEXICON).unwrap();
        assert!(v.interviewer);
    }

    #[test]
    fn a_name_between_two_icons_is_a_caption_and_the_outlets_icon_marks_the_interviewer() {
        let c = caption(
            "Daily Globe logo Left.pngJane RoeDaily Globe logo Right.png Where were you?",
            Some("The Daily Globe"),
            &LEXICON,
        )
        .expect("an icon caption");
        assert_eq!((c.name.as_str(), c.interviewer), ("Jane Roe", true));
        assert!(caption("Harbour at dusk.jpg and a plan.", None, &LEXICON).is_none());
        let other = caption("Badge.pngSam LeeBadge2.png Hello.", None, &LEXICON).expect("caption");
        assert_eq!((other.name.as_str(), other.interviewer), ("Sam Lee", false));
    }

    #[test]
    fn an_outlets_name_before_a_headline_is_not_a_caption() {
        let line = "Associated Press: Granholm joins Manchin in West Virginia to tout clean energy";
        assert!(caption(line, None, &LEXICON).is_none());
        // speech after a caption still is, with or without its full stop
        for turn in [
            "SECRETARY GRANHOLM: We are going to build the next wave of clean energy here.",
            "Secretary Granholm: “The Biden Administration has put together a plan”",
            "MR. EARNEST: Well, I think that",
        ] {
            assert!(caption(turn, None, &LEXICON).is_some(), "{turn}");
        }
    }

    #[test]
    fn a_feeds_labels_are_not_captions() {
        for line in [
            "Copyright: Creative Commons Attribution, see our Attribution Policy for details.",
            "Media Files:",
        ] {
            assert!(caption(line, None, &LEXICON).is_none(), "{line}");
        }
    }

    #[test]
    fn a_journalists_caption_is_the_interviewers() {
        assert!(caption("JOURNALIST:", None, &LEXICON).unwrap().interviewer);
    }

    #[test]
    fn a_description_in_lowercase_before_a_name_is_the_captions_role() {
        let c = caption(
            "Retired auto worker Brian Pannebecker: “To see those plants close.”",
            None,
            &LEXICON,
        )
        .unwrap();
        assert_eq!(c.name, "Brian Pannebecker");
        assert_eq!(c.role.as_deref(), Some("Retired auto worker"));
        // the speech must be a quotation, and the words before the name must not report
        for p in [
            "Retired auto worker Brian Pannebecker: to see those plants close.",
            "The mayor warned Brian Pannebecker: “To see those plants close.”",
        ] {
            assert_eq!(caption(p, None, &LEXICON), None, "{p}");
        }
    }

    #[test]
    fn interviewers_captions_are_marked() {
        for p in [
            "Q    Jennifer, would you like to?",
            "Q Scott, has the White House received any subpoenas?",
            "QUESTION:  What is wrong?",
            "VOA: Thank you.",
            "VOA STATE DEPARTMENT CORESPONDENT SCOTT STEARNS: Mr. Secretary thank you.",
        ] {
            assert!(
                caption(p, Some("Voice of America"), &LEXICON)
                    .unwrap()
                    .interviewer,
                "{p}"
            );
        }
    }

    #[test]
    fn sentences_with_a_colon_are_not_captions() {
        for p in [
            "Hafriz from Singapore thinks al-Zaidi should become president: \"is anyone\"",
            "Categories: East Asia, Philippines",
            "The time was 10:30 in the morning.",
            "Hoder writes:",
            "Mr. Behi has running coverage [2]. Highlights: “This is big.”",
        ] {
            assert_eq!(caption(p, None, &LEXICON), None, "{p}");
        }
    }

    #[test]
    fn a_reporting_verb_before_the_colon_introduces_speech() {
        assert!(reports_before_colon(
            "Tim Roe, inventor of the Web, said:",
            &LEXICON
        ));
        assert!(reports_before_colon(
            "Jane Roe wrote on Facebook:",
            &LEXICON
        ));
        assert!(!reports_before_colon("The project will include:", &LEXICON));
        assert!(!reports_before_colon(
            "Jane Roe said it was over.",
            &LEXICON
        ));
    }

    #[test]
    fn block_quotes_are_introduced_by_a_colon_and_speak_in_the_first_person() {
        assert!(introduces("Hoder writes:\n"));
        assert!(first_person("I never took them seriously before."));
        assert!(!first_person("Go to Hoder's post for more information."));
    }
}
