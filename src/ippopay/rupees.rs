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

impl FromStr for Rupees {
    type Err = rust_decimal::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.contains(['e', 'E']) {
            Decimal::from_scientific(s).map(Self)
        } else {
            Decimal::from_str_exact(s).map(Self)
        }
    }
}

impl TryFrom<&str> for Rupees {
    type Error = rust_decimal::Error;
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

impl<'de> Deserialize<'de> for Rupees {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let digits = if text.starts_with('"') {
            serde_json::from_str::<String>(text).map_err(D::Error::custom)?
        } else {
            text.to_owned()
        };
        digits.parse().map_err(|e| {
            D::Error::custom(format!(
                "amount {text} is not a decimal number of rupees: {e}"
            ))
        })
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
    fn accepts_numbers_strings_and_exponents() {
        assert_eq!(
            serde_json::from_str::<Rupees>("100.00").unwrap(),
            rupees("100")
        );
        assert_eq!(
            serde_json::from_str::<Rupees>(r#""0.98""#).unwrap(),
            rupees("0.98")
        );
        assert_eq!(
            serde_json::from_str::<Rupees>("1e2").unwrap(),
            rupees("100")
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
