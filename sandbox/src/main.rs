//! `paygate-sandbox [--port N]`: serves the sandbox on 127.0.0.1 until Ctrl-C.

use std::process::ExitCode;

const USAGE: &str = "usage: paygate-sandbox [--port N]\n\nServes fake Razorpay and Ippopay APIs on 127.0.0.1 (port N, default a free one) until Ctrl-C.";

fn port_from_args() -> Result<u16, String> {
    let mut args = std::env::args().skip(1);
    let mut port = 0;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => {
                let value = args.next().ok_or("--port needs a value")?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port {value:?} is not a port number"))?;
            }
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    Ok(port)
}

#[tokio::main]
async fn main() -> ExitCode {
    let port = match port_from_args() {
        Ok(port) => port,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match paygate_sandbox::Sandbox::builder().port(port).start().await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("paygate sandbox listening on {}", sandbox.base_url());
    println!();
    println!("Razorpay  {}", sandbox.razorpay_url());
    println!("  key_id      {}", sandbox.razorpay_key_id());
    println!("  key_secret  {}", sandbox.razorpay_key_secret());
    println!("Ippopay   {}", sandbox.ippopay_url());
    println!("  public_key  {}", sandbox.ippopay_public_key());
    println!("  secret_key  {}", sandbox.ippopay_secret_key());
    println!(
        "Control   {}  (see sandbox/openapi/control.yaml)",
        sandbox.control_url()
    );
    println!();
    println!("Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {e}");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
