//! How long a sandbox takes to start: reading the embedded specs and compiling every validator
//! of every operation, paid once per process by each user's test binary. Run by hand (numbers go
//! in BENCHMARKS.md); in a debug build that is what a user's `cargo test` sees:
//!
//! `cargo bench -p paygate-sandbox --bench startup` (release) or
//! `cargo build -p paygate-sandbox --benches && target/debug/deps/startup-*` (debug).

use std::time::Instant;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let started = Instant::now();
    let sandbox = runtime
        .block_on(paygate_sandbox::Sandbox::builder().start())
        .expect("the sandbox starts");
    println!("sandbox started in {:?}", started.elapsed());
    drop(sandbox);
}
