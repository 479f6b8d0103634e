//! Result charts: a tally drawn as a PNG image to attach to the final result (and to a moderator's
//! tally on request). Pure and in-process: the font (DejaVu Sans, `assets/fonts/`, licence beside
//! it) is bundled in the binary, so no system fonts and no network are needed.
//!
//! The picture: the question as title, "Final result" (or "Current tally") with participation and
//! replies, then one horizontal bar per option in the discussion's order, each with its number,
//! label, share and votes. Every bar has the same neutral colour: no stance is highlighted. The
//! card is opaque with high-contrast text and a mid-grey frame that stands out on Discord's dark
//! and light themes alike. Long questions and labels wrap and, past their line budget, end with
//! an ellipsis. Text is laid out left to right without shaping (no complex scripts), and
//! characters the font lacks show as its replacement box.

mod canvas;
pub mod map;

use crate::discussion::{StanceChanges, Tally};
use crate::limits;
use crate::render::cut::cut;
use ab_glyph::FontRef;
use canvas::{Canvas, Face, Rgb};

/// DejaVu Sans 2.37, see `assets/fonts/DejaVuSans-LICENSE.txt`.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the bundled font cannot be read: {0}")]
    Font(String),
    #[error("a chart must be between {min} and {max} pixels wide; {width} was asked for")]
    Width { width: u32, min: u32, max: u32 },
    #[error("the chart could not be encoded as PNG: {0}")]
    Encode(png::EncodingError),
}

impl From<png::EncodingError> for ChartError {
    fn from(e: png::EncodingError) -> Self {
        ChartError::Encode(e)
    }
}

/// The card's colours. Both themes are opaque and framed, so either reads on either Discord theme;
/// choose the one that suits the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on a light grey card.
    #[default]
    Light,
    /// Light text on a near-black card.
    Dark,
}

/// The colours of a theme (sRGB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub background: Rgb,
    /// The frame around the card, mid-grey to stand out on light and dark pages.
    pub frame: Rgb,
    pub text: Rgb,
    /// Secondary text: participation, shares and votes.
    pub muted: Rgb,
    /// The filled part of every bar (the same for every option).
    pub bar: Rgb,
    /// The unfilled rest of a bar, up to 100 %.
    pub track: Rgb,
}

impl Theme {
    pub fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                background: [0xF6, 0xF7, 0xF9],
                frame: [0x87, 0x8D, 0x96],
                text: [0x1F, 0x23, 0x28],
                muted: [0x4A, 0x51, 0x5C],
                bar: [0x4F, 0x5D, 0x75],
                track: [0xDC, 0xE0, 0xE6],
            },
            Theme::Dark => Palette {
                background: [0x1E, 0x1F, 0x22],
                frame: [0x87, 0x8D, 0x96],
                text: [0xF2, 0xF3, 0xF5],
                muted: [0xC4, 0xC9, 0xD0],
                bar: [0xA3, 0xB1, 0xCC],
                track: [0x3A, 0x3D, 0x44],
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartOptions {
    pub theme: Theme,
    /// Width in pixels; the height follows from the content.
    pub width: u32,
}

impl ChartOptions {
    pub const MIN_WIDTH: u32 = 480;
    pub const MAX_WIDTH: u32 = 2400;
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            theme: Theme::Light,
            width: 800,
        }
    }
}

/// The file name to attach a discussion's chart under.
pub fn file_name(discussion: crate::store::DiscussionId) -> String {
    format!("roundtable-discussion-{discussion}-tally.png")
}

/// The chart in words, for the attachment's description (alt text) within Discord's limit.
pub fn alt_text(question: &str, tally: &Tally) -> String {
    alt_text_with_changes(question, tally, &StanceChanges::default())
}

/// [`alt_text`] of a chart drawn with its stance changes ([`draw_with_changes`]).
pub fn alt_text_with_changes(question: &str, tally: &Tally, changes: &StanceChanges) -> String {
    let lines = change_lines(tally, changes);
    let changed = if lines.is_empty() {
        String::new()
    } else {
        format!(" {}.", lines.join("; "))
    };
    let rows: Vec<String> = tally
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}. {}: {}% ({})", i + 1, r.label, r.share, votes(r.votes)))
        .collect();
    let text = format!(
        "Bar chart of the {}: {} {}. {}.",
        if tally.closed {
            "final result"
        } else {
            "current tally"
        },
        question,
        rows.join("; "),
        crate::render::participation(tally)
    );
    cut(&format!("{text}{changed}"), limits::ATTACHMENT_DESCRIPTION).0
}

/// Most stance shifts the chart lists under its bars; the rest are summed in one line.
const MAX_SHIFT_LINES: usize = 4;

