use super::*;
use crate::discussion::TallyRow;

fn tally(votes: &[u64], closed: bool) -> Tally {
    let shares = crate::discussion::shares(votes);
    Tally {
        rows: votes
            .iter()
            .zip(shares)
            .enumerate()
            .map(|(i, (&v, share))| TallyRow {
                key: format!("o{i}"),
                label: format!("Option number {i}"),
                votes: v,
                share,
                replies_by_voters: 0,
            })
            .collect(),
        participants: votes.iter().sum(),
        replies: 2,
        repliers: 2,
        replies_without_text: 0,
        closed,
    }
}

/// WCAG relative luminance of an sRGB colour.
fn luminance(c: Rgb) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn both_themes_read_on_discord_dark_and_light_pages() {
    // Discord's light page, its dark page, and its darker "onyx" page.
    let pages: [Rgb; 3] = [[0xFF, 0xFF, 0xFF], [0x31, 0x33, 0x38], [0x1A, 0x1A, 0x1E]];
    for theme in [Theme::Light, Theme::Dark] {
        let p = theme.palette();
        assert!(contrast(p.text, p.background) >= 7.0, "{theme:?} text");
        assert!(contrast(p.muted, p.background) >= 4.5, "{theme:?} muted");
        assert!(contrast(p.bar, p.track) >= 3.0, "{theme:?} bar/track");
        assert!(contrast(p.bar, p.background) >= 3.0, "{theme:?} bar");
        for page in pages {
            assert!(
                contrast(p.frame, page) >= 3.0,
                "{theme:?} frame on {page:02X?}: {:.2}",
                contrast(p.frame, page)
            );
        }
    }
}

#[test]
fn every_option_gets_a_bar_in_order_proportional_to_its_votes() {
    let t = tally(&[1, 1, 0, 1, 2, 0], true);
    let c = draw("How should we move forward?", &t, &ChartOptions::default()).unwrap();
    assert_eq!(c.bars.len(), 6);
    for w in c.bars.windows(2) {
        assert!(w[1].y >= w[0].y + w[0].height + 20, "bars stack: {w:?}");
    }
    let width = c.bars[0].width;
    for (bar, row) in c.bars.iter().zip(&t.rows) {
        let expected = f64::from(width) * row.votes as f64 / 5.0;
        assert!(
            (f64::from(bar.filled) - expected).abs() <= 1.0,
            "{bar:?} for {row:?}"
        );
        assert!(bar.x + bar.width <= c.width && bar.y + bar.height <= c.height);
    }
}

#[test]
fn a_tally_without_votes_draws_empty_tracks() {
    let c = draw(
        "Nobody voted?",
        &tally(&[0, 0, 0], false),
        &ChartOptions::default(),
    )
    .unwrap();
    assert!(c.bars.iter().all(|b| b.filled == 0 && b.width > 0));
    assert!(!c.encode_png().unwrap().is_empty());
}

#[test]
fn three_to_eight_options_fit_and_the_chart_grows_with_them() {
    let mut last = 0;
    for n in 3..=8 {
        let votes: Vec<u64> = (0..n).map(|i| i * 7 + 1).collect();
        for theme in [Theme::Light, Theme::Dark] {
            let c = draw(
                "Question?",
                &tally(&votes, true),
                &ChartOptions { theme, width: 800 },
            )
            .unwrap();
            assert_eq!(c.bars.len() as u64, n);
            assert!(c.height > last || theme == Theme::Dark);
            last = c.height;
        }
    }
}

#[test]
fn long_text_wraps_within_its_lines_and_ends_with_an_ellipsis() {
    let font = FontRef::try_from_slice(FONT).unwrap();
    let face = Face::new(&font, 30.0);
    let long = "How do you think the United States should move forward after the strike, \
                given everything the foreign ministers said in Italy this week and before?"
        .repeat(3);
    let lines = face.wrap(&long, 400.0, 3);
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| face.width(l) <= 400.0), "{lines:?}");
    assert!(lines[2].ends_with('…'), "{lines:?}");
    let unbroken = "Antidisestablishmentarianism".repeat(10);
    let lines = face.wrap(&unbroken, 300.0, 2);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| face.width(l) <= 300.0), "{lines:?}");
    assert!(lines[1].ends_with('…'));
    assert_eq!(face.wrap("Short", 300.0, 2), vec!["Short".to_string()]);
}

