//! The opinion map: every placed member as a small square at their place from the grouping, in
//! their group's colour, with no names; a legend under it gives each group's size and the stance
//! shares of its members (numbered as in the tally chart). The group colours are muted and none
//! is the colour of a side: they tell groups apart and say nothing of them.

use super::canvas::{Canvas, Face, Rgb};
use super::{ChartError, ChartOptions, Theme, FONT};
use crate::opinion::Analysis;
use ab_glyph::FontRef;

/// Groups are named by letter: "Group A", "Group B", …
pub fn group_name(group: usize) -> String {
    let letter = (b'A' + (group % 26) as u8) as char;
    format!("Group {letter}")
}

/// Muted, mutually distinct colours for up to five groups (the grouping makes at most five).
pub fn group_colours(theme: Theme) -> [Rgb; 5] {
    match theme {
        Theme::Light => [
            [0x3B, 0x5B, 0x8C],
            [0x2E, 0x7A, 0x6C],
            [0x8F, 0x63, 0x1C],
            [0x76, 0x4C, 0x86],
            [0x55, 0x5A, 0x63],
        ],
        Theme::Dark => [
            [0x8F, 0xAE, 0xDD],
            [0x7C, 0xC8, 0xB7],
            [0xDB, 0xB0, 0x6A],
            [0xC3, 0x9C, 0xD3],
            [0xB4, 0xB9, 0xC2],
        ],
    }
}

/// One member's square on the map, in pixels (for tests and alt text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    /// The square's centre.
    pub x: u32,
    pub y: u32,
    pub group: usize,
}

/// A map drawn but not yet encoded.
pub struct OpinionMap {
    canvas: Canvas,
    pub width: u32,
    pub height: u32,
    pub points: Vec<Point>,
    /// Side of a member's square, in pixels.
    pub marker: u32,
}

impl OpinionMap {
    pub fn encode_png(&self) -> Result<Vec<u8>, ChartError> {
        self.canvas.encode_png()
    }
}

/// One group's line in the legend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendRow {
    pub group: usize,
    pub size: usize,
    /// Percent of the group's members with a stance who took each option (discussion order);
    /// empty when none of them took one.
    pub stance_shares: Vec<u32>,
}

/// Each group's size and stance shares. `stance_of` gives a placed member's option index.
pub fn legend(
    analysis: &Analysis,
    options: usize,
    stance_of: impl Fn(&str) -> Option<usize>,
) -> Vec<LegendRow> {
    let mut votes = vec![vec![0u64; options]; analysis.groups.len()];
    for m in &analysis.members {
        if let Some(i) = stance_of(&m.member).filter(|&i| i < options) {
            votes[m.group][i] += 1;
        }
    }
    analysis
        .groups
        .iter()
        .zip(votes)
        .enumerate()
        .map(|(group, (g, v))| LegendRow {
            group,
            size: g.size,
            stance_shares: if v.iter().sum::<u64>() == 0 {
                Vec::new()
            } else {
                crate::discussion::shares(&v)
            },
        })
        .collect()
}

/// The legend line in words: "Group A · 20 members · stances 1: 45% · 2: 55%".
pub fn legend_line(row: &LegendRow) -> String {
    let mut s = format!(
        "{} · {} member{}",
        group_name(row.group),
        row.size,
        if row.size == 1 { "" } else { "s" }
    );
    if row.stance_shares.is_empty() {
        s.push_str(" · no stances taken");
    } else {
        let shares: Vec<String> = row
            .stance_shares
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}: {p}%", i + 1))
            .collect();
        s.push_str(&format!(" · stances {}", shares.join(" · ")));
    }
    s
}

const BASE_WIDTH: f32 = 800.0;
const PADDING: f32 = 36.0;
const TITLE_PX: f32 = 28.0;
const LEGEND_PX: f32 = 19.0;
const MARKER: f32 = 8.0;
const GAP: f32 = 20.0;

