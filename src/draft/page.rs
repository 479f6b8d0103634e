//! The page stage: what a moderator has (a saved web page, text pasted from one, or an article
//! file) becomes the article's text and what names its source (title, outlet, author, date, link).
//!
//! Plain text may start with header lines naming the source: `# Title: ...`, `# Outlet: ...`,
//! `# Author: ...`, `# Date: ...`, `# Link: https://...` (other `#` lines, such as a licence note, are
//! ignored). A byline such as `By: Right Wing News' Cassy Fiano` gives the outlet and author.
//!
//! Text pasted from a web page keeps the page's chrome: menus, "Accessibility links", share buttons,
//! "Advertisement", video players, photo captions, cookie notices, breadcrumbs, related links. Lines
//! that are chrome by their words, and short lines the page repeats (captions, menus), are dropped.
//! Then the front matter before the first sentence (mastheads, the headline, a release's type,
//! author, role, place and date lines) gives the title and author and is dropped too, as are headings
//! and datelines ("WASHINGTON — ").

/// The article's text and its source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub meta: Meta,
    /// The article's text: paragraphs separated by blank lines, line endings `\n`.
    pub text: String,
}

impl Page {
    /// A page from plain text: header lines and byline read, line endings normalised.
    pub fn from_text(input: &str) -> Page {
        let input = input.trim_start_matches('\u{feff}');
        let input = input.replace("\r\n", "\n").replace('\r', "\n");
        let (mut meta, text) = split_header(&input);
        let text = strip_chrome(&text);
        let text = drop_title_lines(&text, meta.title.as_deref());
        let text = front_matter(&text, &mut meta);
        Page { meta, text }
    }

    /// A page from HTML: the article's body found by Readability (the `dom_smoothie` crate, a port of
    /// Mozilla's Readability.js), its paragraphs as plain text, and the page's metadata (title,
    /// byline, publication date, site name, canonical link) for `[source]`.
    pub fn from_html(html: &str) -> Result<Page, String> {
        let config = dom_smoothie::Config {
            text_mode: dom_smoothie::TextMode::Formatted,
            ..dom_smoothie::Config::default()
        };
        let mut reader =
            dom_smoothie::Readability::new(html, None, Some(config)).map_err(|e| e.to_string())?;
        let article = reader.parse().map_err(|e| e.to_string())?;
        let mut paragraphs: Vec<String> = Vec::new();
        for block in article.text_content.replace("\r\n", "\n").split("\n\n") {
            let lines: Vec<&str> = block
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            if !lines.is_empty() {
                paragraphs.push(lines.join("\n"));
            }
        }
        let text = paragraphs.join("\n\n") + "\n";
        let clean = |s: Option<String>| {
            s.map(|x| super::text::collapse(&x))
                .filter(|x| !x.is_empty())
        };
        let byline = clean(article.byline).map(|b| {
            b.strip_prefix("By ")
                .or_else(|| b.strip_prefix("by "))
                .unwrap_or(&b)
                .to_string()
        });
        let mut meta = Meta {
            title: clean(Some(article.title.to_string())),
            outlet: clean(article.site_name),
            author: byline,
            date: clean(article.published_time),
            link: canonical(html),
            ..Meta::default()
        };
        let text = strip_chrome(&text);
        let text = front_matter(&text, &mut meta);
        Ok(Page { meta, text })
    }
}

