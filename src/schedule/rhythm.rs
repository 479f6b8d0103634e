//! When slots fall: a weekday and local time ("Mon 18:00"), or a five-field cron expression, in an
//! IANA time zone. Slots follow local wall time.
//!
//! DST rules (jiff's "compatible" disambiguation, the same as RFC 5545 and most calendars):
//! - a local time that does not exist (spring forward, e.g. 02:30 in America/New_York on the second
//!   Sunday of March) falls at the same distance after the gap: 02:30 becomes 03:30 local;
//! - a local time that exists twice (fall back, 01:30 on the first Sunday of November) is the first
//!   of the two (01:30 EDT). A slot is named by its local wall time, so it posts once either way.

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rhythm {
    Weekly { weekday: Weekday, time: Time },
    Cron(Cron),
}

/// A slot: its local wall time (its name in the ledger) and the instant it resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub local: DateTime,
    pub at: Timestamp,
}

impl Occurrence {
    pub fn key(&self) -> String {
        self.local.strftime("%Y-%m-%dT%H:%M").to_string()
    }
}

/// How far to look for an occurrence before giving up (a cron for 30 February never fires).
const SEARCH_DAYS: i32 = 366 * 5;

fn weekday(s: &str) -> Option<Weekday> {
    let s = s.to_ascii_lowercase();
    let all = [
        ("mon", Weekday::Monday),
        ("tue", Weekday::Tuesday),
        ("wed", Weekday::Wednesday),
        ("thu", Weekday::Thursday),
        ("fri", Weekday::Friday),
        ("sat", Weekday::Saturday),
        ("sun", Weekday::Sunday),
    ];
    all.iter()
        .find(|(short, day)| s == *short || s == format!("{day:?}").to_ascii_lowercase())
        .map(|(_, d)| *d)
}

impl Rhythm {
    /// Parses "Mon 18:00" (any weekday name or its first three letters, 24-hour time).
    pub fn weekly(spec: &str) -> Result<Rhythm, String> {
        let mut parts = spec.split_whitespace();
        let (Some(day), Some(time), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "`{spec}` is not a weekday and time like \"Mon 18:00\""
            ));
        };
        let weekday =
            weekday(day).ok_or_else(|| format!("`{day}` is not a weekday (Mon, Tue, … Sun)"))?;
        let time: Time = time
            .parse()
            .map_err(|_| format!("`{time}` is not a 24-hour time like 18:00"))?;
        Ok(Rhythm::Weekly { weekday, time })
    }

    /// "every Monday at 18:00" (local time); a cron rhythm as "on a cron rhythm".
    pub fn describe(&self) -> String {
        match self {
            Rhythm::Weekly { weekday, time } => {
                format!("every {weekday:?} at {}", time.strftime("%H:%M"))
            }
            Rhythm::Cron(_) => "on a cron rhythm".to_string(),
        }
    }

    /// Local times of the slots on `date`, earliest first.
    fn times_on(&self, date: Date) -> Vec<Time> {
        match self {
            Rhythm::Weekly { weekday, time } => {
                if date.weekday() == *weekday {
                    vec![*time]
                } else {
                    Vec::new()
                }
            }
            Rhythm::Cron(c) => c.times_on(date),
        }
    }

    fn resolve(tz: &TimeZone, local: DateTime) -> Option<Occurrence> {
        let at = tz.to_ambiguous_timestamp(local).compatible().ok()?;
        Some(Occurrence { local, at })
    }

    /// The latest slot at or before `now`.
    pub fn last_at_or_before(&self, tz: &TimeZone, now: Timestamp) -> Option<Occurrence> {
        let today = now.to_zoned(tz.clone()).date();
        for back in 0..SEARCH_DAYS {
            let date = today.checked_sub(jiff::Span::new().days(back)).ok()?;
            let found = self
                .times_on(date)
                .into_iter()
                .rev()
                .filter_map(|t| Self::resolve(tz, date.to_datetime(t)))
                .find(|o| o.at <= now);
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// The first slot strictly after `after`.
    pub fn next_after(&self, tz: &TimeZone, after: Timestamp) -> Option<Occurrence> {
        let start = after.to_zoned(tz.clone()).date();
        for ahead in 0..SEARCH_DAYS {
            let date = start.checked_add(jiff::Span::new().days(ahead)).ok()?;
            let found = self
                .times_on(date)
                .into_iter()
                .filter_map(|t| Self::resolve(tz, date.to_datetime(t)))
                .find(|o| o.at > after);
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// The next `n` slots after `after`.
    pub fn upcoming(&self, tz: &TimeZone, after: Timestamp, n: usize) -> Vec<Occurrence> {
        let mut out = Vec::with_capacity(n);
        let mut t = after;
        while out.len() < n {
            match self.next_after(tz, t) {
                Some(o) => {
                    t = o.at;
                    out.push(o);
                }
                None => break,
            }
        }
        out
    }
}

/// A five-field cron expression: minute hour day-of-month month day-of-week, each `*`, a number, a
/// range `a-b`, a step `*/n` or `a-b/n`, or a comma list of those; months and weekdays also by
/// three-letter name; weekday 0 and 7 are Sunday. As in Vixie cron, when both day fields are
/// restricted a day matches either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    days_any: bool,
    weekdays_any: bool,
}

fn field(
    spec: &str,
    min: u32,
    max: u32,
    names: &[&str],
    what: &str,
) -> Result<(u64, bool), String> {
    let value = |s: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(i as u32 + min);
        }
        s.parse::<u32>()
            .ok()
            .filter(|v| (min..=max).contains(v))
            .ok_or_else(|| format!("`{s}` is not a {what} ({min}-{max})"))
    };
    let mut bits = 0u64;
    for part in spec.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("`{s}` is not a step"))?,
            ),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let v = value(range)?;
            (v, if step > 1 { max } else { v })
        };
        if lo > hi {
            return Err(format!("`{range}` is an empty {what} range"));
        }
        for v in (lo..=hi).step_by(step as usize) {
            bits |= 1 << v;
        }
    }
    Ok((bits, spec == "*"))
}

