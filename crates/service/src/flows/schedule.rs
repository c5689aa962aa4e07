//! Schedules: office hours per weekday (several intervals a day), a
//! holiday calendar (single dates, ranges, dates recurring every year) and
//! a time zone, deciding whether a call goes to the `open`, `closed` or
//! `holiday` destination. An override forces open or closed (from the
//! API, the console, or a star code from the extensions it names) until
//! it is set back to auto.

use super::ring_group::{check_text, unset};
use super::FlowObject;
use crate::destination::Destination;
use crate::ServiceError;
use chrono::{Datelike, NaiveDate, TimeZone, Timelike, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    fn of(w: Weekday) -> Day {
        match w {
            Weekday::Mon => Day::Mon,
            Weekday::Tue => Day::Tue,
            Weekday::Wed => Day::Wed,
            Weekday::Thu => Day::Thu,
            Weekday::Fri => Day::Fri,
            Weekday::Sat => Day::Sat,
            Weekday::Sun => Day::Sun,
        }
    }
}

/// A time of day, `HH:MM`, as minutes since midnight (`24:00` is 1440).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub u16);

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl std::str::FromStr for TimeOfDay {
    type Err = String;

    fn from_str(s: &str) -> Result<TimeOfDay, String> {
        let bad = || format!("{s:?}: a time is HH:MM, 00:00 to 24:00");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if m > 59 || h > 24 || (h == 24 && m != 0) {
            return Err(bad());
        }
        Ok(TimeOfDay(h * 60 + m))
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TimeOfDay, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Open from `from` to `to` on each of `days`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub days: Vec<Day>,
    #[schema(value_type = String, example = "09:00")]
    pub from: TimeOfDay,
    #[schema(value_type = String, example = "17:00")]
    pub to: TimeOfDay,
}

/// One end of a holiday: a date, or a month and day every year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Day0 {
    Date(NaiveDate),
    Yearly(u32, u32),
}

/// When a holiday is: `YYYY-MM-DD`, `MM-DD` (every year), or `A..B`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct When {
    text: String,
    from: Day0,
    to: Day0,
}

fn day0(s: &str) -> Result<Day0, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Day0::Date(d));
    }
    let (m, d) = s.split_once('-').ok_or("")?;
    let (m, d): (u32, u32) = (m.parse().map_err(|_| "")?, d.parse().map_err(|_| "")?);
    // 2024 is a leap year: 02-29 is a day some years have.
    NaiveDate::from_ymd_opt(2024, m, d).ok_or("")?;
    Ok(Day0::Yearly(m, d))
}

impl std::str::FromStr for When {
    type Err = String;

    fn from_str(s: &str) -> Result<When, String> {
        let bad = || format!("{s:?}: must be YYYY-MM-DD, MM-DD (every year), or FROM..TO of those");
        let (a, b) = s.split_once("..").unwrap_or((s, s));
        let (from, to) = (day0(a).map_err(|_| bad())?, day0(b).map_err(|_| bad())?);
        match (from, to) {
            (Day0::Date(x), Day0::Date(y)) if x > y => {
                Err(format!("{s:?}: the range ends before it begins"))
            }
            (Day0::Date(_), Day0::Yearly(..)) | (Day0::Yearly(..), Day0::Date(_)) => Err(format!(
                "{s:?}: both ends must be dates, or both month-days"
            )),
            _ => Ok(When {
                text: s.to_owned(),
                from,
                to,
            }),
        }
    }
}

impl When {
    /// Whether `date` falls in it (both ends included; a yearly range may
    /// run across New Year).
    pub fn contains(&self, date: NaiveDate) -> bool {
        match (self.from, self.to) {
            (Day0::Date(a), Day0::Date(b)) => a <= date && date <= b,
            (Day0::Yearly(am, ad), Day0::Yearly(bm, bd)) => {
                let md = (date.month(), date.day());
                if (am, ad) <= (bm, bd) {
                    (am, ad) <= md && md <= (bm, bd)
                } else {
                    md >= (am, ad) || md <= (bm, bd)
                }
            }
            _ => false,
        }
    }
}

