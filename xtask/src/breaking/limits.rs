//! The keywords of a request schema that limit what a caller may send: a published client was
//! generated to send anything the old limits allowed, so a tighter limit breaks it.
//!
//! A schema is given as its parts: the schema itself and the members of its `allOf`, `$ref`s
//! followed; a value must satisfy every part, so the tightest part decides.

use std::collections::BTreeSet;

use serde_json::Value;

use paygate_spec::open_enum_values;

/// Keywords whose value is an upper limit: a new one or a lower one breaks callers.
const UPPER: [&str; 3] = ["maxLength", "maxItems", "maxProperties"];
/// Keywords whose value is a lower limit (0 when absent): a higher one breaks callers.
const LOWER: [&str; 3] = ["minLength", "minItems", "minProperties"];

/// Vendor extensions the project uses as limits on a whole subschema (openapi/README.md):
/// OpenAPI 3.0 has no `propertyNames`, so a limit on an object's keys is `x-propertyNames`.
pub const EXTENSION_SCHEMAS: [&str; 1] = ["x-propertyNames"];

/// How each limit of `new` is tighter than in `old`, one message per change
/// (`maximum lowered: 100 → 50`); `prefix` names the keyword's parent (`x-propertyNames.`).
pub fn tightened(old: &[&Value], new: &[&Value], prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut say = |message: String| found.push(format!("{prefix}{message}"));

    for (key, exclusive) in [
        ("maximum", "exclusiveMaximum"),
        ("minimum", "exclusiveMinimum"),
    ] {
        let upper = key == "maximum";
        let (o, n) = (
            bound(old, key, exclusive, upper),
            bound(new, key, exclusive, upper),
        );
        match (o, n) {
            (_, None) => {}
            (None, Some(n)) if n.exclusive => {
                say(format!("{key} added: {} ({exclusive})", n.shown))
            }
            (None, Some(n)) => say(format!("{key} added: {}", n.shown)),
            (Some(o), Some(n)) if o.value == n.value => {
                if n.exclusive && !o.exclusive {
                    say(format!("{exclusive} switched on ({key} {})", n.shown));
                }
            }
            (Some(o), Some(n)) => {
                if tighter(n.value, o.value, upper) {
                    let verb = if upper { "lowered" } else { "raised" };
                    say(format!("{key} {verb}: {} → {}", o.shown, n.shown));
                }
            }
        }
    }
    for (keys, upper) in [(&UPPER, true), (&LOWER, false)] {
        for key in keys {
            match (bound(old, key, "", upper), bound(new, key, "", upper)) {
                (_, None) => {}
                // A lower limit of 0 limits nothing.
                (None, Some(n)) if !upper && n.value <= 0.0 => {}
                (None, Some(n)) => say(format!("{key} added: {}", n.shown)),
                (Some(o), Some(n)) if tighter(n.value, o.value, upper) => {
                    let verb = if upper { "lowered" } else { "raised" };
                    say(format!("{key} {verb}: {} → {}", o.shown, n.shown));
                }
                _ => {}
            }
        }
    }

    let patterns = |parts: &[&Value]| -> BTreeSet<String> {
        parts
            .iter()
            .filter_map(|p| p.get("pattern").and_then(Value::as_str))
            .map(str::to_owned)
            .collect()
    };
    let (old_patterns, new_patterns) = (patterns(old), patterns(new));
    let added: Vec<&String> = new_patterns.difference(&old_patterns).collect();
    match (
        old_patterns.iter().collect::<Vec<_>>().as_slice(),
        added.as_slice(),
    ) {
        (_, []) => {}
        ([was], [now]) if !new_patterns.contains(*was) => {
            say(format!("pattern changed: {was} → {now}"))
        }
        (_, added) => {
            for now in added {
                say(format!("pattern added: {now}"));
            }
        }
    }

    let multiples = |parts: &[&Value]| -> Vec<(f64, String)> {
        parts
            .iter()
            .filter_map(|p| p.get("multipleOf"))
            .filter_map(|v| Some((v.as_f64().filter(|m| *m > 0.0)?, v.to_string())))
            .collect()
    };
    let old_multiples = multiples(old);
    for (now, shown) in multiples(new) {
        // Every multiple of `was` stays valid when `now` divides it.
        if old_multiples.iter().any(|(was, _)| divides(now, *was)) {
            continue;
        }
        match old_multiples.as_slice() {
            [(_, was)] => say(format!("multipleOf changed: {was} → {shown}")),
            _ => say(format!("multipleOf added: {shown}")),
        }
    }

    if closes(new) && !closes(old) {
        say("additionalProperties: false added".into());
    }
    found
}

/// The values a request enum accepts, over all parts (`None`: any value); an open enum accepts
/// any string, so it is `None` too.
pub fn accepted_values(parts: &[&Value]) -> Option<Vec<Value>> {
    let mut accepted: Option<Vec<Value>> = None;
    for part in parts {
        if open_enum_values(part).is_some() {
            continue;
        }
        if let Some(values) = part.get("enum").and_then(Value::as_array) {
            accepted = Some(match accepted {
                None => values.clone(),
                Some(before) => before.into_iter().filter(|v| values.contains(v)).collect(),
            });
        }
    }
    accepted
}

/// `additionalProperties: false` in some part: no field beyond the listed ones is accepted.
pub fn closes(parts: &[&Value]) -> bool {
    parts
        .iter()
        .any(|p| p.get("additionalProperties") == Some(&Value::Bool(false)))
}

struct Bound {
    value: f64,
    shown: String,
    exclusive: bool,
}

/// The tightest `key` over `parts` (the smallest when `upper`), exclusive when any part makes
/// that value exclusive with `exclusive: true`.
fn bound(parts: &[&Value], key: &str, exclusive: &str, upper: bool) -> Option<Bound> {
    let mut best: Option<Bound> = None;
    for part in parts {
        let Some(value) = part.get(key).filter(|v| v.is_number()) else {
            continue;
        };
        let candidate = Bound {
            value: value.as_f64().unwrap_or_default(),
            shown: value.to_string(),
            exclusive: !exclusive.is_empty() && part.get(exclusive) == Some(&Value::Bool(true)),
        };
        best = Some(match best {
            Some(b) if b.value == candidate.value => Bound {
                exclusive: b.exclusive || candidate.exclusive,
                ..b
            },
            Some(b) if !tighter(candidate.value, b.value, upper) => b,
            _ => candidate,
        });
    }
    best
}

fn tighter(value: f64, than: f64, upper: bool) -> bool {
    if upper { value < than } else { value > than }
}

/// Whether `multiple` is a whole multiple of `divisor` (within floating-point error).
fn divides(divisor: f64, multiple: f64) -> bool {
    let ratio = multiple / divisor;
    ratio >= 1.0 - 1e-9 && (ratio - ratio.round()).abs() <= 1e-9 * ratio.abs().max(1.0)
}
