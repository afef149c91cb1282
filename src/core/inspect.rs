//! What a decoded success body must still satisfy beyond its shape, as the specs state it:
//! no value below the `minimum` its response schema gives it (money is never negative), and no
//! failure envelope (`x-failure-when`, e.g. Ippopay's `success: false`) passed off as success.
//!
//! `codegen` implements [`Inspect`] for every generated type from the spec, so these checks
//! run on the value the client already decoded: a body is parsed once.
#![allow(
    dead_code,
    reason = "the generated impls use the helpers their spec calls for (`minimum`, `x-failure-when`): a build with one gateway leaves some unused"
)]

/// Checks on a decoded body that the spec states and its Rust type cannot enforce.
/// Implemented for every type generated from `openapi/*.yaml`, and through `Option`, `Vec`
/// and `Box`.
pub trait Inspect {
    /// The first value below the `minimum` the spec gives it, as its JSON path (relative to
    /// `path`, which holds the path of `self`) and the value.
    fn below_minimum(&self, path: &mut String) -> Option<(String, i64)>;

    /// Whether this is the gateway's failure envelope, per the spec's `x-failure-when`.
    fn is_failure(&self) -> bool {
        false
    }
}

impl<T: Inspect> Inspect for Option<T> {
    fn below_minimum(&self, path: &mut String) -> Option<(String, i64)> {
        self.as_ref()?.below_minimum(path)
    }

    fn is_failure(&self) -> bool {
        self.as_ref().is_some_and(Inspect::is_failure)
    }
}

impl<T: Inspect> Inspect for Box<T> {
    fn below_minimum(&self, path: &mut String) -> Option<(String, i64)> {
        (**self).below_minimum(path)
    }
}

impl<T: Inspect> Inspect for Vec<T> {
    fn below_minimum(&self, path: &mut String) -> Option<(String, i64)> {
        self.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = item.below_minimum(path);
            path.truncate(len);
            found
        })
    }
}

impl<T: Inspect> Inspect for std::collections::BTreeMap<String, T> {
    fn below_minimum(&self, path: &mut String) -> Option<(String, i64)> {
        self.iter().find_map(|(key, value)| {
            let len = path.len();
            path.push_str(&format!("[{key:?}]"));
            let found = value.below_minimum(path);
            path.truncate(len);
            found
        })
    }
}

/// Raw JSON has no schema, so nothing is stated about it: a caller that asks for a `Value`
/// checks it itself.
impl Inspect for serde_json::Value {
    fn below_minimum(&self, _path: &mut String) -> Option<(String, i64)> {
        None
    }
}

/// An integer field, present or not.
pub trait Integer {
    /// The value, if present.
    fn get(&self) -> Option<i64>;
}

impl Integer for i64 {
    fn get(&self) -> Option<i64> {
        Some(*self)
    }
}

impl Integer for Option<i64> {
    fn get(&self) -> Option<i64> {
        *self
    }
}

/// Generated for an integer whose schema says `minimum: 1`.
impl Integer for std::num::NonZeroU64 {
    fn get(&self) -> Option<i64> {
        i64::try_from(u64::from(*self)).ok()
    }
}

impl Integer for Option<std::num::NonZeroU64> {
    fn get(&self) -> Option<i64> {
        self.as_ref().and_then(Integer::get)
    }
}

/// A boolean field, present or not.
pub trait Boolean {
    /// The value, if present.
    fn get(&self) -> Option<bool>;
}

impl Boolean for bool {
    fn get(&self) -> Option<bool> {
        Some(*self)
    }
}

impl Boolean for Option<bool> {
    fn get(&self) -> Option<bool> {
        *self
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// `field` (named `name` in JSON) if it is below `minimum`. Used by the generated impls.
pub fn at_least<I: Integer>(
    field: &I,
    minimum: i64,
    name: &str,
    path: &str,
) -> Option<(String, i64)> {
    let value = field.get()?;
    (value < minimum).then(|| (join(path, name), value))
}

/// [`Inspect::below_minimum`] of a nested `field` (named `name` in JSON).
pub fn nested<T: Inspect>(field: &T, name: &str, path: &mut String) -> Option<(String, i64)> {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
    let found = field.below_minimum(path);
    path.truncate(len);
    found
}

/// Whether `field` holds `value`. Used by the generated impls for `x-failure-when`.
pub fn equals<B: Boolean>(field: &B, value: bool) -> bool {
    field.get() == Some(value)
}

/// The decoding error for a value below its minimum, naming the field and the value.
pub(crate) fn below_minimum_error(path: &str, value: i64) -> serde_json::Error {
    serde::de::Error::custom(format!(
        "`{path}` is {value}, below the minimum the spec states for it (an amount is never negative)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Entity {
        amount: i64,
        fee: Option<i64>,
    }
    impl Inspect for Entity {
        fn below_minimum(&self, path: &mut String) -> Option<(String, i64)> {
            at_least(&self.amount, 0, "amount", path)
                .or_else(|| at_least(&self.fee, 0, "fee", path))
        }
    }
    struct Page {
        items: Vec<Entity>,
    }
    impl Inspect for Page {
        fn below_minimum(&self, path: &mut String) -> Option<(String, i64)> {
            nested(&self.items, "items", path)
        }
    }

    #[test]
    fn the_first_value_below_its_minimum_is_named_by_its_path() {
        let page = Page {
            items: vec![
                Entity {
                    amount: 100,
                    fee: None,
                },
                Entity {
                    amount: 100,
                    fee: Some(-2),
                },
            ],
        };
        assert_eq!(
            page.below_minimum(&mut String::new()),
            Some(("items[1].fee".into(), -2))
        );
        let fine = Page {
            items: vec![Entity {
                amount: 0,
                fee: Some(0),
            }],
        };
        assert_eq!(fine.below_minimum(&mut String::new()), None);
    }
}
