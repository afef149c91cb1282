//! [`Rupees`]: an exact decimal amount of Indian rupees.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// An amount in rupees, exact to the paisa and beyond.
///
/// Ippopay sends and expects amounts as JSON numbers with decimals (`100.00`, `499.5`). A float
/// would turn `0.1 + 0.2` into `0.30000000000000004` and `499.50` into `499.5`; `Rupees` wraps a
/// [`rust_decimal::Decimal`] and reads and writes the number's digits as they are, so `499.50`
/// sent is `499.50` on the wire. It also accepts the amount as a JSON string (`"499.50"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rupees(Decimal);

impl Rupees {
    /// The amount as a decimal.
    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// Decimal places as written (`499.50` has 2).
    pub fn scale(&self) -> u32 {
        self.0.scale()
    }

    /// Whether the amount is a whole number of paise (at most two decimals once trailing
    /// zeros are dropped): what Ippopay accepts and sends.
    pub fn is_whole_paise(&self) -> bool {
        self.0.normalize().scale() <= PAISE_DECIMALS
    }
}

impl From<Decimal> for Rupees {
    fn from(value: Decimal) -> Self {
        Self(value)
    }
}

impl From<Rupees> for Decimal {
    fn from(value: Rupees) -> Self {
        value.0
    }
}

/// Why text is not an amount of rupees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseRupeesError {
    text: String,
    reason: &'static str,
}

impl fmt::Display for ParseRupeesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an amount of rupees: {}",
            self.text, self.reason
        )
    }
}

impl std::error::Error for ParseRupeesError {}

/// Decimal places of a whole number of paise.
const PAISE_DECIMALS: u32 = 2;

/// Only plain decimals: an optional `-`, digits, and optionally `.` and digits. No `+`, no
/// `_`, no exponent, no `.5` or `5.`, no surrounding spaces: a lenient parser would read a
/// typo or a differently formatted field as some other amount.
impl FromStr for Rupees {
    type Err = ParseRupeesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |reason| ParseRupeesError {
            text: s.to_owned(),
            reason,
        };
        let unsigned = s.strip_prefix('-').unwrap_or(s);
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
            return Err(fail(
                "expected plain decimal digits such as 499.50 (no sign but -, no spaces, no exponent)",
            ));
        }
        Decimal::from_str_exact(s)
            .map(Self)
            .map_err(|_| fail("too many digits for a decimal"))
    }
}

impl TryFrom<&str> for Rupees {
    type Error = ParseRupeesError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Rupees {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Rupees {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A raw JSON number keeps the digits (and trailing zeros) exactly as the decimal has them.
        let raw = RawValue::from_string(self.0.to_string()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// Decoding is strict where a lenient reader would hand out a wrong amount: a negative amount
/// or one with fractions of a paisa is an error naming the value (Ippopay never sends either;
/// rounding it, or passing it on as money owed, would be worse than failing the call).
impl<'de> Deserialize<'de> for Rupees {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let digits = if text.starts_with('"') {
            serde_json::from_str::<String>(text).map_err(D::Error::custom)?
        } else {
            text.to_owned()
        };
        let amount: Rupees = digits.parse().map_err(|e| {
            D::Error::custom(format!(
                "amount {text} is not a decimal number of rupees: {e}"
            ))
        })?;
        if amount.0.is_sign_negative() && !amount.0.is_zero() {
            return Err(D::Error::custom(format!(
                "amount {text} is negative; refusing a negative amount of rupees"
            )));
        }
        if !amount.is_whole_paise() {
            return Err(D::Error::custom(format!(
                "amount {text} has more than {PAISE_DECIMALS} decimals (fractions of a paisa); refusing to round it"
            )));
        }
        Ok(amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rupees(s: &str) -> Rupees {
        s.parse().unwrap()
    }

    #[test]
    fn trailing_zeros_survive_the_wire() {
        assert_eq!(serde_json::to_string(&rupees("499.50")).unwrap(), "499.50");
        let back: Rupees = serde_json::from_str("499.50").unwrap();
        assert_eq!(back.scale(), 2);
        assert_eq!(serde_json::to_string(&back).unwrap(), "499.50");
    }

    #[test]
    fn no_float_error_creeps_in() {
        let a: Rupees = serde_json::from_str("0.1").unwrap();
        let b: Rupees = serde_json::from_str("0.2").unwrap();
        let sum = Rupees::from(a.as_decimal() + b.as_decimal());
        assert_eq!(sum, rupees("0.3"));
        assert_eq!(serde_json::to_string(&sum).unwrap(), "0.3");
    }

    #[test]
    fn accepts_numbers_and_strings() {
        assert_eq!(
            serde_json::from_str::<Rupees>("100.00").unwrap(),
            rupees("100")
        );
        assert_eq!(
            serde_json::from_str::<Rupees>(r#""0.98""#).unwrap(),
            rupees("0.98")
        );
    }

    #[test]
    fn rejects_what_is_not_an_amount_naming_it() {
        let err = serde_json::from_str::<Rupees>(r#""ten""#)
            .unwrap_err()
            .to_string();
        assert!(err.contains(r#""ten""#), "{err}");
        assert!(serde_json::from_str::<Rupees>("true").is_err());
        assert!(serde_json::from_str::<Rupees>("null").is_err());
    }
}
