//! One run of a conformance scenario: its steps against one server kind and transport
//! (conformance/README.md says what each step means).

use falco_sdk::testkit::Server;
use falco_sdk::{Alert, Client, Error, ErrorCode, Options, StatusEvent, Subscription, Tls};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_stream::StreamExt;

type Step = Map<String, Value>;

struct Run {
    server: Server,
    options: Map<String, Value>,
    clients: Vec<Client>,
    sub: Option<Subscription>,
    got: Option<VecDeque<Alert>>, // the alerts of a get, when it is the source
    status: Arc<Mutex<Vec<StatusEvent>>>,
    cursor: usize,
    emitted: Vec<Value>,
    matched: usize,
}

/// A failure waiting cannot mend (a wrong alert) is `Final`.
enum Miss {
    Retry(String),
    Final(String),
}
use Miss::{Final, Retry};

pub async fn scenario(scenario: &Value, kind: &str, transport: &str) -> Result<(), String> {
    let extra = scenario.get("server").cloned().unwrap_or(json!({}));
    let mut run = Run {
        server: Server::start_with(kind, transport, extra),
        options: Map::new(),
        clients: Vec::new(),
        sub: None,
        got: None,
        status: Arc::default(),
        cursor: 0,
        emitted: Vec::new(),
        matched: 0,
    };
    for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        let step = step.as_object().unwrap();
        Box::pin(run.step(step))
            .await
            .map_err(|why| format!("step {} {}: {why}", i + 1, Value::Object(step.clone())))?;
    }
    Ok(())
}

fn timeout_of(step: &Step) -> Duration {
    Duration::from_millis(step.get("timeoutMs").and_then(Value::as_u64).unwrap_or(30_000))
}

fn num(step: &Step, key: &str) -> u64 {
    step[key].as_u64().unwrap_or_else(|| panic!("{key} of {step:?}"))
}

fn bound(got: u64, want: &Value) -> Result<(), String> {
    let ok = match want {
        Value::Number(n) => Some(got) == n.as_u64(),
        _ => {
            want.get("atLeast")
                .and_then(Value::as_u64)
                .is_none_or(|least| got >= least)
                && want
                    .get("atMost")
                    .and_then(Value::as_u64)
                    .is_none_or(|most| got <= most)
        }
    };
    ok.then_some(()).ok_or(format!("{got}, want {want}"))
}

/// This crate's ErrorCodes by the TypeScript FalcoError codes the scenarios use.
fn code_name(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::Unavailable => "connection",
        ErrorCode::Configuration => "configuration",
        ErrorCode::SubSlotsFull => "sub-slots-full",
        ErrorCode::Call => "call",
        ErrorCode::Tls => "tls",
        _ => "unknown",
    }
}

fn error_matches(error: Option<&Error>, want: &Value) -> Result<(), String> {
    let error = error.ok_or(format!("no error, want {want}"))?;
    if want["code"] != code_name(error.code) {
        return Err(format!("error {error} is {:?}, want {}", error.code, want["code"]));
    }
    if let Some(reason) = want.get("reason") {
        let got = error.tls_reason().map(|r| r.as_str());
        if got != reason.as_str() {
            return Err(format!("error {error}: reason {got:?}, want {reason}"));
        }
    }
    if let Some(text) = want.get("messageIncludes").and_then(Value::as_str) {
        if !error.to_string().to_lowercase().contains(&text.to_lowercase()) {
            return Err(format!("error {error} does not say {text:?}"));
        }
    }
    Ok(())
}

/// The type is the event's name; each other field given must be equal.
fn event_matches(event: &StatusEvent, want: &Map<String, Value>) -> Result<(), String> {
    if want["type"] != event.name() {
        return Err(format!("{} is not {}", event.name(), want["type"]));
    }
    for (key, value) in want {
        let got = match (key.as_str(), event) {
            ("type", _) => continue,
            ("error", StatusEvent::Disconnected { error, .. }) | ("error", StatusEvent::Starved { error }) => {
                error_matches(Some(error), value)?;
                continue;
            }
            ("error", StatusEvent::Reconnecting { error, .. }) => {
                error_matches(error.as_ref(), value)?;
                continue;
            }
            (
                "alertsMayHaveBeenLost",
                StatusEvent::Disconnected {
                    alerts_may_have_been_lost,
                    ..
                },
            ) => json!(alerts_may_have_been_lost),
            ("possibleLosses", StatusEvent::Disconnected { possible_losses, .. }) => json!(possible_losses),
            ("count", StatusEvent::Dropped { count, .. }) => json!(count),
            ("total", StatusEvent::Dropped { total, .. }) => json!(total),
            ("attempt", StatusEvent::Reconnecting { attempt, .. }) => json!(attempt),
            _ => return Err(format!("{} has no field {key}", event.name())),
        };
        if &got != value {
            return Err(format!("{}: {key} is {got}, want {value}", event.name()));
        }
    }
    Ok(())
}

