//! Property tests: no response decoder panics, whatever the bytes. Three kinds of input per
//! type: arbitrary bytes, arbitrary JSON values, and valid spec examples with random damage
//! (truncation, flipped bytes, spliced text), which reach deep into the decoders.
//!
//! CI runs the default 256 cases per property; a longer run is
//! `PROPTEST_CASES=100000 cargo test --release --test decoder_fuzz`.

use paygate::{ippopay, razorpay};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `bytes` as `T`; the result does not matter, only that it returns.
fn decode<T: DeserializeOwned>(bytes: &[u8]) {
    let _ = serde_json::from_slice::<T>(bytes);
}

/// Every response decoder of both clients, and the hand-written types inside them.
fn decode_all(bytes: &[u8]) {
    use razorpay::types as r;
    decode::<r::Order>(bytes);
    decode::<r::Payment>(bytes);
    decode::<r::Refund>(bytes);
    decode::<r::Settlement>(bytes);
    decode::<r::OrderCollection>(bytes);
    decode::<r::PaymentCollection>(bytes);
    decode::<r::RefundCollection>(bytes);
    decode::<r::SettlementCollection>(bytes);
    decode::<r::ErrorResponse>(bytes);
    decode::<r::WebhookEvent>(bytes);
    decode::<razorpay::Notes>(bytes);
    use ippopay::types as i;
    decode::<i::OrderResponse>(bytes);
    decode::<i::TransactionResponse>(bytes);
    decode::<i::RefundResponse>(bytes);
    decode::<i::ErrorResponse>(bytes);
    decode::<ippopay::Rupees>(bytes);
}

/// Valid bodies to damage: the specs' own examples, read once.
static SEEDS: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(seeds);

fn seeds() -> Vec<Vec<u8>> {
    let mut bodies = Vec::new();
    for gateway in ["razorpay", "ippopay"] {
        let spec: Value = crate::common::spec(gateway);
        collect_values(&spec, &mut bodies);
    }
    assert!(bodies.len() > 20, "examples found: {}", bodies.len());
    bodies
}

fn collect_values(v: &Value, out: &mut Vec<Vec<u8>>) {
    match v {
        Value::Object(map) => {
            if let Some(value @ Value::Object(_)) = map.get("value") {
                out.push(value.to_string().into_bytes());
            }
            map.values().for_each(|v| collect_values(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_values(v, out)),
        _ => {}
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::String),
        Just(Value::String("captured".into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_owned()),
                    Just("entity".to_owned()),
                    Just("amount".to_owned()),
                    Just("status".to_owned()),
                    Just("notes".to_owned()),
                    Just("items".to_owned()),
                    Just("data".to_owned()),
                    Just("order".to_owned()),
                    Just("success".to_owned()),
                    Just("error".to_owned()),
                    Just("payload".to_owned()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..8,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        decode_all(value.to_string().as_bytes());
    }

    #[test]
    fn damaged_examples_never_panic(
        pick in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        splice in "[\\[\\]{}\",:0-9.eE+-]{0,6}",
    ) {
        let seeds = &*SEEDS;
        let mut body = seeds[pick.index(seeds.len())].clone();
        for (at, byte) in flips {
            let i = at.index(body.len());
            body[i] = byte;
        }
        let at = cut.index(body.len() + 1);
        let mut damaged = body[..at].to_vec();
        damaged.extend_from_slice(splice.as_bytes());
        damaged.extend_from_slice(&body[at..]);
        decode_all(&damaged);
        decode_all(&body[..at]);
    }
}
