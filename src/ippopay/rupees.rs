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
        digits
            .parse()
            .map_err(|e| D::Error::custom(format!("amount {text} is not a decimal number of rupees: {e}")))
    }
}