/// Draws the map of `analysis` under `title`, with `legend` rows under it.
pub fn draw_map(
    title: &str,
    analysis: &Analysis,
    legend: &[LegendRow],
    options: &ChartOptions,
) -> Result<OpinionMap, ChartError> {
    if !(ChartOptions::MIN_WIDTH..=ChartOptions::MAX_WIDTH).contains(&options.width) {
        return Err(ChartError::Width {
            width: options.width,
            min: ChartOptions::MIN_WIDTH,
            max: ChartOptions::MAX_WIDTH,
        });
    }
    let font = FontRef::try_from_slice(FONT).map_err(|e| ChartError::Font(e.to_string()))?;
    let palette = options.theme.palette();
    let colours = group_colours(options.theme);
    let k = options.width as f32 / BASE_WIDTH;
    let width = options.width as f32;
    let pad = (PADDING * k).round();
    let inner = width - 2.0 * pad;
    let title_face = Face::new(&font, TITLE_PX * k);
    let legend_face = Face::new(&font, LEGEND_PX * k);
    let title_lines = title_face.wrap(title, inner, 3);
    let legend_lines: Vec<Vec<String>> = legend
        .iter()
        .map(|r| legend_face.wrap(&legend_line(r), inner - legend_face.line_height() * 1.5, 2))
        .collect();

    let plot = (inner * 0.75).round();
    let mut height = pad + title_face.line_height() * title_lines.len() as f32 + GAP * k;
    let plot_top = height;
    height += plot + GAP * k;
    let legend_top = height;
    height += legend_lines
        .iter()
        .map(|l| legend_face.line_height() * l.len() as f32)
        .sum::<f32>();
    height += pad;
    let height = height.ceil() as u32;

    let mut canvas = Canvas::new(options.width, height, palette.background);
    canvas.frame((2.0 * k).round().max(1.0) as i64, palette.frame);
    let mut y = pad;
    for line in &title_lines {
        title_face.draw(
            &mut canvas,
            line,
            pad,
            y + title_face.ascent(),
            palette.text,
        );
        y += title_face.line_height();
    }

    // The plot area, with faint axes through the centre of the answers.
    let plot_left = pad;
    canvas.fill_rect(
        plot_left as i64,
        plot_top as i64,
        inner as i64,
        plot as i64,
        palette.track,
    );
    let marker = (MARKER * k).round().max(3.0);
    let (mut lo_x, mut hi_x, mut lo_y, mut hi_y) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for m in &analysis.members {
        lo_x = lo_x.min(m.x);
        hi_x = hi_x.max(m.x);
        lo_y = lo_y.min(m.y);
        hi_y = hi_y.max(m.y);
    }
    let span_x = (hi_x - lo_x).max(1e-9);
    let span_y = (hi_y - lo_y).max(1e-9);
    let margin = marker as f64;
    let to_px = |x: f64, y: f64| -> (u32, u32) {
        let px = plot_left as f64 + margin + (x - lo_x) / span_x * (inner as f64 - 2.0 * margin);
        // Screen y grows downwards; the second component grows upwards.
        let py = plot_top as f64 + margin + (hi_y - y) / span_y * (plot as f64 - 2.0 * margin);
        (px.round() as u32, py.round() as u32)
    };
    let (ax, ay) = to_px(0.0, 0.0);
    canvas.fill_rect(
        i64::from(ax),
        plot_top as i64,
        1,
        plot as i64,
        palette.frame,
    );
    canvas.fill_rect(
        plot_left as i64,
        i64::from(ay),
        inner as i64,
        1,
        palette.frame,
    );
    let half = (marker / 2.0).floor() as i64;
    let mut points = Vec::with_capacity(analysis.members.len());
    for m in &analysis.members {
        let (x, y) = to_px(m.x, m.y);
        let colour = colours[m.group % colours.len()];
        canvas.fill_rect(
            i64::from(x) - half,
            i64::from(y) - half,
            marker as i64,
            marker as i64,
            colour,
        );
        points.push(Point {
            x,
            y,
            group: m.group,
        });
    }

    let mut y = legend_top;
    let swatch = legend_face.line_height() * 0.6;
    for (row, lines) in legend.iter().zip(&legend_lines) {
        canvas.fill_rect(
            pad as i64,
            (y + (legend_face.line_height() - swatch) / 2.0) as i64,
            swatch as i64,
            swatch as i64,
            colours[row.group % colours.len()],
        );
        for line in lines {
            legend_face.draw(
                &mut canvas,
                line,
                pad + legend_face.line_height() * 1.5,
                y + legend_face.ascent(),
                palette.text,
            );
            y += legend_face.line_height();
        }
    }
    Ok(OpinionMap {
        canvas,
        width: options.width,
        height,
        points,
        marker: marker as u32,
    })
}