/// The page's canonical address, from `<link rel="canonical" href="...">` or `og:url`.
fn canonical(html: &str) -> Option<String> {
    let doc = dom_query::Document::from(html);
    let href = doc
        .select(r#"link[rel="canonical"]"#)
        .attr("href")
        .or_else(|| doc.select(r#"meta[property="og:url"]"#).attr("content"))?;
    let href = href.trim();
    href.starts_with("http").then(|| href.to_string())
}

/// What the header and byline say about the article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub link: Option<String>,
    /// The author's role, when a release names it under the author ("Department Spokesperson").
    pub author_role: Option<String>,
    /// The page is a statement in its issuer's voice (a press statement, a readout): its author speaks.
    pub statement: bool,
}

/// Splits `# Key: value` header lines and a `By: ...` byline from the body.
fn split_header(input: &str) -> (Meta, String) {
    let mut meta = Meta::default();
    let mut rest = input;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\n']);
        if !trimmed.starts_with('#') {
            rest = trimmed;
            break;
        }
        let (line, after) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
        if let Some((key, value)) = line.trim_start_matches('#').split_once(':') {
            let value = value.trim();
            let slot = match key.trim().to_ascii_lowercase().as_str() {
                "title" | "headline" => Some(&mut meta.title),
                "outlet" | "publisher" => Some(&mut meta.outlet),
                "author" | "by" => Some(&mut meta.author),
                "date" => Some(&mut meta.date),
                "link" | "url" | "source" => Some(&mut meta.link),
                _ => None,
            };
            if let Some(slot) = slot.filter(|s| s.is_none() && !value.is_empty()) {
                *slot = Some(value.to_string());
            }
        }
        rest = after;
    }
    if meta.link.as_deref().is_some_and(|l| !l.starts_with("http")) {
        // "Source: Wikinews" names the outlet, not a link.
        if meta.outlet.is_none() {
            meta.outlet = meta.link.take();
        } else {
            meta.link = None;
        }
    }
    // A byline: "By: Right Wing News' Cassy Fiano", "By Jane Doe".
    let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
    let byline = first
        .strip_prefix("By:")
        .or_else(|| first.strip_prefix("By "))
        .or_else(|| first.strip_prefix("BY "))
        .map(str::trim)
        .filter(|b| !b.is_empty() && b.split_whitespace().count() <= 10 && !b.ends_with('.'));
    if let Some(byline) = byline {
        let (outlet, author) = match byline
            .split_once("'s ")
            .or_else(|| byline.split_once("’s "))
        {
            Some((o, a)) => (Some(o), a),
            None => match byline.split_once("' ").or_else(|| byline.split_once("’ ")) {
                Some((o, a)) => (Some(o), a),
                None => match byline.split_once(", ") {
                    Some((a, o)) => (Some(o), a),
                    None => (None, byline),
                },
            },
        };
        if meta.outlet.is_none() {
            meta.outlet = outlet.map(|o| o.trim().to_string());
        }
        if meta.author.is_none() {
            meta.author = Some(author.trim().to_string());
        }
        rest = after;
    }
    (meta, rest.to_string())
}

/// Lines that are page chrome whatever the page (compared in lowercase, trimmed).
const CHROME_LINES: &[&str] = &[
    "accessibility links",
    "breaking news",
    "skip to main content",
    "skip to content",
    "skip to player",
    "skip to footer",
    "search form",
    "search",
    "menu",
    "main menu",
    "navigation",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "print",
    "print this page",
    "comments",
    "comment",
    "advertisement",
    "advertising",
    "sponsored",
    "sponsored content",
    "related",
    "related articles",
    "related stories",
    "related content",
    "read more",
    "more stories",
    "more on this story",
    "most read",
    "most popular",
    "trending",
    "subscribe",
    "sign in",
    "log in",
    "sign up",
    "please wait",
    "no media source currently available",
    "loading",
    "loading...",
    "back to top",
    "follow us",
    "newsletter",
    "your ad here",
    "listen",
    "watch",
    "watch live",
    "close",
    "donate",
    "donate now",
    "accept",
    "accept all",
    "reject all",
    "manage cookies",
    "cookie settings",
    "for immediate release",
    "stories from and",
    "see all those languages up there?",
    // an image's alternative text shown in place of it
    "placeholder alt text",
];

/// Beginnings of lines that are page chrome (lowercase).
const CHROME_STARTS: &[&str] = &[
    // the banner of U.S. government sites (the U.S. Web Design System's "official website" banner)
    "an official website of the united states government",
    "official websites use .gov",
    "a .gov website belongs to",
    ".gov website belongs to",
    "secure .gov websites use https",
    "a lock ( ) or https://",
    "a lock () or https://",
    "here's how you know",
    "here’s how you know",
    // an archived page's notice: "You have accessed part of a historical collection on defense.gov."
    "you have accessed part of a historical collection",
    // a mail page's fallback line: "If your browser does not render page correctly, please read ..."
    "if your browser does not render",
    "we use cookies",
    "this site uses cookies",
    "this website uses cookies",
    "by continuing to use",
    "cookie policy",
    "privacy policy",
    "terms of use",
    "all rights reserved",
    "copyright ©",
    "©",
    "learn more about lingua",
    "see all those languages up there?",
    "this is historical material",
    "categories:",
    "tags:",
    "filed under:",
    "photo by ",
    "photo:",
    "(photo",
    "image:",
    "image by",
    "picture:",
    "credit:",
    "click here",
    // a release's contact lines: "Contact number: (850) 245-4111", "Media contact: ..."
    "contact number:",
    "media contact:",
    "press contact:",
    "sign up for",
    "subscribe to",
    "share this",
    "related:",
    "read more:",
    "advertisement",
];

fn chrome_line(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    if l.is_empty() {
        return false;
    }
    let words = l.split_whitespace().count();
    if CHROME_LINES.contains(&l.as_str()) || CHROME_STARTS.iter().any(|s| l.starts_with(s)) {
        return true;
    }
    // the banner's lock line, with the icon's name or nothing in its brackets: "A lock ( lock ) or
    // https:// means you’ve safely connected to the .gov website."
    if l.starts_with("a lock (") && l.contains("https:// means you") {
        return true;
    }
    // a feed's or a post's age: "Updated: 1 hour 23 min ago", "• January 22, 2017   Published ~ 7
    // years ago."
    let aged = l.trim_end_matches('.').ends_with(" ago")
        && ["updated", "published", "posted"]
            .iter()
            .any(|w| l.contains(w));
    if words <= 12 && aged {
        return true;
    }
    // a listing's count: "Displaying 145 - 168 of 2470 results."
    if words <= 10 && l.starts_with("displaying ") && l.contains(" of ") && l.contains("result") {
        return true;
    }
    // a photo caption's credit: "... Photo by Flickr user X. CC BY-NC-SA 2.0"
    if words <= 40
        && (l.contains("photo by ")
            || l.contains(" cc by")
            || l.contains("getty images")
            || l.contains("photograph:")
            || l.contains(" photo: "))
    {
        return true;
    }
    // an image's file name on its line, as a pasted page shows it in place of the image:
    // "Trafalgar Square, London - countdown clock.jpg", "• Wikipedia-logo-v2.svg Quebec protests"
    let unbulleted = l.trim_start_matches(['•', '·', '*', '-', ' ']);
    let first_word = unbulleted.split_whitespace().next().unwrap_or("");
    let last_word = l.split_whitespace().last().unwrap_or("");
    if words <= 20 && (image_file(first_word) || image_file(last_word)) {
        return true;
    }
    // a wiki's tagline: "From Wikipedia, the free encyclopedia"
    let site_word = l
        .strip_prefix("from ")
        .and_then(|r| r.split_once(", the free "))
        .is_some_and(|(site, _)| site.split_whitespace().count() == 1);
    if words <= 12 && site_word && !l.ends_with('.') {
        return true;
    }
    // a listing's bullet with a label in capitals: "• PRESS RELEASE : DWP unveils plans ..."
    let t = line.trim();
    if let Some(rest) = t.strip_prefix(['•', '·']) {
        if let Some((label, _)) = rest.split_once(':') {
            let letters: Vec<char> = label.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
                return true;
            }
        }
    }
    // a video player's clock: "0:00 0:06:01 0:00"
    if l.contains(':')
        && l.chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c.is_whitespace())
    {
        return true;
    }
    // a breadcrumb: "News / USA", "Home › World"
    let crumbs = [" / ", " › ", " » ", " > ", " | "];
    if words <= 6 && crumbs.iter().any(|c| l.contains(c)) && !l.ends_with(['.', '!', '?']) {
        return true;
    }
    // a menu: "President  |  Vice President  |  First Lady  |  News & Policies"
    let items: Vec<&str> = l.split('|').map(str::trim).collect();
    if items.len() >= 3
        && items.iter().all(|i| i.split_whitespace().count() <= 4)
        && !l.ends_with(['.', '!', '?'])
    {
        return true;
    }
    // a link line: "- Global Voices - https://globalvoices.org -"
    words <= 8 && (l.contains("http://") || l.contains("https://") || l.starts_with("www."))
}