#[test]
fn an_unreasonable_width_is_refused() {
    let err = draw(
        "Q",
        &tally(&[1, 2, 3], true),
        &ChartOptions {
            theme: Theme::Light,
            width: 10,
        },
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("between 480 and 2400"), "{err}");
}

#[test]
fn alt_text_describes_every_bar_within_discords_limit() {
    let t = tally(&[1, 1, 0, 1, 2, 0], true);
    let alt = alt_text("How should we move forward?", &t);
    assert!(alt.starts_with("Bar chart of the final result: How should we move forward?"));
    assert!(alt.contains("5. Option number 4: 40% (2 votes)"), "{alt}");
    let long = alt_text(&"Why? ".repeat(400), &t);
    assert!(crate::limits::chars(&long) <= crate::limits::ATTACHMENT_DESCRIPTION);
}

#[test]
fn large_counts_are_grouped_by_thousands() {
    assert_eq!(votes(1), "1 vote");
    assert_eq!(votes(0), "0 votes");
    assert_eq!(votes(100_000), "100,000 votes");
    assert_eq!(group_digits(1_234_567), "1,234,567");
    assert_eq!(group_digits(999), "999");
}

#[test]
fn stance_changes_are_listed_under_the_bars_with_option_labels() {
    use crate::discussion::{StanceChanges, StanceShift};
    let t = tally(&[3, 2, 1], true);
    let changes = StanceChanges {
        changed: 2,
        members: 6,
        shifts: vec![StanceShift {
            from: "o0".into(),
            to: "o2".into(),
            members: 2,
        }],
    };
    assert_eq!(
        change_lines(&t, &changes),
        vec![
            "Changed their stance: 2 of 6 members".to_string(),
            "Option number 0 \u{2192} Option number 2: 2".to_string()
        ]
    );
    let plain = draw("Q?", &t, &ChartOptions::default()).unwrap();
    let with = draw_with_changes("Q?", &t, &changes, &ChartOptions::default()).unwrap();
    assert!(
        with.height > plain.height,
        "the changes take room under the bars"
    );
    assert_eq!(with.bars, plain.bars, "the bars do not move");
    assert_ne!(with.encode_png().unwrap(), plain.encode_png().unwrap());
    let alt = alt_text_with_changes("Q?", &t, &changes);
    assert!(
        alt.ends_with(
            "Changed their stance: 2 of 6 members; Option number 0 \u{2192} Option number 2: 2."
        ),
        "{alt}"
    );
    // Nobody changed: the chart is the plain one.
    let none = draw_with_changes(
        "Q?",
        &t,
        &StanceChanges::default(),
        &ChartOptions::default(),
    )
    .unwrap();
    assert_eq!(none.encode_png().unwrap(), plain.encode_png().unwrap());
    assert_eq!(
        alt_text("Q?", &t),
        alt_text_with_changes("Q?", &t, &StanceChanges::default())
    );
}

#[test]
fn many_shifts_are_cut_to_four_lines_and_the_rest_summed() {
    use crate::discussion::{StanceChanges, StanceShift};
    let t = tally(&[3, 2, 1, 1, 1, 1], true);
    let shifts: Vec<StanceShift> = (0..6)
        .map(|i| StanceShift {
            from: format!("o{i}"),
            to: format!("o{}", (i + 1) % 6),
            members: 6 - i as u64,
        })
        .collect();
    let changes = StanceChanges {
        changed: shifts.iter().map(|s| s.members).sum(),
        members: 1_500,
        shifts,
    };
    let lines = change_lines(&t, &changes);
    assert_eq!(lines.len(), 1 + 4 + 1);
    assert_eq!(lines[0], "Changed their stance: 21 of 1,500 members");
    assert_eq!(
        lines[5], "Other changes: 3",
        "2 + 1 members in the two shifts left out"
    );
}
