//! Saying things from the prompt set: a number ("twenty three"), digits
//! one by one ("one zero zero one"), and when something happened ("today
//! at three fifteen PM"), each as the list of prompts to play.

use crate::prompts::Prompts;
use chrono::{DateTime, Datelike, Local, TimeZone, Timelike};
use std::sync::Arc;

type Said = Vec<Arc<[i16]>>;

/// The prompts named, those the set has.
pub fn words(prompts: &Prompts, names: &[&str], rate: u32) -> Said {
    names.iter().filter_map(|n| prompts.get(n, rate)).collect()
}

/// Each character of `text` said as a key.
pub fn digits(prompts: &Prompts, text: &str, rate: u32) -> Said {
    text.chars().filter_map(|c| prompts.key(c, rate)).collect()
}

/// The names of the prompts saying `n`.
pub fn number_names(n: u64) -> Vec<String> {
    let mut names = Vec::new();
    let push_below_thousand = |n: u64, names: &mut Vec<String>| {
        let (hundreds, rest) = (n / 100, n % 100);
        if hundreds > 0 {
            names.push(format!("digit-{hundreds}"));
            names.push("number-hundred".to_owned());
        }
        match rest {
            0 if hundreds > 0 => {}
            0..=9 => names.push(format!("digit-{rest}")),
            10..=19 => names.push(format!("number-{rest}")),
            _ => {
                names.push(format!("number-{}", rest / 10 * 10));
                if rest % 10 > 0 {
                    names.push(format!("digit-{}", rest % 10));
                }
            }
        }
    };
    for (scale, name) in [(1_000_000, "number-million"), (1_000, "number-thousand")] {
        let part = n / scale % 1000;
        if part > 0 {
            push_below_thousand(part, &mut names);
            names.push(name.to_owned());
        }
    }
    if !n.is_multiple_of(1000) || n == 0 {
        push_below_thousand(n % 1000, &mut names);
    }
    names
}

/// `n` said.
pub fn number(prompts: &Prompts, n: u64, rate: u32) -> Said {
    let names = number_names(n);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    words(prompts, &names, rate)
}

/// The names of the prompts saying when `at` was, seen from `now`, both
/// in the server's time zone: "today", "yesterday" or the weekday within
/// a week, else the month and day; then the time.
pub fn when_names<Tz: TimeZone>(at: DateTime<Tz>, now: DateTime<Tz>) -> Vec<String> {
    let mut names = Vec::new();
    let days = now
        .date_naive()
        .signed_duration_since(at.date_naive())
        .num_days();
    match days {
        0 => names.push("day-today".to_owned()),
        1 => names.push("day-yesterday".to_owned()),
        2..=6 => names.push(format!("day-{}", day_name(at.weekday()))),
        _ => {
            names.push(format!("month-{}", month_name(at.month())));
            names.extend(number_names(u64::from(at.day())));
        }
    }
    names.push("time-at".to_owned());
    let (pm, hour) = at.hour12();
    names.extend(number_names(u64::from(hour)));
    match at.minute() {
        0 => names.push("time-oclock".to_owned()),
        m @ 1..=9 => {
            names.push("digit-0".to_owned());
            names.push(format!("digit-{m}"));
        }
        m => names.extend(number_names(u64::from(m))),
    }
    names.push(if pm { "time-pm" } else { "time-am" }.to_owned());
    names
}

/// When Unix second `at` was, said.
pub fn when(prompts: &Prompts, at: i64, rate: u32) -> Said {
    let now = Local::now();
    let Some(at) = Local.timestamp_opt(at, 0).single() else {
        return Vec::new();
    };
    let names = when_names(at, now);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    words(prompts, &names, rate)
}

fn day_name(day: chrono::Weekday) -> &'static str {
    use chrono::Weekday::*;
    match day {
        Mon => "monday",
        Tue => "tuesday",
        Wed => "wednesday",
        Thu => "thursday",
        Fri => "friday",
        Sat => "saturday",
        Sun => "sunday",
    }
}

fn month_name(month: u32) -> &'static str {
    [
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
    ][(month.clamp(1, 12) - 1) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn numbers_are_said_as_people_say_them() {
        let said = |n| number_names(n).join(" ");
        assert_eq!(said(0), "digit-0");
        assert_eq!(said(7), "digit-7");
        assert_eq!(said(13), "number-13");
        assert_eq!(said(40), "number-40");
        assert_eq!(said(42), "number-40 digit-2");
        assert_eq!(said(300), "digit-3 number-hundred");
        assert_eq!(said(305), "digit-3 number-hundred digit-5");
        assert_eq!(said(2_019), "digit-2 number-thousand number-19");
        assert_eq!(said(1_000_001), "digit-1 number-million digit-1");
    }

    #[test]
    fn times_are_said_from_today() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
        let said = |at| when_names(at, now).join(" ");
        assert_eq!(
            said(Utc.with_ymd_and_hms(2026, 12, 1, 15, 5, 0).unwrap()),
            "day-today time-at digit-3 digit-0 digit-5 time-pm"
        );
        assert_eq!(
            said(Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap()),
            "day-yesterday time-at number-12 time-oclock time-am"
        );
        assert_eq!(
            said(Utc.with_ymd_and_hms(2026, 11, 27, 9, 45, 0).unwrap()),
            "day-friday time-at digit-9 number-40 digit-5 time-am"
        );
        assert_eq!(
            said(Utc.with_ymd_and_hms(2026, 10, 3, 12, 30, 0).unwrap()),
            "month-october digit-3 time-at number-12 number-30 time-pm"
        );
    }
}