impl Serialize for When {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<When, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub name: String,
    #[schema(value_type = String, example = "12-25")]
    pub when: When,
}

/// Whether the hours decide, or the schedule is forced open or closed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Override {
    #[default]
    Auto,
    Open,
    Closed,
}

/// Where a schedule sends calls at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Closed,
    Holiday,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{0,39}$")]
    pub name: String,
    #[serde(default)]
    #[schema(pattern = "^[0-9]{2,10}$")]
    pub number: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// An IANA time zone: `Europe/Berlin`, `America/New_York`, `UTC`.
    pub time_zone: String,
    #[serde(default)]
    pub hours: Vec<Hours>,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    #[serde(default)]
    pub r#override: Override,
    /// The extensions whose phones may set the override by star code
    /// (`*61N`, `*62N`, `*63N`); none: only the console, API and CLI.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub override_by: Vec<String>,
    #[schema(value_type = String, example = "ivr:main")]
    pub open: Destination,
    #[schema(value_type = String, example = "voicemail:1001")]
    pub closed: Destination,
    /// Where calls go on a holiday; none: where they go when closed.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "announcement:closed")]
    pub holiday: Option<Destination>,
    /// Now (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// Unix milliseconds (not written in declaration files).
    #[serde(default, skip_serializing_if = "unset")]
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "unset")]
    pub updated_at: i64,
}

impl Schedule {
    /// Whether it is open, closed or a holiday at Unix time `at` (seconds),
    /// and the holiday's name.
    pub fn state_at(&self, at: i64) -> (State, Option<&str>) {
        match self.r#override {
            Override::Open => return (State::Open, None),
            Override::Closed => return (State::Closed, None),
            Override::Auto => {}
        }
        let Ok(tz) = self.time_zone.parse::<chrono_tz::Tz>() else {
            return (State::Closed, None);
        };
        let Some(local) = tz.timestamp_opt(at, 0).single() else {
            return (State::Closed, None);
        };
        let date = local.date_naive();
        if let Some(h) = self.holidays.iter().find(|h| h.when.contains(date)) {
            return (State::Holiday, Some(&h.name));
        }
        let day = Day::of(local.weekday());
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let open = self
            .hours
            .iter()
            .any(|h| h.days.contains(&day) && h.from.0 <= minute && minute < h.to.0);
        (if open { State::Open } else { State::Closed }, None)
    }

    /// Where a call goes in `state`.
    pub fn destination(&self, state: State) -> &Destination {
        match state {
            State::Open => &self.open,
            State::Closed => &self.closed,
            State::Holiday => self.holiday.as_ref().unwrap_or(&self.closed),
        }
    }
}

impl FlowObject for Schedule {
    const KIND: &'static str = "schedule";
    const NOUN: &'static str = "schedule";

    fn into_decl(self) -> super::declare::FlowDecl {
        super::declare::FlowDecl::Schedule(self)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn number(&self) -> Option<&str> {
        self.number.as_deref()
    }

    fn set_times(&mut self, created_at: i64, updated_at: i64) {
        self.created_at = created_at;
        self.updated_at = updated_at;
        self.state = None;
    }

    fn check(&self) -> Result<(), ServiceError> {
        check_text("display_name", &self.display_name, 64)?;
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(ServiceError::invalid(
                "time_zone",
                format!(
                    "{:?} is not an IANA time zone (like Europe/Berlin)",
                    self.time_zone
                ),
            ));
        }
        for h in &self.hours {
            if h.days.is_empty() {
                return Err(ServiceError::invalid(
                    "hours",
                    "an interval needs at least one day",
                ));
            }
            if h.from >= h.to {
                return Err(ServiceError::invalid(
                    "hours",
                    format!("{}–{}: from must be before to", h.from, h.to),
                ));
            }
        }
        for h in &self.holidays {
            check_text("holidays", &Some(h.name.clone()), 64)?;
        }
        let own = Destination::Schedule(self.name.clone());
        for (field, d) in [("open", &self.open), ("closed", &self.closed)]
            .into_iter()
            .chain(self.holiday.iter().map(|d| ("holiday", d)))
        {
            if *d == own {
                return Err(ServiceError::invalid(
                    field,
                    "cannot be the schedule itself",
                ));
            }
        }
        Ok(())
    }

