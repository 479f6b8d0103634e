use super::*;

/// Planted camps: `camps` camps of `per_camp` members over `statements` statements. Statements
/// `0..common` are agreed by everyone; after them each camp has `own` statements it agrees with
/// while the other camps disagree; the rest are answered at random. Each member skips about one
/// statement in five and flips about one answer in twelve.
struct Planted {
    members: Vec<String>,
    camp_of: Vec<usize>,
    rows: Vec<(String, i64, Answer)>,
}

fn planted(camps: usize, per_camp: usize, statements: i64, common: i64, own: i64) -> Planted {
    let mut rng = SplitMix::new(42);
    let mut out = Planted {
        members: Vec::new(),
        camp_of: Vec::new(),
        rows: Vec::new(),
    };
    for c in 0..camps {
        for i in 0..per_camp {
            let member = format!("m{c}-{i:03}");
            for s in 0..statements {
                if rng.next_f64() < 0.2 {
                    continue;
                }
                let planted = if s < common {
                    Answer::Agree
                } else if s < common + own * camps as i64 {
                    let owner = ((s - common) / own) as usize;
                    if owner == c {
                        Answer::Agree
                    } else {
                        Answer::Disagree
                    }
                } else {
                    match rng.next_u64() % 3 {
                        0 => Answer::Agree,
                        1 => Answer::Disagree,
                        _ => Answer::Pass,
                    }
                };
                let answer = if rng.next_f64() < 0.08 {
                    Answer::Pass
                } else {
                    planted
                };
                out.rows.push((member.clone(), s, answer));
            }
            out.members.push(member);
            out.camp_of.push(c);
        }
    }
    out
}

fn rows(p: &Planted) -> Vec<AnswerRow<'_>> {
    p.rows
        .iter()
        .map(|(m, s, a)| AnswerRow {
            member: m,
            statement: *s,
            answer: *a,
        })
        .collect()
}

#[test]
fn three_planted_camps_come_out_as_three_groups_each_one_camp() {
    let p = planted(3, 20, 30, 3, 4);
    let a = analyse(&rows(&p), &Options::default());
    assert_eq!(a.groups.len(), 3, "{:?}", a.groups);
    assert_eq!(a.members.len(), 60);
    // Every camp lands in one group, and different camps in different groups.
    let mut group_of_camp = vec![None; 3];
    for placed in &a.members {
        let i = p.members.iter().position(|m| *m == placed.member).unwrap();
        let camp = p.camp_of[i];
        match group_of_camp[camp] {
            None => group_of_camp[camp] = Some(placed.group),
            Some(g) => assert_eq!(g, placed.group, "camp {camp} split"),
        }
    }
    let mut groups: Vec<usize> = group_of_camp.into_iter().flatten().collect();
    groups.sort();
    assert_eq!(groups, vec![0, 1, 2]);
    assert!(a.silhouette.unwrap() > 0.5, "{:?}", a.silhouette);
}

#[test]
fn the_planted_common_ground_is_found_and_nothing_else() {
    let p = planted(3, 20, 30, 3, 4);
    let a = analyse(&rows(&p), &Options::default());
    let mut common = a.common_ground.clone();
    common.sort();
    assert_eq!(common, vec![0, 1, 2]);
}

#[test]
fn each_group_is_set_apart_by_its_own_camps_statements() {
    let p = planted(3, 20, 30, 3, 4);
    let a = analyse(&rows(&p), &Options::default());
    for placed in &a.members {
        let i = p.members.iter().position(|m| *m == placed.member).unwrap();
        let camp = p.camp_of[i] as i64;
        let own: Vec<i64> = (3 + camp * 4..3 + camp * 4 + 4).collect();
        let divides = &a.divides[placed.group];
        assert!(!divides.is_empty());
        for d in divides {
            // A camp stands out by agreeing with its own statements, or by disagreeing with
            // another camp's: planted statements only, never the common ground or the noise.
            assert!((3..15).contains(&d.statement), "{d:?}");
            if own.contains(&d.statement) {
                assert_eq!(d.direction, Answer::Agree);
            } else {
                assert_eq!(d.direction, Answer::Disagree);
            }
        }
        assert!(
            divides.iter().any(|d| own.contains(&d.statement)),
            "camp {camp}'s own statements set it apart: {divides:?}"
        );
    }
}

