//! Editing the top Via in place: the branch of a request about to be sent,
//! `received`/`rport` of one just received. Only the first element of the
//! first Via line is rewritten; any Vias after it stay as they were.

use crate::header_name::HeaderName;
use crate::message::Headers;
use crate::scan;
use crate::text::Text;
use crate::via::Via;

/// Parses the top Via, lets `edit` change it, writes it back when it
/// changed (an untouched line keeps its bytes) and returns it.
pub(crate) fn edit_top_via(
    headers: &mut Headers,
    edit: impl FnOnce(&mut Via),
) -> Result<Via, &'static str> {
    let line = headers.get_text(&HeaderName::Via).ok_or("missing Via")?;
    let first = scan::split_top_level(&line, b',').next().unwrap_or("");
    let original = Via::parse(&line, first)?;
    let mut via = original.clone();
    edit(&mut via);
    if via != original {
        let rest = &line[first.len()..];
        headers.replace_first(&HeaderName::Via, Text::from(format!("{via}{rest}")));
    }
    Ok(via)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_the_first_element() {
        let mut h = Headers::default();
        h.push(HeaderName::From, "<sip:a@b>");
        h.push(
            HeaderName::Via,
            "SIP/2.0/UDP a, SIP/2.0/TCP b;branch=z9hG4bKb",
        );
        h.push(HeaderName::Via, "SIP/2.0/UDP c");
        let v = edit_top_via(&mut h, |v| {
            v.set_param("branch", Some(Text::from("z9hG4bKx")))
        })
        .unwrap();
        assert_eq!(v.branch().unwrap(), "z9hG4bKx");
        let lines: Vec<&str> = h.get_all(&HeaderName::Via).collect();
        assert_eq!(
            lines,
            [
                "SIP/2.0/UDP a;branch=z9hG4bKx, SIP/2.0/TCP b;branch=z9hG4bKb",
                "SIP/2.0/UDP c"
            ]
        );
        assert!(edit_top_via(&mut Headers::default(), |_| ()).is_err());
        let mut odd = Headers::default();
        odd.push(HeaderName::Via, "SIP / 2.0 / UDP   a ; branch=z9hG4bKa");
        edit_top_via(&mut odd, |_| ()).unwrap();
        assert_eq!(
            odd.get(&HeaderName::Via).unwrap(),
            "SIP / 2.0 / UDP   a ; branch=z9hG4bKa"
        );
    }
}
