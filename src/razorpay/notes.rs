//! [`Notes`]: Razorpay's free-form key-value notes, which the API returns as an object or, when
//! empty, as `[]`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Key-value notes on an order, payment or refund (when sent: at most 15 pairs, each key and
/// each value at most 256 characters, as `openapi/razorpay.yaml` states and the client
/// enforces). Decodes from an object or an empty array; a number or boolean value (one the
/// dashboard stored) is kept as its JSON text. A `null` value is not a string: it is not in the
/// map, [`Notes::is_null`] reports it, and it serializes back as `null`, so it stays
/// distinguishable from the string `"null"`. Always serializes as an object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes(BTreeMap<String, String>, BTreeSet<String>);

impl Notes {
    /// Empty notes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one note.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.1.remove(&key);
        self.0.insert(key, value.into());
        self
    }

    /// Whether the service sent `key` with the value `null` (such a key is not in the map of
    /// strings).
    pub fn is_null(&self, key: &str) -> bool {
        self.1.contains(key) && !self.0.contains_key(key)
    }

    /// The keys whose value was `null`.
    pub fn null_keys(&self) -> impl Iterator<Item = &str> {
        self.1
            .iter()
            .filter(|key| !self.0.contains_key(*key))
            .map(String::as_str)
    }

    /// The notes with a string value, as a map.
    pub fn into_inner(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl Deref for Notes {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Notes {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<BTreeMap<String, String>> for Notes {
    fn from(map: BTreeMap<String, String>) -> Self {
        Self(map, BTreeSet::new())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Notes {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            BTreeSet::new(),
        )
    }
}

impl Serialize for Notes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let nulls: Vec<&str> = self.null_keys().collect();
        let mut map = serializer.serialize_map(Some(self.0.len() + nulls.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        for key in nulls {
            map.serialize_entry(key, &())?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Notes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NotesVisitor)
    }
}

struct NotesVisitor;

impl<'de> Visitor<'de> for NotesVisitor {
    type Value = Notes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("notes as an object of strings or an empty array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Notes, A::Error> {
        let mut notes = Notes::default();
        while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
            let text = match value {
                serde_json::Value::Null => {
                    notes.0.remove(&key);
                    notes.1.insert(key);
                    continue;
                }
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            notes.1.remove(&key);
            notes.0.insert(key, text);
        }
        Ok(notes)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Notes, A::Error> {
        match seq.next_element::<de::IgnoredAny>()? {
            None => Ok(Notes::default()),
            Some(_) => Err(de::Error::custom(
                "notes: expected an object or an empty array, got a non-empty array",
            )),
        }
    }
}