    fn routes(&self) -> Vec<(String, &Destination)> {
        let mut routes = vec![
            ("open".to_owned(), &self.open),
            ("closed".to_owned(), &self.closed),
        ];
        if let Some(h) = &self.holiday {
            routes.push(("holiday".to_owned(), h));
        }
        routes
    }

    const MEMBER: &'static str = "overrides by star code";

    fn members(&self) -> Vec<&str> {
        self.override_by.iter().map(String::as_str).collect()
    }

    fn when_read(&mut self, service: &crate::Service) {
        self.state = Some(self.state_at(service.schedule_clock()).0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> Schedule {
        serde_json::from_value(serde_json::json!({
            "name": "office",
            "time_zone": "Europe/Berlin",
            "hours": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "12:30"},
                {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "13:30", "to": "17:00"}
            ],
            "holidays": [
                {"name": "Christmas", "when": "12-25"},
                {"name": "Winter break", "when": "2026-12-28..2027-01-01"},
                {"name": "New Year's Eve", "when": "12-31..01-01"}
            ],
            "open": "ivr:main",
            "closed": "voicemail:1001"
        }))
        .unwrap()
    }

    fn at(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn hours_in_the_schedules_own_time_zone() {
        let s = office();
        // Tuesday 2026-12-01, 08:30 UTC is 09:30 in Berlin.
        assert_eq!(s.state_at(at("2026-12-01T08:30:00Z")).0, State::Open);
        // 12:45 in Berlin: the lunch break.
        assert_eq!(s.state_at(at("2026-12-01T11:45:00Z")).0, State::Closed);
        assert_eq!(s.state_at(at("2026-12-01T12:30:00Z")).0, State::Open);
        // 17:00 is closed: an interval ends before its `to`.
        assert_eq!(s.state_at(at("2026-12-01T16:00:00Z")).0, State::Closed);
        // Saturday.
        assert_eq!(s.state_at(at("2026-12-05T10:00:00Z")).0, State::Closed);
        // Summer time: 07:30 UTC is 09:30 in Berlin in July.
        assert_eq!(s.state_at(at("2026-07-01T07:30:00Z")).0, State::Open);
    }

    #[test]
    fn holidays_dates_ranges_and_yearly() {
        let s = office();
        let (state, name) = s.state_at(at("2027-12-25T10:00:00Z"));
        assert_eq!((state, name), (State::Holiday, Some("Christmas")));
        assert_eq!(
            s.state_at(at("2026-12-29T10:00:00Z")).1,
            Some("Winter break")
        );
        assert_eq!(
            s.state_at(at("2030-01-01T10:00:00Z")).1,
            Some("New Year's Eve")
        );
        assert_eq!(s.state_at(at("2027-01-04T10:00:00Z")).0, State::Open);
        assert_eq!(s.destination(State::Holiday), &s.closed);
    }

    #[test]
    fn an_override_wins() {
        let mut s = office();
        s.r#override = Override::Closed;
        assert_eq!(s.state_at(at("2026-12-01T08:30:00Z")).0, State::Closed);
        s.r#override = Override::Open;
        assert_eq!(s.state_at(at("2027-12-25T03:00:00Z")).0, State::Open);
    }

    #[test]
    fn bad_times_and_dates_say_why() {
        for bad in ["9:00", "24:30", "12:60", "noon"] {
            assert!(bad.parse::<TimeOfDay>().is_err(), "{bad}");
        }
        for bad in [
            "2026-02-30",
            "13-01",
            "2026-12-31..2026-12-01",
            "12-24..2026-12-26",
            "x",
        ] {
            assert!(bad.parse::<When>().is_err(), "{bad}");
        }
        assert_eq!("24:00".parse::<TimeOfDay>().unwrap(), TimeOfDay(1440));
        let mut s = office();
        s.time_zone = "Mars/Olympus".into();
        assert_eq!(s.check().unwrap_err().field(), Some("time_zone"));
    }
}