impl Cron {
    pub fn parse(spec: &str) -> Result<Cron, String> {
        let f: Vec<&str> = spec.split_whitespace().collect();
        let [mi, h, dom, mo, dow] = f.as_slice() else {
            return Err(format!(
                "`{spec}` needs five fields: minute hour day-of-month month day-of-week"
            ));
        };
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        let (minutes, _) = field(mi, 0, 59, &[], "minute")?;
        let (hours, _) = field(h, 0, 23, &[], "hour")?;
        let (days, days_any) = field(dom, 1, 31, &[], "day of month")?;
        let (months, _) = field(mo, 1, 12, &MONTHS, "month")?;
        let (mut weekdays, weekdays_any) = field(dow, 0, 7, &DAYS, "day of week")?;
        if weekdays & (1 << 7) != 0 {
            weekdays |= 1;
        }
        Ok(Cron {
            minutes,
            hours: hours as u32,
            days: days as u32,
            months: months as u16,
            weekdays: (weekdays & 0x7f) as u8,
            days_any,
            weekdays_any,
        })
    }

    fn day_matches(&self, date: Date) -> bool {
        if self.months & (1 << date.month()) == 0 {
            return false;
        }
        let dom = self.days & (1 << date.day()) != 0;
        let dow = self.weekdays & (1 << date.weekday().to_sunday_zero_offset()) != 0;
        match (self.days_any, self.weekdays_any) {
            (true, true) => true,
            (true, false) => dow,
            (false, true) => dom,
            (false, false) => dom || dow,
        }
    }