/// The stance changes as the chart writes them: a heading ("Changed their stance: 6 of 60
/// members") and one line per shift, from → to, the most common first, option labels in place of
/// keys. Empty when nobody changed their stance.
pub fn change_lines(tally: &Tally, changes: &StanceChanges) -> Vec<String> {
    if changes.changed == 0 {
        return Vec::new();
    }
    let label = |key: &str| {
        tally
            .rows
            .iter()
            .find(|r| r.key == key)
            .map_or_else(|| key.to_string(), |r| r.label.clone())
    };
    let mut lines = vec![format!(
        "Changed their stance: {} of {} member{}",
        group_digits(changes.changed),
        group_digits(changes.members),
        if changes.members == 1 { "" } else { "s" }
    )];
    for shift in changes.shifts.iter().take(MAX_SHIFT_LINES) {
        lines.push(format!(
            "{} \u{2192} {}: {}",
            label(&shift.from),
            label(&shift.to),
            group_digits(shift.members)
        ));
    }
    let rest: u64 = changes
        .shifts
        .iter()
        .skip(MAX_SHIFT_LINES)
        .map(|s| s.members)
        .sum();
    if rest > 0 {
        lines.push(format!("Other changes: {}", group_digits(rest)));
    }
    lines
}

/// "1 vote", "1,234 votes".
fn votes(n: u64) -> String {
    format!("{} vote{}", group_digits(n), if n == 1 { "" } else { "s" })
}

fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// Layout at the default width of 800 pixels; other widths scale every measure.
const BASE_WIDTH: f32 = 800.0;
const PADDING: f32 = 36.0;
const FRAME: f32 = 2.0;
const TITLE_PX: f32 = 30.0;
const TITLE_LINES: usize = 3;
const SUBTITLE_PX: f32 = 18.0;
const SUBTITLE_LINES: usize = 2;
const LABEL_PX: f32 = 21.0;
const LABEL_LINES: usize = 2;
const VALUE_PX: f32 = 20.0;
const BAR_HEIGHT: f32 = 26.0;
const GAP_AFTER_TITLE: f32 = 8.0;
const GAP_AFTER_HEADER: f32 = 28.0;
const GAP_LABEL_BAR: f32 = 8.0;
const GAP_BETWEEN_ROWS: f32 = 24.0;
const GAP_VALUE: f32 = 20.0;
const GAP_BEFORE_CHANGES: f32 = 32.0;

/// Where one option's bar lies, in pixels (for tests and for checking layouts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarBox {
    pub x: u32,
    pub y: u32,
    /// The whole track: 100 %.
    pub width: u32,
    pub height: u32,
    /// The filled part, from `x`.
    pub filled: u32,
}

/// A chart drawn but not yet encoded.
pub struct Chart {
    canvas: Canvas,
    pub width: u32,
    pub height: u32,
    pub bars: Vec<BarBox>,
}

impl Chart {
    pub fn encode_png(&self) -> Result<Vec<u8>, ChartError> {
        self.canvas.encode_png()
    }
}

/// Draws `tally` (rows in the discussion's order) under `question` and encodes it as PNG.
pub fn tally_chart(
    question: &str,
    tally: &Tally,
    options: &ChartOptions,
) -> Result<Vec<u8>, ChartError> {
    draw(question, tally, options)?.encode_png()
}

/// [`tally_chart`] with the stance changes listed under the bars.
pub fn tally_chart_with_changes(
    question: &str,
    tally: &Tally,
    changes: &StanceChanges,
    options: &ChartOptions,
) -> Result<Vec<u8>, ChartError> {
    draw_with_changes(question, tally, changes, options)?.encode_png()
}

/// Lays out and draws the chart.
pub fn draw(question: &str, tally: &Tally, options: &ChartOptions) -> Result<Chart, ChartError> {
    draw_with_changes(question, tally, &StanceChanges::default(), options)
}