/// Drops the lines that repeat the title (a listing's "• Title" above the story, in the same
/// paragraph as its first line), so that the title is not read as the story's first sentence.
fn drop_title_lines(text: &str, title: Option<&str>) -> String {
    let norm = |l: &str| {
        super::text::collapse(l.trim().trim_start_matches(['•', '·', '*']).trim()).to_lowercase()
    };
    let Some(title) = title
        .map(norm)
        .filter(|t| t.split_whitespace().count() >= 3)
    else {
        return text.to_string();
    };
    text.split_inclusive('\n')
        .filter(|line| {
            let t = line.trim();
            !(t.starts_with(['•', '·', '*']) && norm(t) == title)
        })
        .collect()
}

/// A word that is an image's file name ("clock.jpg", "Wikipedia-logo-v2.svg").
fn image_file(word: &str) -> bool {
    let w = word.to_lowercase();
    [".jpg", ".jpeg", ".png", ".svg", ".gif", ".webp"]
        .iter()
        .any(|e| w.len() > e.len() && w.ends_with(e))
}

/// Drops chrome lines, and lines of four words or more that the page repeats (captions, menus).
fn strip_chrome(text: &str) -> String {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in text.lines() {
        let t = line.trim();
        let words = t.split_whitespace().count();
        // a transcript's caption ("MINISTER FOR VETERANS’ AFFAIRS:") repeats at every turn
        if (4..=40).contains(&words) && !t.ends_with(':') {
            *seen.entry(t).or_default() += 1;
        }
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if chrome_line(t) || seen.get(t).is_some_and(|&n| n > 1) {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Words a headline does not end with.
const OPEN_ENDS: [&str; 12] = [
    "and", "or", "of", "the", "a", "an", "to", "from", "with", "for", "in", "on",
];

/// A line of the front matter: short, with no sentence ending (a headline may end with "?").
fn short_line(line: &str) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    let inner_stop = t.match_indices(['.', '?', '!']).any(|(i, _)| {
        let after = &t[i + 1..];
        after.starts_with(' ')
            && after[1..].starts_with(char::is_uppercase)
            && !t[..i].ends_with(char::is_uppercase)
    });
    (1..=20).contains(&words)
        && !t.ends_with(['.', '!', '"', '”', '…', ':', ';', ','])
        && !inner_stop
}

fn headline(line: &str) -> bool {
    let t = line.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    short_line(t)
        && words.len() >= 2
        && words
            .last()
            .is_some_and(|w| !OPEN_ENDS.contains(&w.to_lowercase().as_str()))
        && !dateline_only(t)
}

/// "July 30, 2017", "Fri, 07/26/2024 - 19:05", "11:13 A.M. AKDT": a line that dates the page.
fn dateline_only(t: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let l = t.to_lowercase();
    let digits = l.chars().filter(char::is_ascii_digit).count();
    let words = l.split_whitespace().count();
    digits > 0
        && words <= 6
        && (MONTHS.iter().any(|m| l.contains(m))
            || l.contains(':')
            || l.chars().filter(|c| c.is_alphabetic()).count() <= 8)
}

/// The types of statement a release names above its author.
const RELEASE_TYPES: [&str; 9] = [
    "press statement",
    "press release",
    "statement",
    "readout",
    "media note",
    "notice to the press",
    "fact sheet",
    "news release",
    "joint statement",
];

/// "Statement by President Joe Biden On the ... Decision" → ("Joe Biden", "President"): a title
/// naming the one whose statement the page is (capitalised words after "Statement by", up to a
/// preposition), with the titles before the name as the role.
fn statement_by(title: &str) -> Option<(String, Option<String>)> {
    let rest = ["Statement by ", "Statement from ", "Statement of "]
        .iter()
        .find_map(|p| title.strip_prefix(p))?;
    const STOPS: [&str; 12] = [
        "on",
        "regarding",
        "about",
        "after",
        "following",
        "in",
        "at",
        "to",
        "for",
        "as",
        "marking",
        "upon",
    ];
    let words: Vec<&str> = rest
        .split_whitespace()
        .take_while(|w| {
            w.starts_with(char::is_uppercase) && !STOPS.contains(&w.to_lowercase().as_str())
        })
        .map(|w| w.trim_end_matches([',', ':', ';']))
        .collect();
    let lex = &*super::lexicon::LEXICON;
    let titles = words.iter().take_while(|w| lex.title(w).is_some()).count();
    let name = &words[titles..];
    if name.is_empty() || name.len() > 4 {
        return None;
    }
    let role = (titles > 0).then(|| words[..titles].join(" "));
    Some((name.join(" "), role))
}

/// Reads and drops the front matter: the paragraphs of short lines before the first sentence.
fn front_matter(text: &str, meta: &mut Meta) -> String {
    let mut rest = text;
    let mut title: Option<String> = None;
    let mut release = false;
    let mut after_release: Vec<String> = Vec::new();
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\n']);
        let (para, after) = match trimmed.find("\n\n") {
            Some(i) => (&trimmed[..i], &trimmed[i..]),
            None => (trimmed, ""),
        };
        if para.is_empty() || !para.lines().all(short_line) || after.trim().is_empty() {
            rest = trimmed;
            break;
        }
        for line in para.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let lower = line.to_lowercase();
            if RELEASE_TYPES.contains(&lower.as_str()) {
                release = true;
                continue;
            }
            if release {
                after_release.push(line.to_string());
                continue;
            }
            let single = para.lines().filter(|l| !l.trim().is_empty()).count() == 1;
            if title.is_none() && single && headline(line) {
                let t = ["Press Releases: ", "Press Release: ", "Statement: "]
                    .iter()
                    .find_map(|p| line.strip_prefix(p))
                    .unwrap_or(line);
                title = Some(super::text::collapse(t));
            } else if title.is_some()
                && meta.author.is_none()
                && lower.starts_with("office of the ")
            {
                meta.author = Some(line.to_string());
                meta.statement = true;
            } else if let Some(by) = line
                .strip_prefix("By ")
                .or_else(|| line.strip_prefix("By: "))
            {
                if meta.author.is_none() && by.split_whitespace().count() <= 6 {
                    meta.author = Some(by.trim().to_string());
                }
            }
        }
        rest = after;
    }
    if release {
        // author, role, then place and date lines
        // a heading naming what follows ("Partner Statements", "Remarks") is no author
        let document = |l: &String| {
            let last = l.split_whitespace().last().unwrap_or("").to_lowercase();
            let last = last.trim_end_matches('s');
            RELEASE_TYPES
                .iter()
                .filter_map(|t| t.split(' ').next_back())
                .chain(["remark", "highlight"])
                .any(|t| t == last)
        };
        let mut lines = after_release
            .into_iter()
            .filter(|l| !dateline_only(l) && !document(l));
        if let Some(author) = lines.next() {
            meta.author.get_or_insert(author);
            meta.author_role = lines.next();
            meta.statement = true;
        }
    }
    if meta.title.is_none() {
        meta.title = title;
    }
    if meta.author.is_none() {
        if let Some((author, role)) = meta.title.as_deref().and_then(statement_by) {
            meta.author = Some(author);
            meta.author_role = role;
            meta.statement = true;
        }
    }
    // headings and datelines in the body
    let mut out = String::with_capacity(rest.len());
    let paras: Vec<&str> = rest.split("\n\n").collect();
    for (i, p) in paras.iter().enumerate() {
        let t = p.trim();
        if t.is_empty() {
            continue;
        }
        let one_line = !t.contains('\n');
        let heading = one_line
            && t.split_whitespace().count() <= 6
            && short_line(t)
            && !t.ends_with('?')
            && i + 1 < paras.len()
            && !signature_like(t, &paras[..i]);
        if heading {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(strip_dateline(t));
    }
    out.push('\n');
    out
}

/// A short line that may sign the paragraphs before it rather than head the ones after it: a
/// name of two to four capitalised words ("Suad Missini") whose last word is named in one of the
/// nine paragraphs before, the paragraphs between without quotation marks and one of them in the
/// first person. The text stage decides whether it signs them.
fn signature_like(line: &str, before: &[&str]) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let initial = |w: &str| w.len() == 2 && w.ends_with('.');
    let name = (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.starts_with(char::is_uppercase)
                && (initial(w)
                    || w.chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\''))
        });
    let Some(surname) = words.last().filter(|_| name) else {
        return false;
    };
    let named = |p: &str| {
        p.split(|c: char| !c.is_alphanumeric())
            .any(|w| w == *surname)
    };
    let Some(at) = before.iter().rev().take(9).position(|p| named(p)) else {
        return false;
    };
    let block = &before[before.len() - at..];
    !block.is_empty()
        && block.iter().any(|p| super::quotations::first_person(p))
        && !block.iter().any(|p| p.contains(['“', '”', '"']))
}