    fn times_on(&self, date: Date) -> Vec<Time> {
        if !self.day_matches(date) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for h in (0..24).filter(|h| self.hours & (1 << h) != 0) {
            for m in (0..60).filter(|m| self.minutes & (1 << m) != 0) {
                out.push(Time::constant(h as i8, m as i8, 0, 0));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn weekly_slots_follow_local_wall_time_across_dst() {
        let r = Rhythm::weekly("Mon 18:00").unwrap();
        let ny = tz("America/New_York");
        // 2026-10-26 is a Monday; DST ends in New York on Sunday 2026-11-01.
        let slots = r.upcoming(&ny, ts("2026-10-20T00:00:00Z"), 3);
        let utc: Vec<String> = slots.iter().map(|o| o.at.to_string()).collect();
        assert_eq!(
            utc,
            [
                "2026-10-26T22:00:00Z",
                "2026-11-02T23:00:00Z",
                "2026-11-09T23:00:00Z"
            ]
        );
        assert!(slots
            .iter()
            .all(|o| o.local.time() == Time::constant(18, 0, 0, 0)));
    }

    #[test]
    fn a_local_time_skipped_by_spring_forward_falls_after_the_gap() {
        // Sunday 2027-03-14: New York clocks jump from 02:00 to 03:00.
        let r = Rhythm::weekly("Sun 02:30").unwrap();
        let ny = tz("America/New_York");
        let o = r.next_after(&ny, ts("2027-03-13T00:00:00Z")).unwrap();
        assert_eq!(o.key(), "2027-03-14T02:30");
        assert_eq!(
            o.at.to_zoned(ny).strftime("%H:%M %Z").to_string(),
            "03:30 EDT"
        );
    }

    #[test]
    fn a_local_time_that_happens_twice_is_the_first() {
        // Sunday 2026-11-01: New York's 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
        let r = Rhythm::weekly("Sun 01:30").unwrap();
        let ny = tz("America/New_York");
        let o = r.next_after(&ny, ts("2026-10-31T00:00:00Z")).unwrap();
        assert_eq!(o.at, ts("2026-11-01T05:30:00Z"));
        // Between the two 01:30s the slot is already behind us: it does not come again.
        let next = r.next_after(&ny, ts("2026-11-01T06:00:00Z")).unwrap();
        assert_eq!(next.key(), "2026-11-08T01:30");
        assert_eq!(
            r.last_at_or_before(&ny, ts("2026-11-01T06:45:00Z"))
                .unwrap()
                .key(),
            "2026-11-01T01:30"
        );
    }

    #[test]
    fn weekly_parsing_names_what_is_wrong() {
        assert!(Rhythm::weekly("Monday 18:00").is_ok());
        assert!(Rhythm::weekly("Funday 18:00")
            .unwrap_err()
            .contains("`Funday` is not a weekday"));
        assert!(Rhythm::weekly("Mon 25:00")
            .unwrap_err()
            .contains("`25:00` is not a 24-hour time"));
        assert!(Rhythm::weekly("Mon").is_err());
    }

    #[test]
    fn cron_expressions_cover_other_rhythms() {
        let utc = tz("UTC");
        let every_other_day = Rhythm::Cron(Cron::parse("0 9 */2 * *").unwrap());
        let keys: Vec<String> = every_other_day
            .upcoming(&utc, ts("2026-12-01T00:00:00Z"), 3)
            .iter()
            .map(Occurrence::key)
            .collect();
        assert_eq!(
            keys,
            ["2026-12-01T09:00", "2026-12-03T09:00", "2026-12-05T09:00"]
        );
        let weekdays = Rhythm::Cron(Cron::parse("30 17 * * mon-fri").unwrap());
        let keys: Vec<String> = weekdays
            .upcoming(&utc, ts("2026-12-04T18:00:00Z"), 2)
            .iter()
            .map(Occurrence::key)
            .collect();
        assert_eq!(
            keys,
            ["2026-12-07T17:30", "2026-12-08T17:30"],
            "Friday evening → Monday"
        );
        let sunday = Rhythm::Cron(Cron::parse("0 12 * * 7").unwrap());
        assert_eq!(
            sunday
                .next_after(&utc, ts("2026-12-01T00:00:00Z"))
                .unwrap()
                .key(),
            "2026-12-06T12:00"
        );
        assert!(Cron::parse("0 9 * *").unwrap_err().contains("five fields"));
        assert!(Cron::parse("61 9 * * *")
            .unwrap_err()
            .contains("`61` is not a minute"));
        let never = Rhythm::Cron(Cron::parse("0 0 30 feb *").unwrap());
        assert_eq!(never.next_after(&utc, ts("2026-01-01T00:00:00Z")), None);
    }

    #[test]
    fn london_slots_move_with_bst() {
        let r = Rhythm::weekly("Thu 19:00").unwrap();
        let london = tz("Europe/London");
        // BST ends Sunday 2026-10-25.
        let utc: Vec<String> = r
            .upcoming(&london, ts("2026-10-20T00:00:00Z"), 2)
            .iter()
            .map(|o| o.at.to_string())
            .collect();
        assert_eq!(utc, ["2026-10-22T18:00:00Z", "2026-10-29T19:00:00Z"]);
    }
}
