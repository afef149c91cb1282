//! Pins the generated clients: any change to a spec or to the generator shows up here as a
//! snapshot diff to review (`cargo insta review`).

#[test]
fn razorpay_client_source() {
    insta::assert_snapshot!(
        "razorpay_client",
        include_str!(concat!(env!("OUT_DIR"), "/razorpay.rs"))
    );
}

#[test]
fn ippopay_client_source() {
    insta::assert_snapshot!(
        "ippopay_client",
        include_str!(concat!(env!("OUT_DIR"), "/ippopay.rs"))
    );
}