/// "WASHINGTON — Deputy Minister ..." → "Deputy Minister ..."; also "Bronx, NY—Representative ..."
/// and "WASHINGTON, March 3 (VOA) — ...": a place (in capitals, or capitalised words with a comma),
/// perhaps a date and an agency, before the paragraph's first dash.
fn strip_dateline(p: &str) -> &str {
    let Some((at, dash)) = p
        .char_indices()
        .take(80)
        .find(|(_, c)| matches!(c, '—' | '–'))
        .map(|(i, c)| (i, c.len_utf8()))
        .or_else(|| p.find(" -- ").filter(|&i| i < 80).map(|i| (i, 4)))
    else {
        return p;
    };
    let head = p[..at].trim();
    let rest = p[at + dash..].trim_start();
    let words: Vec<&str> = head.split_whitespace().collect();
    let letters = head.chars().filter(|c| c.is_alphabetic());
    let caps = head.chars().any(char::is_alphabetic) && letters.clone().all(char::is_uppercase);
    let capitalised = words.iter().all(|w| {
        let w = w.trim_start_matches('(');
        w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
    });
    let dateline = !words.is_empty()
        && words.len() <= 6
        && (caps || (capitalised && head.contains(',')))
        && head
            .chars()
            .all(|c| c.is_alphanumeric() || " ,.()".contains(c))
        && rest.starts_with(char::is_uppercase);
    if dateline {
        rest
    } else {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_and_a_byline_give_the_source() {
        let p = Page::from_text(
            "# Title: A headline\n# Outlet: Wikinews\n# Link: https://example.org/a\n#   more\n\nBy: Right Wing News' Cassy Fiano\n\nFirst. Second.\n",
        );
        assert_eq!(p.meta.title.as_deref(), Some("A headline"));
        assert_eq!(p.meta.outlet.as_deref(), Some("Wikinews"));
        assert_eq!(p.meta.link.as_deref(), Some("https://example.org/a"));
        assert_eq!(p.meta.author.as_deref(), Some("Cassy Fiano"));
        assert_eq!(p.text.trim(), "First. Second.");
        let seed = Page::from_text("By: Right Wing News' Cassy Fiano\n\nText here.\n");
        assert_eq!(seed.meta.outlet.as_deref(), Some("Right Wing News"));
    }

    #[test]
    fn a_short_first_line_is_the_headline() {
        let p = Page::from_text("Storm hits coast\n\nA storm hit the coast. It rained.\n");
        assert_eq!(p.meta.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(p.text.trim(), "A storm hit the coast. It rained.");
    }

    #[test]
    fn pasted_page_chrome_is_dropped_and_the_headline_is_the_articles() {
        let p = Page::from_text(
            "Accessibility links\n\nBreaking News\n\nMinister resigns over budget\n\nShare\n\nAdvertisement\n\n\
             The minister resigned on Monday. She said the budget was wrong.\n\n\
             A crowd outside. Photo by Jane Roe. CC BY 2.0\n\n\
             Related stories\n\nWe use cookies to improve your experience.\n",
        );
        assert_eq!(
            p.meta.title.as_deref(),
            Some("Minister resigns over budget")
        );
        assert_eq!(
            p.text.trim(),
            "The minister resigned on Monday. She said the budget was wrong."
        );
    }

    #[test]
    fn repeated_captions_and_video_players_are_dropped() {
        let p = Page::from_text(
            "Talks With VOA Today\nplease wait\n0:00 0:06:01 0:00\nTalks With VOA Today\n\nThe talks began. They ended.\n",
        );
        assert_eq!(p.text.trim(), "The talks began. They ended.");
    }

    #[test]
    fn a_release_names_its_author_and_role_above_the_text() {
        let p = Page::from_text(
            "Press Releases: Defending Democracy\n\nPress Statement\n\nHeather Nauert\n\nDepartment Spokesperson\n\n\
             Washington, DC\n\nJuly 30, 2017\n\nThe United States condemns the vote.\n",
        );
        assert_eq!(p.meta.title.as_deref(), Some("Defending Democracy"));
        assert_eq!(p.meta.author.as_deref(), Some("Heather Nauert"));
        assert_eq!(
            p.meta.author_role.as_deref(),
            Some("Department Spokesperson")
        );
        assert!(p.meta.statement);
        assert_eq!(p.text.trim(), "The United States condemns the vote.");
    }

    #[test]
    fn a_heading_naming_the_statements_below_is_no_author() {
        let p = Page::from_text(
            "Agency Reorganises\n\nPress Release\n\nApril 21, 2005\n\nPartner Statements\n\n\
             The agency welcomed the plan.\n\nContact number: (850) 245-4111\n",
        );
        assert_eq!(p.meta.author, None);
        assert!(!p.text.contains("Contact number"));
    }

    #[test]
    fn mastheads_datelines_and_headings_are_not_sentences() {
        let p = Page::from_text(
            "The White House\nOffice of the Press Secretary\n\nPress Gaggle en route Miami\n\n\
             Aboard Air Force One\nEn Route Miami, Florida\n\n2:56 P.M. EDT\n\n\
             RANGOON — The envoy arrived. She spoke.\n\nThe Middle East\n\nIt was hot.\n",
        );
        assert_eq!(p.meta.title.as_deref(), Some("Press Gaggle en route Miami"));
        assert_eq!(
            p.text.trim(),
            "The envoy arrived. She spoke.\n\nIt was hot."
        );
    }

    #[test]
    fn a_photo_caption_with_its_credit_is_chrome() {
        assert!(chrome_line(
            "Lauren Razavi, executive director of Plumia. Photograph: Barbara Jovanovic, Author provided"
        ));
        assert!(!chrome_line("The photograph was taken in May."));
    }

    #[test]
    fn an_image_file_name_line_is_chrome_and_a_sentence_naming_an_image_is_not() {
        assert!(chrome_line("Harbour Bridge, Sydney - at dusk.jpg"));
        assert!(chrome_line("• Map-logo-v3.svg 2015 regional floods"));
        assert!(!chrome_line(
            "The council posted a file named map.png and a plan."
        ));
        assert!(!chrome_line(
            "Icon Left.pngJane RoeIcon Right.png Where were you?"
        ));
    }

    #[test]
    fn a_bullet_repeating_the_title_above_the_story_is_dropped() {
        let p = Page::from_text(
            "# Title: Mayor Opens New Bridge\n\n  • Mayor Opens New Bridge\n    The mayor opened the bridge on Monday. It cost $5 million.\n",
        );
        assert_eq!(
            p.text.trim(),
            "The mayor opened the bridge on Monday. It cost $5 million."
        );
    }

    #[test]
    fn the_us_government_sites_banner_is_chrome() {
        for l in [
            "A .gov website belongs to an official government organization in the United States.",
            "A lock ( ) or https:// means you’ve safely connected to the .gov website. Share sensitive information only on official, secure websites.",
            // as a page with the icon's name, or without the icon's "A", is pasted
            "A lock ( lock ) or https:// means you’ve safely connected to the .gov website.",
            ".gov website belongs to an official government organization in the United States.",
            "Here's how you know",
            "You have accessed part of a historical collection on Some of the information contained within may be outdated.",
        ] {
            assert!(chrome_line(l), "{l}");
        }
        assert!(!chrome_line(
            "A lock on the gate was broken, the police said."
        ));
    }

    #[test]
    fn a_listings_count_and_a_mail_pages_fallback_line_are_chrome() {
        assert!(chrome_line("Displaying 145 - 168 of 2470 results."));
        assert!(chrome_line("Updated: 1 hour 23 min ago"));
        assert!(chrome_line(
            "  • January 22, 2017   Published ~ 7 years ago."
        ));
        assert!(!chrome_line(
            "The law was updated two years ago, the minister said."
        ));
        assert!(chrome_line(
            "If your browser does not render page correctly, please read the page content below"
        ));
        assert!(!chrome_line(
            "Displaying the results of the survey, the minister said 40 of 50 schools had improved."
        ));
    }

    #[test]
    fn a_menu_of_short_items_between_bars_is_chrome() {
        assert!(chrome_line(
            "President  |  Vice President  |  First Lady  |  Mrs. Cheney  |  News & Policies"
        ));
        assert!(chrome_line(
            "Email Updates  |  Español  |  Accessibility  |  Search"
        ));
        // a sentence with bars in it is not a menu
        assert!(!chrome_line(
            "Sales rose | costs fell | and the company said profits had doubled since March."
        ));
    }

    #[test]
    fn a_wikis_tagline_is_chrome() {
        assert!(chrome_line("From Wikivoyage, the free travel guide"));
        assert!(!chrome_line("From Monday, the free bus service will stop."));
    }

    #[test]
    fn a_listing_bullet_with_a_label_in_capitals_is_chrome() {
        assert!(chrome_line(
            "• NEWS STORY : Ministry sets out new plans [March 2021]"
        ));
        assert!(!chrome_line("• Options include a new fund: details follow"));
    }

    #[test]
    fn a_repeated_caption_on_its_own_line_is_not_chrome() {
        let text = "MINISTER FOR FOREIGN AFFAIRS:\nWe agree.\nJOURNALIST:\nWhy?\nMINISTER FOR FOREIGN AFFAIRS:\nBecause.\nShare this page on Facebook\nShare this page on Facebook\n";
        assert_eq!(
            strip_chrome(text),
            "MINISTER FOR FOREIGN AFFAIRS:\nWe agree.\nJOURNALIST:\nWhy?\nMINISTER FOR FOREIGN AFFAIRS:\nBecause.\n"
        );
    }

    #[test]
    fn a_statement_by_someone_in_the_title_makes_them_its_issuer() {
        assert_eq!(
            statement_by("Statement by President Joe Biden On the Court’s Decision"),
            Some(("Joe Biden".to_string(), Some("President".to_string())))
        );
        assert_eq!(
            statement_by("Statement from the Press Secretary on the Storm"),
            None
        );
        assert_eq!(statement_by("A Statement by Jane Roe"), None);
        let p = Page::from_text(
            "# Title: Statement by Senator Jane Roe on the Vote\n\nStatement by Senator Jane Roe on the Vote\n\nI am disappointed by the vote. We will try again.\n",
        );
        assert_eq!(p.meta.author.as_deref(), Some("Jane Roe"));
        assert!(p.meta.statement);
    }

    #[test]
    fn a_dateline_with_a_state_a_date_or_an_agency_is_not_glued_to_the_first_sentence() {
        for (p, want) in [
            (
                "Bronx, NY—Representative Jane Roe spoke.",
                "Representative Jane Roe spoke.",
            ),
            (
                "WASHINGTON, March 3 (VOA) — The envoy arrived.",
                "The envoy arrived.",
            ),
            ("Paris, France – The talks began.", "The talks began."),
        ] {
            assert_eq!(strip_dateline(p), want, "{p}");
        }
        // a dash in a sentence is not a dateline
        for p in [
            "The envoy—who arrived late—spoke.",
            "Jane Roe — the envoy — spoke.",
            "It was hot, Sunny — and dry.",
        ] {
            assert_eq!(strip_dateline(p), p, "{p}");
        }
    }
}