#[test]
fn counts_add_up_per_statement_and_per_group() {
    let p = planted(3, 20, 30, 3, 4);
    let a = analyse(&rows(&p), &Options::default());
    assert_eq!(a.statements.len(), 30);
    for s in &a.statements {
        let expected = p.rows.iter().filter(|r| r.1 == s.statement).count() as u64;
        assert_eq!(s.total.seen(), expected);
        let agree = p
            .rows
            .iter()
            .filter(|r| r.1 == s.statement && r.2 == Answer::Agree)
            .count() as u64;
        assert_eq!(s.total.agree, agree);
        let per_group: u64 = s.by_group.iter().map(Counts::seen).sum();
        assert_eq!(per_group, expected, "every member is placed here");
    }
    let sizes: usize = a.groups.iter().map(|g| g.size).sum();
    assert_eq!(sizes, 60);
    assert!(a.groups.windows(2).all(|w| w[0].size >= w[1].size));
}

#[test]
fn two_planted_camps_give_two_groups() {
    let p = planted(2, 25, 20, 2, 5);
    let a = analyse(&rows(&p), &Options::default());
    assert_eq!(a.groups.len(), 2);
    assert_eq!(a.groups[0].size + a.groups[1].size, 50);
}

#[test]
fn the_same_answers_in_another_order_give_the_same_analysis() {
    let p = planted(3, 20, 30, 3, 4);
    let forward = rows(&p);
    let mut backward = forward.clone();
    backward.reverse();
    let mut shuffled = forward.clone();
    let mut rng = SplitMix::new(9);
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
    }
    let a = analyse(&forward, &Options::default());
    assert_eq!(a, analyse(&backward, &Options::default()));
    assert_eq!(a, analyse(&shuffled, &Options::default()));
    assert_eq!(a, analyse(&forward, &Options::default()));
}

#[test]
fn members_with_too_few_answers_are_counted_but_not_placed() {
    let mut p = planted(3, 20, 30, 3, 4);
    p.rows.push(("late".into(), 0, Answer::Agree));
    p.rows.push(("late".into(), 1, Answer::Disagree));
    let a = analyse(&rows(&p), &Options::default());
    assert_eq!(a.participants, 61);
    assert_eq!(a.members.len(), 60);
    assert!(a.members.iter().all(|m| m.member != "late"));
    let s1 = a.counts(1).unwrap();
    assert_eq!(
        s1.total.seen(),
        s1.by_group.iter().map(Counts::seen).sum::<u64>() + 1
    );
}

#[test]
fn a_later_answer_to_the_same_statement_replaces_the_earlier() {
    let rows = [
        AnswerRow {
            member: "a",
            statement: 1,
            answer: Answer::Agree,
        },
        AnswerRow {
            member: "a",
            statement: 1,
            answer: Answer::Disagree,
        },
    ];
    let a = analyse(&rows, &Options::default());
    let c = a.counts(1).unwrap().total;
    assert_eq!((c.agree, c.disagree, c.pass), (0, 1, 0));
}

#[test]
fn too_few_members_or_no_answers_give_counts_without_groups() {
    assert_eq!(analyse(&[], &Options::default()), Analysis::default());
    let rows: Vec<AnswerRow> = (0..5)
        .map(|s| AnswerRow {
            member: "only",
            statement: s,
            answer: Answer::Agree,
        })
        .collect();
    let a = analyse(&rows, &Options::default());
    assert!(a.groups.is_empty() && a.members.is_empty());
    assert_eq!(a.statements.len(), 5);
    assert!(a.common_ground.is_empty() && a.divides.is_empty());
}

#[test]
fn members_who_all_answer_alike_form_no_groups() {
    let names: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    let rows: Vec<AnswerRow> = names
        .iter()
        .flat_map(|m| {
            (0..4).map(move |s| AnswerRow {
                member: m,
                statement: s,
                answer: Answer::Agree,
            })
        })
        .collect();
    let a = analyse(&rows, &Options::default());
    assert!(a.groups.is_empty(), "one point cannot make two groups");
    assert_eq!(a.counts(0).unwrap().total.agree, 10);
}

#[test]
fn answers_round_trip_through_their_keys() {
    for a in [Answer::Agree, Answer::Disagree, Answer::Pass] {
        assert_eq!(Answer::parse(a.key()), Some(a));
    }
    assert_eq!(Answer::parse("maybe"), None);
}
