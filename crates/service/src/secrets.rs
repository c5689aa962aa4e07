//! Secrets: generated strong by default, and refused when weak.

use rand::Rng;

const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// A SIP secret for the extension: 24 characters from an unambiguous
/// alphabet (about 139 bits) that passes [`weak_secret`], so it survives
/// being exported and applied back.
pub fn sip_secret(number: &str, auth_name: &str) -> String {
    let mut rng = rand::thread_rng();
    loop {
        let s: String = (0..24)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        if weak_secret(&s, number, auth_name).is_none() {
            return s;
        }
    }
}

/// A six-digit voicemail PIN that passes [`weak_pin`].
pub fn pin() -> String {
    let mut rng = rand::thread_rng();
    loop {
        let pin: String = (0..6)
            .map(|_| char::from(b'0' + rng.gen_range(0..10)))
            .collect();
        if weak_pin(&pin, "").is_none() {
            return pin;
        }
    }
}

/// Why a SIP secret is too weak, if it is: shorter than 12, fewer than three
/// kinds of character, or containing the extension's number or auth name.
pub fn weak_secret(secret: &str, number: &str, auth_name: &str) -> Option<String> {
    if secret.chars().count() < 12 {
        return Some("must be at least 12 characters".into());
    }
    let kinds = [
        secret.chars().any(|c| c.is_ascii_lowercase()),
        secret.chars().any(|c| c.is_ascii_uppercase()),
        secret.chars().any(|c| c.is_ascii_digit()),
        secret.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if kinds.iter().filter(|k| **k).count() < 3 {
        return Some("must mix at least three of: lower case, upper case, digits, symbols".into());
    }
    let lower = secret.to_lowercase();
    if lower.contains(number)
        || (!auth_name.is_empty() && lower.contains(&auth_name.to_lowercase()))
    {
        return Some("must not contain the extension number or auth name".into());
    }
    None
}

/// Why a voicemail PIN is too weak, if it is: not 4 to 10 digits, one digit
/// repeated, a run like 1234 or 9876, or the extension number itself.
pub fn weak_pin(pin: &str, number: &str) -> Option<String> {
    if !(4..=10).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Some("must be 4 to 10 digits".into());
    }
    let b = pin.as_bytes();
    let steps: Vec<i16> = b
        .windows(2)
        .map(|w| i16::from(w[1]) - i16::from(w[0]))
        .collect();
    if steps.iter().all(|&s| s == 0)
        || steps.iter().all(|&s| s == 1)
        || steps.iter().all(|&s| s == -1)
    {
        return Some("must not be one digit repeated or a run like 1234".into());
    }
    if pin == number {
        return Some("must not be the extension number".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_pass_their_own_checks() {
        for _ in 0..200 {
            let s = sip_secret("1001", "1001");
            assert_eq!(s.len(), 24);
            assert_eq!(weak_secret(&s, "1001", "1001"), None);
            assert_eq!(weak_pin(&pin(), ""), None);
        }
    }

    #[test]
    fn weak_values_are_named() {
        assert!(weak_secret("short", "1001", "1001").is_some());
        assert!(weak_secret("alllowercaseletters", "1001", "1001").is_some());
        assert!(weak_secret("Abcdef-1001-xyz", "1001", "1001").is_some());
        assert_eq!(weak_secret("Tr0ub4dor&3xyz", "1001", "1001"), None);
        assert!(weak_pin("1111", "1001").is_some());
        assert!(weak_pin("1234", "1001").is_some());
        assert!(weak_pin("98765", "1001").is_some());
        assert!(weak_pin("1001", "1001").is_some());
        assert!(weak_pin("12a4", "1001").is_some());
        assert_eq!(weak_pin("4815", "1001"), None);
    }
}