impl Run {
    async fn step(&mut self, step: &Step) -> Result<(), String> {
        if let Some(cmd) = step.get("server").and_then(Value::as_str) {
            let mut command = step.clone();
            command.remove("server");
            command.insert("cmd".into(), json!(cmd));
            let reply = self.server.send(Value::Object(command));
            if cmd == "emit" {
                self.emitted.extend(reply["alerts"].as_array().unwrap().iter().cloned());
            }
            return Ok(());
        }
        if step.contains_key("client") {
            return self.client_step(step).await;
        }
        if step.contains_key("repeat") {
            return self.repeat(step).await;
        }
        // An expectation: re-checked until it holds, failing after timeoutMs.
        let deadline = Instant::now() + timeout_of(step);
        loop {
            match self.expect(step).await {
                Ok(()) => return Ok(()),
                Err(Final(why)) => return Err(why),
                Err(Retry(why)) if Instant::now() > deadline => return Err(why),
                Err(Retry(_)) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    async fn repeat(&mut self, step: &Step) -> Result<(), String> {
        let until = step["until"].as_object().unwrap();
        for _ in 0..num(step, "atMost") {
            if let Some(i) = self.find_event(until, self.cursor) {
                self.cursor = i + 1;
                return Ok(());
            }
            for inner in step["repeat"].as_array().unwrap() {
                Box::pin(self.step(inner.as_object().unwrap())).await?;
            }
        }
        Err(format!(
            "no {until:?} after {} repeats: {:?}",
            step["atMost"],
            self.names()
        ))
    }

    fn names(&self) -> Vec<&'static str> {
        self.status.lock().unwrap().iter().map(StatusEvent::name).collect()
    }

    /// The events on one line each (the first 20), for failure messages.
    fn events(&self) -> String {
        let events = self.status.lock().unwrap();
        events.iter().take(20).map(|e| format!("\n  {e}")).collect()
    }

    fn find_event(&self, want: &Map<String, Value>, from: usize) -> Option<usize> {
        let events = self.status.lock().unwrap();
        (from..events.len()).find(|&i| event_matches(&events[i], want).is_ok())
    }

    /// A scenario's options (TypeScript's names) as Options. maxBufferedAlerts and
    /// pollIntervalMs are client options in Rust: subscribe with options makes its own client.
    fn client_options(&self, options: &Map<String, Value>) -> Options {
        let status = self.status.clone();
        let mut o = Options::default()
            .with_endpoint(self.server.endpoint.clone())
            .with_on_status(move |e| status.lock().unwrap().push(e.clone()));
        let ms = |v: &Value| Duration::from_millis(v.as_u64().unwrap());
        let mut tls = "valid";
        for (key, value) in options {
            match key.as_str() {
                "livenessTimeoutMs" => o.liveness_timeout = ms(value),
                "waitForServer" => o.wait_for_server = value.as_bool().unwrap(),
                "maxBufferedAlerts" => o.max_buffered_alerts = value.as_u64().unwrap() as usize,
                "pollIntervalMs" => o.poll_interval = ms(value),
                "tls" => tls = value.as_str().unwrap(),
                "reconnect" => {
                    if value == &Value::Bool(false) {
                        o.reconnect = false;
                        continue;
                    }
                    let r = value.as_object().expect("reconnect: false or an object");
                    for (k, v) in r {
                        match k.as_str() {
                            "initialDelayMs" => o.backoff.initial_delay = ms(v),
                            "maxDelayMs" => o.backoff.max_delay = ms(v),
                            "multiplier" => o.backoff.multiplier = v.as_f64().unwrap(),
                            "jitter" => o.backoff.jitter = v.as_f64().unwrap(),
                            "maxAttempts" => o.backoff.max_attempts = v.as_u64().map(|n| n as u32),
                            _ => panic!("unknown reconnect option {k}"),
                        }
                    }
                }
                _ => panic!("unknown option {key}"),
            }
        }
        if self.server.pki.is_some() {
            let file = |name| self.server.pki_file(name).unwrap();
            let mut t = Tls::new(file("ca"), file("cert"), file("key"));
            match tls {
                "wrongCa" => t.ca = file("rogueCa"),
                "rogueClientCert" => (t.cert, t.key) = (file("rogueCert"), file("rogueKey")),
                "wrongServerName" => t.server_name = Some("falco.example.org".into()),
                _ => {}
            }
            // noClientCert: Tls holds a certificate and key, so no TLS at all.
            o.tls = (tls != "noClientCert").then_some(t);
        }
        o
    }

    fn new_client(&mut self, options: &Map<String, Value>) -> Result<Client, Error> {
        let client = Client::new(self.client_options(options))?;
        self.clients.push(client.clone());
        Ok(client)
    }

    fn client(&self) -> Client {
        self.clients.last().expect("a client (create first)").clone()
    }

    async fn client_step(&mut self, step: &Step) -> Result<(), String> {
        let options = step
            .get("options")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let result: Result<(), Error> = match step["client"].as_str().unwrap() {
            "create" => {
                self.options = options.clone();
                self.new_client(&options).map(drop)
            }
            "version" => self.client().version().await.map(drop),
            "subscribe" => {
                let client = match options.is_empty() {
                    true => self.client(),
                    false => {
                        let mut merged = self.options.clone();
                        merged.extend(options);
                        self.new_client(&merged).map_err(|e| e.to_string())?
                    }
                };
                self.got = None;
                let mut sub = client.subscribe();
                let result = match step.contains_key("error") {
                    true => match tokio::time::timeout(timeout_of(step), sub.next()).await {
                        Ok(Some(Err(error))) => Err(error),
                        other => return Err(format!("{other:?}, want an error")),
                    },
                    false => Ok(()),
                };
                self.sub = Some(sub);
                result
            }
            "get" => {
                let mut drain = self.client().get().await.map_err(|e| e.to_string())?;
                let take = step.get("take").and_then(Value::as_u64).unwrap_or(u64::MAX);
                let mut got = VecDeque::new();
                while (got.len() as u64) < take {
                    match drain.next().await {
                        Some(alert) => got.push_back(alert.map_err(|e| e.to_string())?),
                        None => break,
                    }
                }
                drop(drain); // cancels the call when it took `take`
                self.got = Some(got);
                Ok(())
            }
            "unsubscribe" => {
                self.sub.take();
                Ok(())
            }
            "slowConsume" => return self.slow_consume(step).await,
            "close" => {
                self.sub.take(); // a subscription has connections of its own
                self.clients.clear();
                Ok(())
            }
            other => return Err(format!("unknown client step {other}")),
        };
        match (step.get("error"), result) {
            (Some(want), result) => error_matches(result.err().as_ref(), want),
            (None, result) => result.map_err(|e| e.to_string()),
        }
    }

    /// The next alert of the current source; `None` at its end.
    async fn take(&mut self, timeout: Duration) -> Result<Option<Alert>, String> {
        if let Some(got) = &mut self.got {
            return Ok(got.pop_front());
        }
        let sub = self.sub.as_mut().ok_or("no alert source (subscribe or get first)")?;
        match tokio::time::timeout(timeout, sub.next()).await {
            Ok(Some(Ok(alert))) => Ok(Some(alert)),
            Ok(Some(Err(error))) => Err(format!("the subscription failed: {error}")),
            Ok(None) => Ok(None),
            Err(_) => Err(format!("no alert within {timeout:?}")),
        }
    }

    async fn expect_alerts(&mut self, n: u64, timeout: Duration) -> Result<(), Miss> {
        for _ in 0..n {
            let want = self
                .emitted
                .get(self.matched)
                .cloned()
                .ok_or(Final("more alerts expected than emitted".into()))?;
            let alert = self
                .take(timeout)
                .await
                .map_err(Final)?
                .ok_or(Final("the alert source ended".into()))?;
            if alert.to_json() != want {
                return Err(Final(format!(
                    "alert {} is {}, want {want}",
                    self.matched + 1,
                    alert.to_json()
                )));
            }
            self.matched += 1;
        }
        Ok(())
    }

    async fn slow_consume(&mut self, step: &Step) -> Result<(), String> {
        let most = num(step, "maxPending") as usize;
        for i in 0..num(step, "count") {
            let pending = self.sub.as_ref().unwrap().pending();
            if pending > most {
                return Err(format!("alert {i}: {pending} pending, want at most {most}"));
            }
            self.expect_alerts(1, timeout_of(step))
                .await
                .map_err(|(Retry(w) | Final(w))| w)?;
            tokio::time::sleep(Duration::from_millis(num(step, "pauseMs"))).await;
        }
        Ok(())
    }

    /// Alerts until the last emitted one: the emitted ones in order, some possibly missing
    /// (then a disconnected event must have said alerts may have been lost).
    async fn alerts_through_last(&mut self, step: &Step) -> Result<(), Miss> {
        let mut missing = 0;
        while self.matched < self.emitted.len() {
            let alert = self
                .take(timeout_of(step))
                .await
                .map_err(Final)?
                .ok_or(Final("the source ended".into()))?;
            let got = alert.to_json();
            let at = (self.matched..self.emitted.len()).find(|&i| self.emitted[i] == got);
            let at = at.ok_or(Final(format!(
                "alert {got} was not emitted after {} (repeated or reordered)",
                self.matched
            )))?;
            missing += at - self.matched;
            self.matched = at + 1;
        }
        let limit = &step["missing"]["atMost"];
        let most = match limit.as_u64() {
            Some(n) => n,
            None => self.server.cmd("stats")["dropped"].as_u64().unwrap(),
        } as usize;
        if missing > most {
            return Err(Final(format!("{missing} alerts missing, at most {most} allowed")));
        }
        let lost = json!({"type": "disconnected", "alertsMayHaveBeenLost": true});
        if missing > 0 && self.find_event(lost.as_object().unwrap(), 0).is_none() {
            return Err(Final(format!(
                "{missing} alerts missing and no disconnected event said so"
            )));
        }
        Ok(())
    }

    async fn expect(&mut self, step: &Step) -> Result<(), Miss> {
        match step["expect"].as_str().unwrap() {
            "alerts" => self.expect_alerts(num(step, "count"), timeout_of(step)).await,
            "alertsThroughLast" => self.alerts_through_last(step).await,
            "end" => match self.take(timeout_of(step)).await {
                Ok(None) => Ok(()),
                other => Err(Final(format!("the alert source did not end: {other:?}"))),
            },
            "pending" => {
                let pending = self.sub.as_ref().map_or(0, Subscription::pending) as u64;
                bound(pending, &json!({"atLeast": step["atLeast"]})).map_err(Retry)
            }
            "status" => self.expect_status(step),
            "noStatus" => {
                let want = json!({"type": step["type"]});
                match self.find_event(want.as_object().unwrap(), 0) {
                    Some(_) => Err(Final(format!("a {} event: {:?}", step["type"], self.names()))),
                    None => Ok(()),
                }
            }
            "serverStats" => {
                let stats = self.server.cmd("stats");
                for (key, want) in step
                    .iter()
                    .filter(|(k, _)| !["expect", "timeoutMs"].contains(&k.as_str()))
                {
                    bound(stats[key].as_u64().unwrap(), want).map_err(|why| Retry(format!("stats {key}: {why}")))?;
                }
                Ok(())
            }
            other => Err(Final(format!("unknown expectation {other}"))),
        }
    }

    /// Each listed event in order after the cursor (exact: the very next ones).
    fn expect_status(&mut self, step: &Step) -> Result<(), Miss> {
        let exact = step.get("exact").and_then(Value::as_bool).unwrap_or(false);
        let mut at = self.cursor;
        for want in step["events"].as_array().unwrap() {
            let want = want.as_object().unwrap();
            if exact {
                let events = self.status.lock().unwrap();
                let event = events.get(at).ok_or(Retry(format!("no event {want:?} after {at}")))?;
                event_matches(event, want).map_err(|why| Final(format!("event {}: {why}", at + 1)))?;
                at += 1;
                continue;
            }
            let i = self.find_event(want, at);
            at = 1 + i.ok_or_else(|| {
                Retry(format!(
                    "no event {} after event {at} of: {}",
                    Value::Object(want.clone()),
                    self.events()
                ))
            })?;
        }
        self.cursor = at;
        Ok(())
    }
}
