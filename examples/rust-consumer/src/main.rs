//! Prints Falco alerts as Falco JSON lines (priority Capitalised, time RFC 3339 with nanoseconds).
//!
//!     cargo run --release -- --endpoint unix:///run/falco/falco.sock --count 10
//!     cargo run --release -- --endpoint localhost:5060 --ca ca.crt --cert client.crt --key client.key --count 10
//!
//! Each status event goes to stderr as one line: `status: disconnected
//! alertsMayHaveBeenLost=true possibleLosses=1 error="..."`. Exits 0 after --count alerts (default:
//! runs until interrupted), 1 when Falco cannot be reached (the message names the
//! endpoint) or stays hung past the liveness window (--liveness-timeout), 2 on a
//! usage error.

use falco_sdk::{Client, Options, StatusEvent, Tls};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use tokio_stream::StreamExt;

const USAGE: &str = "usage: rust-consumer [--endpoint unix:///path | host:port --ca FILE --cert FILE --key FILE \
                     [--server-name NAME]] [--count N] [--liveness-timeout DURATION (30s, 400ms)]";

struct Args {
    endpoint: Option<String>,
    count: u64,
    ca: Option<String>,
    cert: Option<String>,
    key: Option<String>,
    server_name: String,
    liveness: Duration,
}

/// "30s", "400ms": the Go consumer's --liveness-timeout syntax.
fn duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("--liveness-timeout takes a duration such as 30s or 400ms, got {text}");
    let (number, unit) = match text.strip_suffix("ms") {
        Some(n) => (n, 1),
        None => (text.strip_suffix('s').ok_or_else(bad)?, 1000),
    };
    let n: u64 = number.parse().map_err(|_| bad())?;
    if n == 0 {
        return Err(bad());
    }
    Ok(Duration::from_millis(n * unit))
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        endpoint: None,
        count: 0,
        ca: None,
        cert: None,
        key: None,
        server_name: "localhost".into(),
        liveness: Duration::from_secs(30),
    };
    while let Some(flag) = argv.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Err(USAGE.into());
        }
        let value = inline
            .or_else(|| argv.next())
            .ok_or(format!("{name} needs a value\n{USAGE}"))?;
        match name.as_str() {
            "--endpoint" => args.endpoint = Some(value),
            "--count" => {
                args.count = value
                    .parse()
                    .map_err(|_| format!("--count must be a number >= 0, got {value}"))?
            }
            "--ca" => args.ca = Some(value),
            "--cert" => args.cert = Some(value),
            "--key" => args.key = Some(value),
            "--server-name" => args.server_name = value,
            "--liveness-timeout" => args.liveness = duration(&value)?,
            _ => return Err(format!("unknown flag {name}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn options(args: Args) -> Result<Options, String> {
    let tls = match (args.ca, args.cert, args.key) {
        (Some(ca), Some(cert), Some(key)) => {
            let mut tls = Tls::new(ca, cert, key);
            tls.server_name = Some(args.server_name);
            Some(tls)
        }
        (None, None, None) => None,
        _ => return Err("mutual TLS needs all of --ca, --cert and --key".into()),
    };
    if let (Some(endpoint), None) = (&args.endpoint, &tls) {
        if !endpoint.starts_with("unix:") && !endpoint.starts_with('/') {
            return Err(format!(
                "{endpoint} is TCP, where Falco always requires mutual TLS: give --ca, --cert and --key"
            ));
        }
    }
    let mut options = Options::default();
    options.endpoint = args.endpoint;
    options.tls = tls;
    options.liveness_timeout = args.liveness;
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let parsed = parse(std::env::args().skip(1));
    let count = parsed.as_ref().map(|a| a.count).unwrap_or(0);
    let liveness = parsed.as_ref().map(|a| a.liveness).unwrap_or_default();
    // Status events on stderr; a liveness failure (Falco hung) ends the program.
    let (hung_tx, mut hung) = tokio::sync::mpsc::unbounded_channel::<String>();
    let on_status = move |event: &StatusEvent| {
        eprintln!("status: {event}");
        if let StatusEvent::Disconnected { error, .. } = event {
            if error.is_hung() {
                let _ = hung_tx.send(error.to_string());
            }
        }
    };
    let client = match parsed
        .and_then(options)
        .and_then(|o| Client::new(o.with_on_status(on_status)).map_err(|e| e.to_string()))
    {
        Ok(client) => client,
        Err(message) => {
            eprintln!("rust-consumer: {message}");
            return ExitCode::from(2);
        }
    };
    // Fails at once, naming the endpoint, when Falco is unreachable.
    if let Err(error) = client.version().await {
        eprintln!("rust-consumer: {error}");
        return ExitCode::from(1);
    }
    let mut alerts = client.subscribe();
    let mut stdout = std::io::stdout().lock();
    let mut printed = 0u64;
    loop {
        let next = tokio::select! {
            next = alerts.next() => next,
            _ = tokio::signal::ctrl_c() => return ExitCode::from(130),
            Some(why) = hung.recv() => {
                eprintln!("rust-consumer: {why}; exiting (Falco stayed hung past --liveness-timeout {liveness:?})");
                return ExitCode::from(1);
            }
        };
        match next {
            Some(Ok(alert)) => {
                if writeln!(stdout, "{}", alert.to_json())
                    .and_then(|_| stdout.flush())
                    .is_err()
                {
                    return ExitCode::SUCCESS; // the reader went away
                }
                printed += 1;
                if printed == count {
                    return ExitCode::SUCCESS;
                }
            }
            Some(Err(error)) => {
                eprintln!("rust-consumer: {error}");
                return ExitCode::from(1);
            }
            None => return ExitCode::from(1),
        }
    }
}