/// Lays out and draws the chart, with who changed their stance (from → to) under the bars when
/// anyone did.
pub fn draw_with_changes(
    question: &str,
    tally: &Tally,
    changes: &StanceChanges,
    options: &ChartOptions,
) -> Result<Chart, ChartError> {
    if !(ChartOptions::MIN_WIDTH..=ChartOptions::MAX_WIDTH).contains(&options.width) {
        return Err(ChartError::Width {
            width: options.width,
            min: ChartOptions::MIN_WIDTH,
            max: ChartOptions::MAX_WIDTH,
        });
    }
    let font = FontRef::try_from_slice(FONT).map_err(|e| ChartError::Font(e.to_string()))?;
    let palette = options.theme.palette();
    let k = options.width as f32 / BASE_WIDTH;
    let width = options.width as f32;
    let pad = (PADDING * k).round();
    let inner = width - 2.0 * pad;

    let title = Face::new(&font, TITLE_PX * k);
    let subtitle = Face::new(&font, SUBTITLE_PX * k);
    let label = Face::new(&font, LABEL_PX * k);
    let value_face = Face::new(&font, VALUE_PX * k);

    // Text first, to know the height.
    let title_lines = title.wrap(question, inner, TITLE_LINES);
    let heading = if tally.closed {
        "Final result"
    } else {
        "Current tally"
    };
    let sub_lines = subtitle.wrap(
        &format!("{heading} · {}", crate::render::participation(tally)),
        inner,
        SUBTITLE_LINES,
    );
    struct Row {
        lines: Vec<String>,
        value: String,
    }
    let rows: Vec<Row> = tally
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let value = format!("{}%  ·  {}", r.share, votes(r.votes));
            let value_w = value_face.width(&value);
            let room = (inner - value_w - GAP_VALUE * k).max(inner / 3.0);
            Row {
                lines: label.wrap(&format!("{}. {}", i + 1, r.label), room, LABEL_LINES),
                value,
            }
        })
        .collect();

    let bar_h = (BAR_HEIGHT * k).round();
    let mut height = pad;
    height += title.line_height() * title_lines.len() as f32 + GAP_AFTER_TITLE * k;
    height += subtitle.line_height() * sub_lines.len() as f32 + GAP_AFTER_HEADER * k;
    for (i, r) in rows.iter().enumerate() {
        height += label.line_height() * r.lines.len() as f32 + GAP_LABEL_BAR * k + bar_h;
        if i + 1 < rows.len() {
            height += GAP_BETWEEN_ROWS * k;
        }
    }
    // Who changed their stance: a heading and the shifts, under the bars.
    let mut change_rows: Vec<Vec<String>> = Vec::new();
    for (i, line) in change_lines(tally, changes).iter().enumerate() {
        let face = if i == 0 { &label } else { &subtitle };
        change_rows.push(face.wrap(line, inner, LABEL_LINES));
    }
    if !change_rows.is_empty() {
        height += GAP_BEFORE_CHANGES * k;
        for (i, lines) in change_rows.iter().enumerate() {
            let face = if i == 0 { &label } else { &subtitle };
            height += face.line_height() * lines.len() as f32;
        }
    }
    height += pad;
    let height = height.ceil() as u32;

    let mut canvas = Canvas::new(options.width, height, palette.background);
    canvas.frame((FRAME * k).round().max(1.0) as i64, palette.frame);

    let mut y = pad;
    for line in &title_lines {
        title.draw(&mut canvas, line, pad, y + title.ascent(), palette.text);
        y += title.line_height();
    }
    y += GAP_AFTER_TITLE * k;
    for line in &sub_lines {
        subtitle.draw(&mut canvas, line, pad, y + subtitle.ascent(), palette.muted);
        y += subtitle.line_height();
    }
    y += GAP_AFTER_HEADER * k;

    let total: u64 = tally.rows.iter().map(|r| r.votes).sum();
    let track_w = inner.round() as u32;
    let mut bars = Vec::with_capacity(rows.len());
    for (i, (row, r)) in rows.iter().zip(&tally.rows).enumerate() {
        let first_baseline = y + label.ascent();
        for line in &row.lines {
            label.draw(&mut canvas, line, pad, y + label.ascent(), palette.text);
            y += label.line_height();
        }
        let value_w = value_face.width(&row.value);
        value_face.draw(
            &mut canvas,
            &row.value,
            pad + inner - value_w,
            first_baseline,
            palette.muted,
        );
        y += GAP_LABEL_BAR * k;
        let filled = if total == 0 {
            0
        } else {
            ((u128::from(r.votes) * u128::from(track_w) + u128::from(total) / 2)
                / u128::from(total)) as u32
        };
        let bar = BarBox {
            x: pad as u32,
            y: y.round() as u32,
            width: track_w,
            height: bar_h as u32,
            filled,
        };
        canvas.fill_rect(
            i64::from(bar.x),
            i64::from(bar.y),
            i64::from(bar.width),
            i64::from(bar.height),
            palette.track,
        );
        canvas.fill_rect(
            i64::from(bar.x),
            i64::from(bar.y),
            i64::from(bar.filled),
            i64::from(bar.height),
            palette.bar,
        );
        bars.push(bar);
        y += bar_h;
        if i + 1 < rows.len() {
            y += GAP_BETWEEN_ROWS * k;
        }
    }
    if !change_rows.is_empty() {
        y += GAP_BEFORE_CHANGES * k;
        for (i, lines) in change_rows.iter().enumerate() {
            let (face, colour) = if i == 0 {
                (&label, palette.text)
            } else {
                (&subtitle, palette.muted)
            };
            for line in lines {
                face.draw(&mut canvas, line, pad, y + face.ascent(), colour);
                y += face.line_height();
            }
        }
    }
    Ok(Chart {
        canvas,
        width: options.width,
        height,
        bars,
    })
}

#[cfg(test)]
mod tests;
