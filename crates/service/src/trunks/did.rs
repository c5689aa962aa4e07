//! DIDs: the public numbers the trunks bring in, each list of numbers
//! (exact, or a range such as `+4930123400..+4930123499`) sent to one
//! destination. No number may belong to two DIDs.

use crate::destination::Destination;
use crate::flows::ring_group::{check_text, unset};
use crate::flows::FlowObject;
use crate::ServiceError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Did {
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{0,39}$")]
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The numbers, as the provider sends them: `+4930123456`, or a range
    /// of numbers of the same length, `+4930123400..+4930123499`.
    pub numbers: Vec<String>,
    #[schema(value_type = String, example = "ivr:main")]
    pub destination: Destination,
    #[serde(default, skip_serializing_if = "unset")]
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "unset")]
    pub updated_at: i64,
}

/// One entry of a DID's numbers: first and last (the same for one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberRange {
    pub first: String,
    pub last: String,
}

impl NumberRange {
    pub fn parse(s: &str) -> Result<NumberRange, String> {
        let (first, last) = s.split_once("..").unwrap_or((s, s));
        for n in [first, last] {
            if !super::trunk::phone_number(n) {
                return Err(format!(
                    "{n:?} must be 3 to 15 digits, with an optional leading +"
                ));
            }
        }
        if first.len() != last.len() || first.starts_with('+') != last.starts_with('+') {
            return Err(format!("{s}: both ends must be written alike, as long"));
        }
        if first > last {
            return Err(format!("{s}: the first number is after the last"));
        }
        Ok(NumberRange {
            first: first.to_owned(),
            last: last.to_owned(),
        })
    }

    pub fn contains(&self, number: &str) -> bool {
        number.len() == self.first.len()
            && number.starts_with('+') == self.first.starts_with('+')
            && number >= self.first.as_str()
            && number <= self.last.as_str()
    }

    pub fn overlaps(&self, other: &NumberRange) -> bool {
        self.first.len() == other.first.len()
            && self.first.starts_with('+') == other.first.starts_with('+')
            && self.first <= other.last
            && other.first <= self.last
    }
}

impl Did {
    /// Its numbers, parsed (checked on save, so unparsable ones are none).
    pub fn ranges(&self) -> Vec<NumberRange> {
        self.numbers
            .iter()
            .filter_map(|n| NumberRange::parse(n).ok())
            .collect()
    }
}

impl FlowObject for Did {
    const KIND: &'static str = "did";
    const NOUN: &'static str = "DID";
    const ADMIN_ONLY: bool = true;

    crate::flows::identity!(unnumbered);

    fn into_decl(self) -> crate::flows::declare::FlowDecl {
        crate::flows::declare::FlowDecl::Did(self)
    }

    fn check(&self) -> Result<(), ServiceError> {
        check_text("display_name", &self.display_name, 64)?;
        if self.numbers.is_empty() || self.numbers.len() > 100 {
            return Err(ServiceError::invalid(
                "numbers",
                "must be 1 to 100 numbers or ranges",
            ));
        }
        let mut ranges: Vec<NumberRange> = Vec::new();
        for n in &self.numbers {
            let r = NumberRange::parse(n).map_err(|e| ServiceError::invalid("numbers", e))?;
            if let Some(o) = ranges.iter().find(|o| o.overlaps(&r)) {
                return Err(ServiceError::invalid(
                    "numbers",
                    format!("{n} overlaps {}..{}", o.first, o.last),
                ));
            }
            ranges.push(r);
        }
        Ok(())
    }

    fn routes(&self) -> Vec<(String, &Destination)> {
        vec![("destination".to_owned(), &self.destination)]
    }
    fn claims(&self) -> Vec<NumberRange> {
        self.ranges()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_hold_numbers_of_their_length_between_their_ends() {
        let r = NumberRange::parse("+4930123400..+4930123499").unwrap();
        assert!(r.contains("+4930123400"));
        assert!(r.contains("+4930123457"));
        assert!(r.contains("+4930123499"));
        assert!(!r.contains("+4930123500"));
        assert!(!r.contains("4930123457"));
        assert!(!r.contains("+49301234570"));
        let one = NumberRange::parse("0301234").unwrap();
        assert!(one.contains("0301234") && !one.contains("0301235"));
        assert!(r.overlaps(&NumberRange::parse("+4930123499..+4930123600").unwrap()));
        assert!(!r.overlaps(&NumberRange::parse("+4930123500").unwrap()));
    }

    #[test]
    fn bad_ranges_say_why() {
        for (s, says) in [
            ("12", "3 to 15 digits"),
            ("+49301..+493012", "written alike"),
            ("200..100", "after the last"),
            ("12a4", "3 to 15 digits"),
        ] {
            let e = NumberRange::parse(s).unwrap_err();
            assert!(e.contains(says), "{s}: {e}");
        }
    }
}