/// The map in words, for the attachment's description.
pub fn map_alt_text(analysis: &Analysis, legend: &[LegendRow]) -> String {
    let lines: Vec<String> = legend.iter().map(legend_line).collect();
    let text = format!(
        "Map of {} member{} placed by their answers, in {} group{}: {}.",
        analysis.members.len(),
        if analysis.members.len() == 1 { "" } else { "s" },
        analysis.groups.len(),
        if analysis.groups.len() == 1 { "" } else { "s" },
        lines.join("; ")
    );
    crate::render::cut::cut(&text, crate::limits::ATTACHMENT_DESCRIPTION).0
}

/// The file name to attach a discussion's map under.
pub fn map_file_name(discussion: crate::store::DiscussionId) -> String {
    format!("roundtable-discussion-{discussion}-groups.png")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opinion::{Group, Placed};

    fn analysis() -> Analysis {
        let mut members = Vec::new();
        for g in 0..3usize {
            for i in 0..20 {
                let angle = g as f64 * 2.1;
                members.push(Placed {
                    member: format!("m{g}-{i:02}"),
                    x: angle.cos() * 3.0 + (i % 5) as f64 * 0.3,
                    y: angle.sin() * 3.0 + (i / 5) as f64 * 0.3,
                    group: g,
                });
            }
        }
        Analysis {
            members,
            groups: (0..3)
                .map(|_| Group {
                    size: 20,
                    centre: (0.0, 0.0),
                })
                .collect(),
            participants: 60,
            ..Analysis::default()
        }
    }

    #[test]
    fn every_placed_member_is_a_square_of_their_groups_colour() {
        let a = analysis();
        let legend = legend(&a, 2, |m| Some(usize::from(m.ends_with('1'))));
        let map = draw_map("Where members stand", &a, &legend, &ChartOptions::default()).unwrap();
        assert_eq!(map.points.len(), 60);
        let png = map.encode_png().unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (map.width, map.height));
        let colours = group_colours(Theme::Light);
        for p in &map.points {
            let i = (p.y as usize * info.width as usize + p.x as usize) * 3;
            assert_eq!(buf[i..i + 3], colours[p.group], "{p:?}");
        }
        // Three groups: three colours in the picture.
        for c in colours.iter().take(3) {
            assert!(buf.chunks(3).any(|px| px == c));
        }
        assert!(!buf.chunks(3).any(|px| px == colours[3]));
    }

    #[test]
    fn the_legend_gives_each_groups_size_and_stance_shares() {
        let a = analysis();
        let legend = legend(&a, 2, |m| {
            if m.starts_with("m0") {
                Some(0)
            } else if m.starts_with("m1") {
                Some(1)
            } else {
                None
            }
        });
        assert_eq!(legend[0].stance_shares, vec![100, 0]);
        assert_eq!(legend[1].stance_shares, vec![0, 100]);
        assert!(legend[2].stance_shares.is_empty());
        assert_eq!(
            legend_line(&legend[0]),
            "Group A · 20 members · stances 1: 100% · 2: 0%"
        );
        assert_eq!(
            legend_line(&legend[2]),
            "Group C · 20 members · no stances taken"
        );
        let alt = map_alt_text(&a, &legend);
        assert!(
            alt.starts_with("Map of 60 members placed by their answers, in 3 groups: Group A"),
            "{alt}"
        );
    }

    #[test]
    fn a_map_too_narrow_is_refused() {
        let a = analysis();
        let r = draw_map(
            "t",
            &a,
            &[],
            &ChartOptions {
                width: 10,
                ..ChartOptions::default()
            },
        );
        assert!(matches!(r, Err(ChartError::Width { .. })));
    }

    #[test]
    fn group_colours_stand_out_from_the_plot_in_both_themes() {
        for theme in [Theme::Light, Theme::Dark] {
            let c = group_colours(theme);
            for (i, a) in c.iter().enumerate() {
                for b in &c[i + 1..] {
                    let d: i32 = a
                        .iter()
                        .zip(b)
                        .map(|(x, y)| (i32::from(*x) - i32::from(*y)).abs())
                        .sum();
                    assert!(d > 60, "{theme:?}: {a:?} and {b:?} too alike");
                }
            }
        }
    }
}
